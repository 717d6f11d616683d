import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import type { Hash } from 'node:crypto';
import { digestAlgorithm, digestHex, hasherFor } from '../digest/digest.js';
import { HubctlError, integrityError, notFoundError, storeError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { ContentOpener, IngestOptions, OpenedContent } from '../content/types.js';
import { fsyncDir } from './atomic-write.js';
import { Layout, assertStorableDigest } from './layout.js';
import { acquireLock } from './lock.js';

/** Writes are coalesced into buffers this large before they hit the file. */
const WRITE_BUFFER_BYTES = 1 << 20;
/** Mid-stream network failures retried (by resuming at the current length) per ingest. */
export const MAX_INGEST_RETRIES = 5;

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A failure worth resuming after: a HubctlError of kind 'network' or a socket-level error code. */
export function isRetryableStreamError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof HubctlError) return e.kind === 'network';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  }
  return false;
}

export function checkDescriptorShape(desc: Descriptor): void {
  assertStorableDigest(desc.digest);
  if (!Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw integrityError('INVALID_DESCRIPTOR', `descriptor of ${desc.digest} has an invalid size ${String(desc.size)}`);
  }
}

function sizeMismatch(desc: Descriptor, actual: string): HubctlError {
  return integrityError('SIZE_MISMATCH', `size mismatch for ${desc.digest}: expected ${desc.size} bytes, got ${actual}`, {
    hint: 'the source sent different content than its descriptor says; retry, and report it if it persists',
    details: { digest: desc.digest, expected: desc.size, actual },
  });
}

function digestMismatch(desc: Descriptor, actual: string): HubctlError {
  return integrityError('DIGEST_MISMATCH', `digest mismatch: expected ${desc.digest}, got ${actual}`, {
    hint: 'the content was corrupted in transit or by the source; the partial download was discarded, retry',
    details: { expected: desc.digest, actual },
  });
}

