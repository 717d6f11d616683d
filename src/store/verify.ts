import { promises as fsp, statSync } from 'node:fs';
import { digestAlgorithm, hasherFor } from '../digest/digest.js';
import { type HubctlError, integrityError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import { assertStorableDigest } from './layout.js';

/** Writes are coalesced into buffers this large before they hit the file. */
export const WRITE_BUFFER_BYTES = 1 << 20;
export function checkDescriptorShape(desc: Descriptor): void {
  assertStorableDigest(desc.digest);
  if (!Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw integrityError('INVALID_DESCRIPTOR', `descriptor of ${desc.digest} has an invalid size ${String(desc.size)}`);
  }
}

export function sizeMismatch(desc: Descriptor, actual: string): HubctlError {
  return integrityError('SIZE_MISMATCH', `size mismatch for ${desc.digest}: expected ${desc.size} bytes, got ${actual}`, {
    hint: 'the source sent different content than its descriptor says; retry, and report it if it persists',
    details: { digest: desc.digest, expected: desc.size, actual },
  });
}

export function digestMismatch(desc: Descriptor, actual: string): HubctlError {
  return integrityError('DIGEST_MISMATCH', `digest mismatch: expected ${desc.digest}, got ${actual}`, {
    hint: 'the content was corrupted in transit or by the source; the partial download was discarded, retry',
    details: { expected: desc.digest, actual },
  });
}

export async function statSize(path: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * statSize without the thread pool: one stat(2), a few microseconds on a local filesystem, where the
 * promise API costs a thread-pool round trip (~50 us of CPU and a wake-up) and, for a missing file, an
 * exception. The store checks presence several times per blob; a pull of 200 small layers made ~1000
 * of these calls. Errors other than "absent" are thrown as before.
 */
export function statSizeSync(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.size;
}

export function verifyBytes(desc: Descriptor, bytes: Uint8Array): void {
  if (bytes.length !== desc.size) throw sizeMismatch(desc, String(bytes.length));
  const actual = `${digestAlgorithm(desc.digest)}:${hasherFor(desc.digest).update(bytes).digest('hex')}`;
  if (actual !== desc.digest) throw digestMismatch(desc, actual);
}
