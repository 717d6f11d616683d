import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, tempPathFor } from '../fs/atomic.js';

export { fsyncDir, tempPathFor };

export interface AtomicWriteOptions {
  /** File mode for a new file (default 0o644). */
  mode?: number;
  /** fsync the file before the rename and the directory after it (default true). */
  fsync?: boolean;
}

async function writeTemp(path: string, data: string | Uint8Array, opts: AtomicWriteOptions): Promise<string> {
  const tmp = tempPathFor(path);
  const fh = await fsp.open(tmp, 'wx', opts.mode ?? 0o644);
  try {
    await fh.writeFile(data);
    if (opts.fsync !== false) await fh.sync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return tmp;
}

/** temp file in the same directory -> fsync -> rename -> fsync(dir). Readers see old or new, never half. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const tmp = await writeTemp(path, data, opts);
  try {
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  if (opts.fsync !== false) await fsyncDir(dirname(path));
}

/**
 * Creates `path` with `data` only if it does not exist yet, atomically (temp + link): no reader ever
 * sees it empty. Returns false when the file already existed.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<boolean> {
  const tmp = await writeTemp(path, data, opts);
  try {
    await fsp.link(tmp, path);
    if (opts.fsync !== false) await fsyncDir(dirname(path));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}