async function statSize(path: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function hashFile(path: string, hash: Hash): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: WRITE_BUFFER_BYTES })) {
    hash.update(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n;
}

export interface BlobStoreOptions {
  now: () => number;
  lockStaleMs?: number;
}

/** Content-addressed blobs under `blobs/<alg>/<hex>`, verified on the way in. */
export class BlobStore {
  constructor(readonly layout: Layout, private readonly opts: BlobStoreOptions) {}

  blobPath(digest: string): string {
    return this.layout.blobPath(digest);
  }

  /** Size of the stored blob, or undefined when absent. */
  async blobSize(digest: string): Promise<number | undefined> {
    return statSize(this.blobPath(digest));
  }

  /** True when the blob is present with the descriptor's size. */
  async exists(desc: Descriptor): Promise<boolean> {
    return (await this.blobSize(desc.digest)) === desc.size;
  }

  async open(desc: Descriptor, offset = 0): Promise<OpenedContent> {
    const path = this.blobPath(desc.digest);
    const size = await statSize(path);
    if (size === undefined) throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) {
      throw integrityError('BAD_OFFSET', `offset ${offset} is outside blob ${desc.digest} (${size} bytes)`);
    }
    return { stream: createReadStream(path, { start: offset, highWaterMark: WRITE_BUFFER_BYTES }), offset };
  }

  async fetchBytes(desc: Descriptor, limit: number): Promise<Buffer> {
    checkDescriptorShape(desc);
    if (desc.size > limit) {
      throw integrityError('BLOB_TOO_LARGE', `${desc.digest} is ${desc.size} bytes; the limit for this content is ${limit}`);
    }
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(this.blobPath(desc.digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`, { cause: e });
      }
      throw e;
    }
    verifyBytes(desc, bytes);
    return bytes;
  }

  /** Verifies and writes a small blob (unique temp name, fsync, rename). */
  async putBytes(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    checkDescriptorShape(desc);
    verifyBytes(desc, bytes);
    if (await this.exists(desc)) return;
    const final = this.blobPath(desc.digest);
    const dir = this.layout.algorithmDir(digestAlgorithm(desc.digest));
    await fsp.mkdir(dir, { recursive: true });
    const tmp = `${dir}/.${digestHex(desc.digest)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fh = await fsp.open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Identical content under the same name: a concurrent writer's rename is harmless.
      await fsp.rename(tmp, final);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  /**
   * Streams a blob into the store. One ingest per blob at a time across processes (a per-blob lock);
   * a second ingest waits for the first and then finds the blob present.
   */
  async ingest(desc: Descriptor, opener: ContentOpener, options: IngestOptions = {}): Promise<void> {
    checkDescriptorShape(desc);
    const progress = (current: number) => options.onProgress?.({ digest: desc.digest, current, total: desc.size });
    if (await this.exists(desc)) return progress(desc.size);
    await fsp.mkdir(this.layout.algorithmDir(digestAlgorithm(desc.digest)), { recursive: true });
    const lock = await acquireLock(this.layout.blobLockPath(desc.digest), {
      timeoutMs: Infinity,
      now: this.opts.now,
      ...(this.opts.lockStaleMs !== undefined ? { staleMs: this.opts.lockStaleMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      what: `blob ${desc.digest}`,
    });
    try {
      if (await this.exists(desc)) return progress(desc.size);
      await this.ingestLocked(desc, opener, options.signal, progress);
    } finally {
      await lock.release();
    }
  }

  private async ingestLocked(desc: Descriptor, opener: ContentOpener, signal: AbortSignal | undefined, progress: (n: number) => void): Promise<void> {
    const partial = this.layout.partialPath(desc.digest);
    const final = this.layout.blobPath(desc.digest);
    let hash = hasherFor(desc.digest);
    let pos = 0;
    const existing = await statSize(partial);
    if (existing !== undefined && existing > desc.size) await fsp.rm(partial, { force: true });
    else if (existing !== undefined && existing > 0) pos = await hashFile(partial, hash);

    const fh = await fsp.open(partial, 'a', 0o644);
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
      if (pos === desc.size && `${digestAlgorithm(desc.digest)}:${hash.copy().digest('hex')}` !== desc.digest) await restart();
      let retries = 0;
      while (pos < desc.size || desc.size === 0) {
        if (signal?.aborted) throw interrupted(desc, signal);
        try {
          const ended = await this.copyFrom(desc, opener, pos, signal, {
            onRestart: restart,
            write: async (buf) => {
              await fh.write(buf);
              pos += buf.length;
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
          if (err instanceof HubctlError && err.kind === 'integrity') throw err;
          if (signal?.aborted) throw interrupted(desc, signal, err);
          if (isRetryableStreamError(err) && retries++ < MAX_INGEST_RETRIES) continue;
          throw err;
        }
      }
      const actual = `${digestAlgorithm(desc.digest)}:${hash.digest('hex')}`;
      if (actual !== desc.digest) throw digestMismatch(desc, actual);
      await fh.sync();
      await close();
      await fsp.rename(partial, final);
    } catch (err) {
      await close().catch(() => undefined);
      if (err instanceof HubctlError && err.kind === 'integrity') await fsp.rm(partial, { force: true });
      throw err;
    }
  }

  /**
   * One attempt: opens at `pos`, copies until the stream ends. Returns true when the stream ended.
   * Bytes received before a failure are written (and hashed) so the next attempt resumes after them.
   */
  private async copyFrom(
    desc: Descriptor,
    opener: ContentOpener,
    pos: number,
    signal: AbortSignal | undefined,
    io: { onRestart: () => Promise<void>; write: (b: Buffer) => Promise<void>; update: (b: Buffer) => void; progress: (n: number) => void },
  ): Promise<boolean> {
    const opened = await opener(pos, signal);
    const stream = opened.stream;
    const onAbort = () => stream.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let written = pos;
    const flush = async () => {
      if (pendingLen === 0) return;
      const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      pending = [];
      pendingLen = 0;
      await io.write(buf);
      written += buf.length;
    };
    try {
      if (opened.offset !== pos) {
        if (opened.offset !== 0) {
          throw storeError('BAD_RESUME_OFFSET', `the source resumed ${desc.digest} at ${opened.offset}, not at ${pos} or 0`);
        }
        await io.onRestart();
        written = 0;
      }
      if (signal?.aborted) throw signal.reason;
      for await (const raw of stream) {
        const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
        if (written + pendingLen + chunk.length > desc.size) {
          throw sizeMismatch(desc, `more than ${desc.size} (at least ${written + pendingLen + chunk.length})`);
        }
        io.update(chunk);
        pending.push(chunk);
        pendingLen += chunk.length;
        io.progress(written + pendingLen);
        if (pendingLen >= WRITE_BUFFER_BYTES) await flush();
      }
      await flush();
      return true;
    } catch (err) {
      if (!(err instanceof HubctlError && err.kind === 'integrity')) await flush();
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.destroy();
    }
  }

  /** fsyncs the blob directories (called before index.json is rewritten). */
  async syncDirs(): Promise<void> {
    for (const alg of ['sha256', 'sha512']) {
      await fsyncDir(this.layout.algorithmDir(alg)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
  }
}

function interrupted(desc: Descriptor, signal: AbortSignal, cause?: unknown): HubctlError {
  return new HubctlError('interrupted', 'INTERRUPTED', `download of ${desc.digest} was interrupted; the partial data is kept for the next pull`, {
    cause: cause ?? signal.reason,
  });
}

export function verifyBytes(desc: Descriptor, bytes: Uint8Array): void {
  if (bytes.length !== desc.size) throw sizeMismatch(desc, String(bytes.length));
  const actual = `${digestAlgorithm(desc.digest)}:${hasherFor(desc.digest).update(bytes).digest('hex')}`;
  if (actual !== desc.digest) throw digestMismatch(desc, actual);
}
