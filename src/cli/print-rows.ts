import type { Output } from './output.js';

/**
 * `--format json` (one object per line) or a Go template over rows of string fields, on stdout. False
 * for `table`: the command prints its own table. The template code loads only when a template is given.
 */
export async function printFormattedRows(
  out: Output,
  format: string,
  rows: readonly Record<string, string>[],
  fields: readonly string[],
): Promise<boolean> {
  if (format === 'table') return false;
  if (format === 'json') {
    for (const r of rows) out.data(JSON.stringify(r));
    return true;
  }
  const { renderTemplateRows } = await import('./template-rows.js');
  for (const line of renderTemplateRows(format, rows, fields)) out.data(line);
  return true;
}
