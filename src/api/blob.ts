import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';
import { formatReference, parseReference } from '../ref/reference.js';
import { RemoteRepository } from '../registry/remote.js';
import { digestAlgorithm } from '../digest/digest.js';
import type { Descriptor } from '../oci/types.js';
import { HubctlError, integrityError, notFoundError, usageError } from '../errors.js';
import type { RemoteOptions } from './remote-image.js';
import type { Client } from './client.js';

export interface BlobResult {
  /** `host/repo@sha256:...`. */
  reference: string;
  /** Size from the registry's HEAD (undefined when it sent none). */
  size: number | undefined;
  digest: string;
  /**
   * The bytes as they arrive. It fails (with an integrity error) at the end when the digest or the
   * size does not match, and as soon as more bytes than announced arrive: a consumer writing a file
   * must not keep it unless the stream ended cleanly.
   */
  stream: Readable;
}

/** `hubctl blob REPO@DIGEST`: opens a blob (layer, config...) on the registry, verified while it streams. */
export async function blob(client: Client, refText: string, options: RemoteOptions = {}): Promise<BlobResult> {
  const ref = parseReference(refText, { defaultTag: false });
  if (ref.digest === undefined || ref.tag !== undefined) {
    throw usageError('BLOB_NEEDS_DIGEST', `a blob is named by REPOSITORY@DIGEST, not ${refText}`, {
      hint: 'e.g. hubctl blob localhost:5000/app@sha256:...; hubctl manifest REF lists the digests of an image',
    });
  }
  const digest = ref.digest;
  if (digestAlgorithm(digest) !== 'sha256' && digestAlgorithm(digest) !== 'sha512') {
    throw usageError('UNSUPPORTED_DIGEST', `cannot verify ${digest}: only sha256 and sha512 digests are supported`);
  }
  const reference = formatReference(ref);
  const repo = new RemoteRepository(client.transport(ref.registry), ref.repository);
  const sig = options.signal ? { signal: options.signal } : {};
  const head = await repo.headBlob(digest, sig);
  if (head === undefined) {
    throw notFoundError('BLOB_UNKNOWN', `blob ${reference} not found`, {
      hint: "check the repository and digest (hubctl manifest REF shows the digests of an image's layers and config)",
    });
  }
  const desc: Descriptor = { mediaType: 'application/octet-stream', digest, size: head.size ?? 0 };
  const { stream } = await repo.open(desc, 0, sig);
  const verifier = new VerifyingStream(digest, head.size);
  // Failures (the body's or the check's) reach the consumer as errors of `verifier`.
  pipeline(stream, verifier, () => undefined);
  return { reference, size: head.size, digest, stream: verifier };
}

/** Passes bytes through while hashing and counting them; fails at the end (or on excess) on a mismatch. */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private bytes = 0;

  constructor(
    private readonly digest: string,
    private readonly size: number | undefined,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.hash = createHash(digestAlgorithm(digest));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.size !== undefined && this.bytes > this.size) {
      cb(integrityError('SIZE_MISMATCH', `${this.digest}: received more than the ${this.size} bytes the registry announced`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.size !== undefined && this.bytes !== this.size) {
      cb(integrityError('SIZE_MISMATCH', `${this.digest}: expected ${this.size} bytes, received ${this.bytes}`));
      return;
    }
    const actual = `${digestAlgorithm(this.digest)}:${this.hash.digest('hex')}`;
    if (actual !== this.digest) {
      cb(
        new HubctlError('integrity', 'DIGEST_MISMATCH', `content for ${this.digest} has digest ${actual}`, {
          hint: 'the registry or a proxy sent wrong bytes; try again',
        }),
      );
      return;
    }
    cb();
  }
}
