import { constants as fsc, createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Hash } from 'node:crypto';
import { digestAlgorithm, hasherFor } from '../digest/digest.js';
import { HubctlError, codedError, networkError, storeError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import { isPumpable, type ContentOpener, type IngestOptions, type PumpableStream } from '../content/types.js';
import type { BlobStore, BlobStoreOptions } from './blobs.js';
import { WRITE_BUFFER_BYTES, checkDescriptorShape, digestMismatch, sizeMismatch, statSize } from './verify.js';
import { acquireLock } from './lock.js';
import { LIMIT_CODES } from '../http/limits.js';
import { fsError, isFsError } from '../fs/fs-errors.js';

/** Mid-stream network failures retried (by resuming at the current length) per ingest. */
export const MAX_INGEST_RETRIES = 5;

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  // undici's code when the connection drops (reset or closed) before Content-Length bytes arrived
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** A failure worth resuming after: a HubctlError of kind 'network' or a socket-level error code. */
export function isRetryableStreamError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    // a limit that fired (headers timeout, request deadline: http/limits.ts) is not worth another try
    if (e instanceof HubctlError) return e.kind === 'network' && !LIMIT_CODES.has(e.code);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  }
  return false;
}

async function hashFile(path: string, hash: Hash): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: WRITE_BUFFER_BYTES })) {
    hash.update(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n;
}

function interrupted(desc: Descriptor, signal: AbortSignal, cause?: unknown): HubctlError {
  return new HubctlError('interrupted', 'INTERRUPTED', `download of ${desc.digest} was interrupted; its partial download was removed`, {
    cause: cause ?? signal.reason,
  });
}

const isIntegrity = (e: unknown) => e instanceof HubctlError && e.kind === 'integrity';

/**
 * Blobs up to this size are read whole into memory and written like `putBytes` (unique temp file,
 * rename): no per-blob lock and no partial file to resume, which for many small layers costs more
 * than the bytes (a pull of 200 small layers spent most of its time on lock and partial files).
 * A failure simply fetches the blob again.
 */
export const SMALL_BLOB_BYTES = 128 * 1024;

/**
 * Streams a blob into `blobs/<alg>/.<hex>.partial` under a per-blob lock, hashing while writing,
 * resuming from a partial file left earlier, retrying network failures from the current length,
 * then verifies size and digest and renames the file into place. An interrupt (abort) or a digest
 * mismatch removes the partial file; an exhausted network failure keeps it for the next attempt.
 */
export async function ingestBlob(
  blobs: BlobStore,
  desc: Descriptor,
  opener: ContentOpener,
  options: IngestOptions,
  opts: BlobStoreOptions,
): Promise<void> {
  checkDescriptorShape(desc);
  const progress = (current: number) => options.onProgress?.({ digest: desc.digest, current, total: desc.size });
  if (await blobs.exists(desc)) return progress(desc.size);
  if (desc.size <= (opts.smallBlobBytes ?? SMALL_BLOB_BYTES)) {
    await blobs.putBytes(desc, await fetchSmall(desc, opener, options.signal));
    return progress(desc.size);
  }
  await blobs.ensureDir(desc.digest);
  const lock = await acquireLock(blobs.layout.blobLockPath(desc.digest), {
    timeoutMs: Infinity,
    now: opts.now,
    ...(opts.lockStaleMs !== undefined ? { staleMs: opts.lockStaleMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    what: `blob ${desc.digest}`,
  });
  try {
    if (await blobs.exists(desc)) return progress(desc.size);
    await ingestLocked(blobs, desc, opener, options.signal, progress);
  } finally {
    await lock.release();
  }
}

async function ingestLocked(
  blobs: BlobStore,
  desc: Descriptor,
  opener: ContentOpener,
  signal: AbortSignal | undefined,
  progress: (n: number) => void,
): Promise<void> {
  const partial = blobs.layout.partialPath(desc.digest);
  const final = blobs.layout.blobPath(desc.digest);
  const algo = digestAlgorithm(desc.digest);
  let hash = hasherFor(desc.digest);
  let pos = 0;
  const existing = await statSize(partial);
  if (existing !== undefined && existing > desc.size) await fsp.rm(partial, { force: true });
  else if (existing !== undefined && existing > 0) pos = await hashFile(partial, hash);

  // not O_APPEND: writes go to explicit positions, several at once when the body is pumped
  const fh = await fsp.open(partial, fsc.O_WRONLY | fsc.O_CREAT, 0o644);
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await fh.close();
    }
  };
  const restart = async () => {
    await fh.truncate(0);
    hash = hasherFor(desc.digest);
    pos = 0;
  };
  try {
    if (pos === desc.size && `${algo}:${hash.copy().digest('hex')}` !== desc.digest) await restart();
    let retries = 0;
    while (pos < desc.size || desc.size === 0) {
      if (signal?.aborted) throw interrupted(desc, signal);
      try {
        const ended = await copyFrom(desc, opener, pos, signal, {
          restart,
          write: async (bufs, length) => {
            const { bytesWritten } = await fh.writev(bufs, pos);
            // writev may write less than asked (rare on regular files): the rest goes with write()
            if (bytesWritten < length) await writeFully(fh, Buffer.concat(bufs, length).subarray(bytesWritten), pos + bytesWritten);
            pos += length;
          },
          writeAt: (view, at) => writeFully(fh, view, at),
          setLength: (n) => {
            pos = n;
          },
          update: (chunk) => hash.update(chunk),
          progress,
        });
        if (ended && pos < desc.size) {
          if (retries++ >= MAX_INGEST_RETRIES) throw sizeMismatch(desc, `${pos} (the source ended early)`);
          continue;
        }
        break;
      } catch (err) {
        if (isIntegrity(err)) throw err;
        if (signal?.aborted) throw interrupted(desc, signal, err);
        if (!isRetryableStreamError(err)) throw err;
        if (retries++ < MAX_INGEST_RETRIES) continue;
        if (err instanceof HubctlError) throw err;
        throw networkError(
          'BLOB_DOWNLOAD_FAILED',
          `download of ${desc.digest} failed after ${MAX_INGEST_RETRIES} retries at ${pos} of ${desc.size} bytes: ${(err as Error).message}`,
          {
            hint: 'the connection keeps dropping; run the command again to resume from the partial download',
            cause: err,
          },
        );
      }
    }
    const actual = `${algo}:${hash.digest('hex')}`;
    if (actual !== desc.digest) throw digestMismatch(desc, actual);
    await fh.sync();
    await close();
    await fsp.rename(partial, final);
    progress(desc.size);
  } catch (err) {
    await close().catch(() => undefined);
    // Interrupted (Ctrl-C) like docker (moby#25866): leave no temp file behind. Blobs already complete
    // stay in the store and the next pull reuses them; a network failure keeps the partial for a resume.
    // A local write failure (a full disk) removes it too: it frees the space, and its bytes may have a gap.
    const wasInterrupted = signal?.aborted === true || (err instanceof HubctlError && err.kind === 'interrupted');
    if (isIntegrity(err) || wasInterrupted || isFsError(err)) await fsp.rm(partial, { force: true }).catch(() => undefined);
    throw fsError(err, { path: partial });
  }
}

/** Reads a small blob whole (hashing is left to putBytes), retrying network failures from the start. */
async function fetchSmall(desc: Descriptor, opener: ContentOpener, signal: AbortSignal | undefined): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw interrupted(desc, signal);
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      const { stream } = await opener(0, signal);
      try {
        for await (const raw of stream) {
          const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
          received += chunk.length;
          if (received > desc.size) throw sizeMismatch(desc, `more than ${desc.size} (at least ${received})`);
          chunks.push(chunk);
        }
      } finally {
        stream.destroy();
      }
      if (received < desc.size) {
        throw codedError(`the source ended after ${received} of ${desc.size} bytes`, 'ERR_STREAM_PREMATURE_CLOSE');
      }
      return Buffer.concat(chunks, received);
    } catch (err) {
      if (isIntegrity(err)) throw err;
      if (signal?.aborted) throw interrupted(desc, signal, err);
      if (!isRetryableStreamError(err) || attempt >= MAX_INGEST_RETRIES) {
        if (received < desc.size && isRetryableStreamError(err) && !(err instanceof HubctlError)) {
          throw networkError(
            'BLOB_DOWNLOAD_FAILED',
            `download of ${desc.digest} failed after ${MAX_INGEST_RETRIES} retries: ${(err as Error).message}`,
            { cause: err },
          );
        }
        throw err;
      }
    }
  }
}

