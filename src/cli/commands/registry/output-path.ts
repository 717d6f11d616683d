/**
 * Opens a path the user named for output (blob -o). A regular file (or a new one) is written as a temp
 * file beside it and renamed over it only on commit, so a failed or unverified download never replaces
 * it; a symbolic link is followed to its target. Anything else that exists (a FIFO, /dev/stdout, a
 * character device) is written through in place and never renamed over. A directory is refused.
 *
 * Kept small and local on purpose: the lead switches it over to the shared safe-output module at merge.
 */
import { createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { storeError, usageError } from '../../../errors.js';

export interface OutputFile {
  stream: WriteStream;
  /** Makes the output final (fsync + rename for a regular file). */
  commit(): Promise<void>;
  /** Drops what was written to a temp file; a device or FIFO is only closed. */
  abort(): Promise<void>;
}

export async function openOutputPath(path: string): Promise<OutputFile> {
  const target = await fsp.realpath(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return path;
    throw outputError(path, e);
  });
  const st = await fsp.stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw outputError(path, e);
  });
  if (st?.isDirectory()) throw usageError('OUTPUT_IS_DIRECTORY', `${path} is a directory`, { hint: 'name a file to write to' });
  if (st !== undefined && !st.isFile()) {
    const stream = createWriteStream(target, { flags: 'w' });
    await opened(stream, path);
    return { stream, commit: () => closed(stream), abort: () => closed(stream) };
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  await opened(stream, path);
  return {
    stream,
    async commit() {
      await closed(stream);
      try {
        const fh = await fsp.open(tmp, 'r');
        await fh.sync().finally(() => fh.close());
        await fsp.rename(tmp, target);
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        throw outputError(path, e as NodeJS.ErrnoException);
      }
    },
    async abort() {
      await closed(stream).catch(() => undefined);
      await fsp.rm(tmp, { force: true });
    },
  };
}

function opened(stream: WriteStream, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(outputError(path, e as NodeJS.ErrnoException)));
  });
}

/** Resolves once the file descriptor is closed (the stream may already be ended by a pipeline). */
function closed(stream: WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.once('close', () => resolve());
    stream.once('error', reject);
    if (!stream.writableEnded) stream.end();
  });
}

function outputError(path: string, e: NodeJS.ErrnoException) {
  return storeError('OUTPUT_WRITE_FAILED', `cannot write ${path}: ${e.message}`, { cause: e, hint: 'check the path and its permissions' });
}
