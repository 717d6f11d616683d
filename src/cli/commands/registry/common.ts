/** What the registry commands share: their flags and `--format` output. */
import { parsePlatform } from '../../../oci/platform.js';
import type { Platform } from '../../../oci/types.js';
import type { ConnectionFlags } from '../../client-options.js';
import type { CliRuntime } from '../../runtime.js';

export interface RemoteFlags extends ConnectionFlags {
  platform?: string;
  format?: string;
  raw?: boolean;
}

export function platformOption(opts: { platform?: string }): { platform?: Platform } {
  return opts.platform ? { platform: parsePlatform(opts.platform) } : {};
}

/**
 * Prints rows of string fields: `--format json` as one JSON document (`whole`), a Go template once per
 * row, else `plain` (the default output).
 */
export async function printRows(
  rt: CliRuntime,
  format: string | undefined,
  rows: Record<string, string>[],
  fields: readonly string[],
  whole: unknown,
  plain: () => void,
): Promise<void> {
  if (format === undefined || format === '' || format === 'table') {
    plain();
    return;
  }
  if (format === 'json') {
    rt.out.data(JSON.stringify(whole));
    return;
  }
  const { renderTemplateRows } = await import('../../template-rows.js');
  for (const line of renderTemplateRows(format, rows, fields)) rt.out.data(line);
}