/** Writes all of `buf` at `position` (write() may write less than asked). */
async function writeFully(fh: fsp.FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

interface CopyIo {
  restart: () => Promise<void>;
  /** Appends the buffers (in order) to the partial file. */
  write: (bufs: Buffer[], length: number) => Promise<void>;
  /** Writes one buffer at a position (pumped bodies: several writes may be in flight). */
  writeAt: (view: Buffer, position: number) => Promise<void>;
  /** The partial file now holds this many bytes (after pumped writes settled). */
  setLength: (n: number) => void;
  update: (b: Buffer) => void;
  progress: (n: number) => void;
}

/**
 * One attempt: opens at `pos` and copies until the stream ends (returns true). Chunks are hashed as
 * they arrive and written in batches of about WRITE_BUFFER_BYTES with one writev (no copying into a
 * bigger buffer); the stream is paused while a batch is written. Bytes received before a failure
 * are written (they were hashed already) so the next attempt resumes after them.
 */
async function copyFrom(
  desc: Descriptor,
  opener: ContentOpener,
  pos: number,
  signal: AbortSignal | undefined,
  io: CopyIo,
): Promise<boolean> {
  const opened = await opener(pos, signal);
  const stream = opened.stream;
  const onAbort = () => stream.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let received = pos;
  const flush = async () => {
    if (pendingLen === 0) return;
    const bufs = pending;
    const length = pendingLen;
    pending = [];
    pendingLen = 0;
    await io.write(bufs, length);
  };
  try {
    if (opened.offset !== pos) {
      if (opened.offset !== 0) {
        throw storeError('BAD_RESUME_OFFSET', `the source resumed ${desc.digest} at ${opened.offset}, not at ${pos} or 0`);
      }
      await io.restart();
      received = 0;
    }
    if (signal?.aborted) throw signal.reason;
    if (isPumpable(stream)) {
      await pumpInto(desc, stream, received, io);
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let writing: Promise<void> = Promise.resolve();
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        stream.off('data', onData);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onData = (raw: Buffer | string) => {
        const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
        if (received + chunk.length > desc.size) {
          finish(sizeMismatch(desc, `more than ${desc.size} (at least ${received + chunk.length})`));
          return;
        }
        io.update(chunk);
        pending.push(chunk);
        pendingLen += chunk.length;
        received += chunk.length;
        io.progress(received);
        if (pendingLen >= WRITE_BUFFER_BYTES) {
          stream.pause();
          writing = flush().then(
            () => {
              if (!settled) stream.resume();
            },
            (e: unknown) => finish(e),
          );
        }
      };
      stream.on('data', onData);
      stream.once('end', () => void writing.then(() => finish()));
      stream.once('error', (e) => void writing.then(() => finish(e)));
      stream.once(
        'close',
        () => void writing.then(() => finish(codedError('the response body closed early', 'ERR_STREAM_PREMATURE_CLOSE'))),
      );
    });
    await flush();
    return true;
  } catch (err) {
    if (!isIntegrity(err)) await flush();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}

/**
 * Copies a pumpable body (src/http/raw-body.ts): each view is hashed on arrival and written at its
 * position while later bytes keep arriving, so hashing (this thread) and file writes (libuv's pool)
 * run at once; a view goes back to the body's read pool once written. Waits for every write before
 * returning or throwing, so the partial file then holds exactly the bytes hashed.
 */
async function pumpInto(desc: Descriptor, stream: PumpableStream, start: number, io: CopyIo): Promise<void> {
  let received = start;
  let failure: unknown;
  let writeFailed = false;
  const writes = new Set<Promise<void>>();
  const stop = (err: unknown) => {
    failure ??= err;
    (stream as Readable).destroy(); // the error travels in `failure`: no 'error' event without a listener
  };
  try {
    await stream.pump({
      chunk: (view, release) => {
        if (failure !== undefined) return release();
        if (received + view.length > desc.size) {
          release();
          return stop(sizeMismatch(desc, `more than ${desc.size} (at least ${received + view.length})`));
        }
        io.update(view);
        const at = received;
        received += view.length;
        io.progress(received);
        const w: Promise<void> = io.writeAt(view, at).then(
          () => {
            writes.delete(w);
            release();
          },
          (e: unknown) => {
            writes.delete(w);
            release();
            writeFailed = true;
            stop(e);
          },
        );
        writes.add(w);
      },
    });
  } catch (err) {
    failure ??= err;
  } finally {
    while (writes.size > 0) await Promise.all(writes);
  }
  if (failure !== undefined) {
    // bytes hashed and written stay for a resume; after a failed write the file has a gap: start over
    if (writeFailed) await io.restart();
    else io.setLength(received);
    throw failure;
  }
  io.setLength(received);
}
