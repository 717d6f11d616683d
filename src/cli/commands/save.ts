/** `hubctl save` (declared in table.ts): to stdout, or to the -o path by src/fs's output-path rule. */
import { save } from '../../api/save.js';
import { parsePlatform } from '../../oci/platform.js';
import { usageError } from '../../errors.js';
import { openOutputPath } from '../../fs/output-path.js';
import { withClient } from '../with-client.js';
import type { CliRuntime } from '../runtime.js';

export interface SaveFlags {
  output?: string;
  platform?: string;
}

export async function saveCommand(rt: CliRuntime, refs: string[], opts: SaveFlags): Promise<void> {
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  if (!opts.output && process.stdout.isTTY) {
    throw usageError('SAVE_TO_TERMINAL', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const saveOptions = { signal: rt.signal, ...(platform ? { platform } : {}) };
  await withClient(rt, {}, async (client) => {
    if (!opts.output) {
      await save(client, refs, process.stdout, saveOptions);
      return;
    }
    // a regular file gets a temp file renamed into place on success; a device or FIFO is written through
    const out = await openOutputPath(opts.output, { what: 'the archive' });
    try {
      await save(client, refs, out.stream, saveOptions);
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
  });
}
