import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { digestAlgorithm, hasherFor } from '../digest/digest.js';
import { HubctlError, integrityError, networkError } from '../errors.js';
import type { ContentOpener, IngestOptions } from '../content/types.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryTransport } from '../http/types.js';
import { readVerified } from './blobs.js';
import { uploadBlob, type UploadBody, type UploadResult, type VerifiedStreamBody } from './upload.js';

/**
 * Blobs up to this size are read whole (one synchronous read from the store, or one verified GET from
 * another registry) and sent from memory in one write; larger ones are streamed. For small layers the
 * stream plumbing (open, read, close on the thread pool, a progress Transform, undici's stream writer)
 * cost more than the bytes.
 */
export const BUFFERED_UPLOAD_BYTES = 128 * 1024;

/** Progress while a blob goes up, at most every 100 ms (and at the end). */
function throttled(desc: Descriptor, options: IngestOptions): (sent: number) => void {
  let last = 0;
  return (sent) => {
    const now = Date.now();
    if (now - last >= 100 || sent === desc.size) {
      last = now;
      options.onProgress?.({ digest: desc.digest, current: sent, total: desc.size });
    }
  };
}

/**
 * Sends one blob to `repository` (after a mount attempt from `mountFrom`, in the same session):
 * - from a local file (`options.file`, the store's verified blob): read whole when small, else sent
 *   from the file (raw-upload.ts reads it into reused buffers);
 * - else from `open` (another registry): small blobs read whole and verified first; larger ones
 *   streamed through a hash and a byte count, checked before the upload is committed.
 * Nothing is ever held whole in memory above BUFFERED_UPLOAD_BYTES.
 */
export async function uploadContent(
  transport: RegistryTransport,
  repository: string,
  desc: Descriptor,
  open: ContentOpener,
  options: IngestOptions & { mountFrom?: string },
): Promise<UploadResult> {
  const upload = (body: UploadBody) =>
    uploadBlob(transport, repository, desc, body, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.mountFrom !== undefined ? { mountFrom: options.mountFrom } : {}),
    });
  const progress = throttled(desc, options);
  if (options.file !== undefined) {
    if (desc.size <= BUFFERED_UPLOAD_BYTES) {
      const bytes = readFileSync(options.file);
      if (bytes.length !== desc.size) throw damagedLocalBlob(desc, bytes.length);
      // handed to the connection in one write: that is all the progress there is to report
      progress(desc.size);
      return upload(bytes);
    }
    return upload({ kind: 'file', path: options.file, size: desc.size, onSent: progress });
  }
  if (desc.size <= BUFFERED_UPLOAD_BYTES) {
    const { stream } = await open(0, options.signal);
    const bytes = await readVerified(stream, desc);
    progress(desc.size);
    return upload(bytes);
  }
  // A source that breaks off mid-blob is read again from the start in a new upload session.
  for (let attempt = 1; ; attempt++) {
    const streamed = verifiedStream(desc, open, options.signal, progress);
    try {
      return await upload(streamed.body);
    } catch (e) {
      const failure = sourceFailure(desc, streamed.failure()) ?? e;
      if (attempt >= MAX_STREAM_ATTEMPTS || options.signal?.aborted || !(failure instanceof HubctlError) || failure.kind !== 'network')
        throw failure;
    } finally {
      streamed.close();
    }
  }
}

/** Attempts at a blob streamed from another registry when the connection to either side breaks. */
export const MAX_STREAM_ATTEMPTS = 3;

/** The source's own failure as a HubctlError: a broken connection is a network error naming the blob. */
function sourceFailure(desc: Descriptor, e: unknown): unknown {
  if (e === undefined || e instanceof HubctlError) return e;
  return networkError('BLOB_COPY_FAILED', `reading ${desc.digest} from the source failed: ${e instanceof Error ? e.message : String(e)}`, {
    hint: 'the source registry closed the connection; run the command again',
    cause: e,
  });
}

function damagedLocalBlob(desc: Descriptor, actual: number): HubctlError {
  return integrityError('SIZE_MISMATCH', `blob ${desc.digest} in the local store is ${actual} bytes, not ${desc.size}`, {
    hint: 'the local store is damaged; pull or build the image again',
  });
}

/**
 * An upload body read from `open`: each attempt opens the source again from 0; the bytes are counted
 * and hashed on the way (on a raw connection, straight from the source's read buffers), and `verify`
 * (called before the upload is committed) checks both. A failure of the source (or too many bytes)
 * is kept, so the caller reports it rather than the upload's broken pipe.
 */
function verifiedStream(
  desc: Descriptor,
  open: ContentOpener,
  signal: AbortSignal | undefined,
  progress: (sent: number) => void,
): { body: VerifiedStreamBody; failure: () => unknown; close: () => void } {
  let hash = hasherFor(desc.digest);
  let received = 0;
  let failure: unknown;
  const streams = new Set<Readable>();
  const body: VerifiedStreamBody = {
    kind: 'stream',
    size: desc.size,
    open: async () => {
      for (const s of streams) s.destroy();
      streams.clear();
      hash = hasherFor(desc.digest);
      received = 0;
      failure = undefined;
      const { stream } = await open(0, signal);
      streams.add(stream);
      return stream;
    },
    onChunk: (chunk) => {
      received += chunk.length;
      if (received > desc.size) {
        failure ??= integrityError('SIZE_MISMATCH', `${desc.digest}: the source sent more than the expected ${desc.size} bytes`);
        throw failure;
      }
      hash.update(chunk);
      progress(received);
    },
    onSourceError: (e) => {
      failure ??= e;
    },
    verify: () => {
      if (received !== desc.size)
        throw integrityError('SIZE_MISMATCH', `${desc.digest}: expected ${desc.size} bytes, the source sent ${received}`);
      const actual = `${digestAlgorithm(desc.digest)}:${hash.digest('hex')}`;
      if (actual !== desc.digest) {
        throw integrityError('DIGEST_MISMATCH', `content for ${desc.digest} has digest ${actual}`, {
          hint: 'the source registry or a proxy sent wrong bytes; the upload was cancelled; try again',
        });
      }
    },
  };
  return {
    body,
    failure: () => failure,
    close: () => {
      for (const s of streams) s.destroy();
      streams.clear();
    },
  };
}
