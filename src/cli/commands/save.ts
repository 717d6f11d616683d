/** `hubctl save` (declared in table.ts): to stdout, or to a temp file renamed into place on success. */
import { promises as fsp } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { save } from '../../api/save.js';
import { createClient } from '../../api/client.js';
import { parsePlatform } from '../../oci/platform.js';
import { usageError, storeError } from '../../errors.js';
import { clientOptions } from '../client-options.js';
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
  const client = createClient(await clientOptions(rt));
  const saveOptions = { signal: rt.signal, ...(platform ? { platform } : {}) };
  if (!opts.output) {
    await save(client, refs, process.stdout, saveOptions);
    return;
  }
  // A temp file beside the target, renamed on success: a failed save never leaves a broken archive.
  const tmp = join(dirname(opts.output), `.${basename(opts.output)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await fsp.open(tmp, 'wx', 0o644);
    await save(client, refs, fh.createWriteStream(), saveOptions);
    await fsp.rename(tmp, opts.output);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.syscall !== undefined) {
      throw storeError('SAVE_WRITE_FAILED', `cannot write ${opts.output}: ${err.message}`, { cause: e });
    }
    throw e;
  }
}
