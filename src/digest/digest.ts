import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const SHA512 = /^sha512:[a-f0-9]{128}$/;

/** A digest hubctl can verify: sha256 (and sha512) with the right hex length. */
export function isValidDigest(d: string): boolean {
  if (!DIGEST.test(d)) return false;
  if (d.startsWith('sha256:')) return SHA256.test(d);
  if (d.startsWith('sha512:')) return SHA512.test(d);
  return false;
}

export function digestAlgorithm(d: string): string {
  return d.slice(0, d.indexOf(':'));
}

export function digestHex(d: string): string {
  return d.slice(d.indexOf(':') + 1);
}

export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Hash for the algorithm of `digest` (sha256 by default). */
export function hasherFor(digest?: string): Hash {
  const algo = digest === undefined ? 'sha256' : digestAlgorithm(digest);
  return createHash(algo === 'sha512' ? 'sha512' : 'sha256');
}

/**
 * A pass-through stream that hashes and counts what flows through it. `digest()` is valid after the
 * stream has ended.
 */
export class DigestingStream extends Transform {
  private readonly hash: Hash;
  private readonly algo: string;
  bytes = 0;

  constructor(algorithm: 'sha256' | 'sha512' = 'sha256') {
    super({ highWaterMark: 1 << 20 });
    this.algo = algorithm;
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  private result: string | undefined;
  digest(): string {
    this.result ??= `${this.algo}:${this.hash.digest('hex')}`;
    return this.result;
  }
}
