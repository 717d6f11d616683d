import type { Readable } from 'node:stream';
import { HubctlError, integrityError, networkError } from '../errors.js';
import { digestAlgorithm, hasherFor } from '../digest/digest.js';
import type { OpenedContent } from '../content/types.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryTransport } from '../http/types.js';
import { pullScope } from './scopes.js';
import { RAW_MIN_BYTES } from '../http/raw-request.js';

/** Blobs at least this large are asked for as bulk GETs (see RegistryRequest.bulk). */
export const BULK_BLOB_BYTES = RAW_MIN_BYTES;

const blobPath = (repository: string, digest: string) => `/v2/${repository}/blobs/${digest}`;

/**
 * Opens a blob from `offset` with a Range request. A 206 whose Content-Range starts at `offset`
 * resumes; a 200 (Range ignored) starts over at 0. Redirects to storage are followed by the
 * transport without Authorization when they change origin, and asked again on every call.
 */
export async function openBlob(
  transport: RegistryTransport,
  repository: string,
  desc: Descriptor,
  offset = 0,
  signal?: AbortSignal,
): Promise<OpenedContent> {
  const headers: Record<string, string> = {};
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const res = await transport.request({
    method: 'GET',
    url: blobPath(repository, desc.digest),
    headers,
    scopes: [pullScope(repository)],
    bulk: desc.size >= BULK_BLOB_BYTES,
    smallBody: desc.size < BULK_BLOB_BYTES,
    ...(signal ? { signal } : {}),
  });
  if (offset > 0 && res.status === 206) {
    const start = parseContentRangeStart(res.header('content-range'));
    if (start === offset) return { stream: res.body, offset };
    await res.discard();
    return openBlob(transport, repository, desc, 0, signal);
  }
  return { stream: res.body, offset: 0 };
}

function parseContentRangeStart(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

/** Attempts for a small blob read whole: a body cut short is asked for again (like the store's resume). */
const SMALL_BLOB_ATTEMPTS = 3;

/**
 * Reads a small blob whole and checks it against its descriptor. A body that breaks off (shorter than
 * its Content-Length, a reset) is a network error and is asked for again, up to SMALL_BLOB_ATTEMPTS.
 */
export async function fetchBlobBytes(
  transport: RegistryTransport,
  repository: string,
  desc: Descriptor,
  limit: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (desc.size > limit) {
    throw integrityError('BLOB_TOO_LARGE', `${desc.digest} is ${desc.size} bytes; at most ${limit} are accepted here`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const { stream } = await openBlob(transport, repository, desc, 0, signal);
      return await readVerified(stream, desc);
    } catch (e) {
      const again = e instanceof HubctlError && e.code === 'BLOB_READ_FAILED' && attempt < SMALL_BLOB_ATTEMPTS && !signal?.aborted;
      if (!again) throw e;
    }
  }
}

/**
 * Collects a stream while hashing it, then checks digest and size against `desc`. A stream that fails
 * midway is a network error (BLOB_READ_FAILED); the caller may ask again.
 */
export async function readVerified(stream: Readable, desc: Descriptor): Promise<Buffer> {
  const hash = hasherFor(desc.digest);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const raw of stream) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
      total += chunk.length;
      if (total > desc.size) {
        stream.destroy();
        throw integrityError('SIZE_MISMATCH', `${desc.digest}: received more than the expected ${desc.size} bytes`);
      }
      hash.update(chunk);
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof HubctlError) throw e;
    throw networkError('BLOB_READ_FAILED', `reading ${desc.digest} failed after ${total} of ${desc.size} bytes: ${(e as Error).message}`, {
      hint: 'the connection broke off; run the command again',
      cause: e,
    });
  }
  if (total !== desc.size) {
    throw integrityError('SIZE_MISMATCH', `${desc.digest}: expected ${desc.size} bytes, received ${total}`);
  }
  const actual = `${digestAlgorithm(desc.digest)}:${hash.digest('hex')}`;
  if (actual !== desc.digest) {
    throw integrityError('DIGEST_MISMATCH', `content for ${desc.digest} has digest ${actual}`, {
      hint: 'the registry or a proxy sent wrong bytes; nothing was stored; try again',
    });
  }
  return Buffer.concat(chunks);
}

/** HEAD a blob: true when the repository holds it. */
export async function blobExists(
  transport: RegistryTransport,
  repository: string,
  digest: string,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await transport.request({
    method: 'HEAD',
    url: blobPath(repository, digest),
    scopes,
    acceptStatus: [404],
    ...(signal ? { signal } : {}),
  });
  await res.discard();
  return res.status >= 200 && res.status < 300;
}

/** HEAD a blob: its size (Content-Length), or undefined when the repository does not hold it. */
export async function headBlob(
  transport: RegistryTransport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<{ size: number | undefined } | undefined> {
  const res = await transport.request({
    method: 'HEAD',
    url: blobPath(repository, digest),
    scopes: [pullScope(repository)],
    acceptStatus: [404],
    ...(signal ? { signal } : {}),
  });
  await res.discard();
  if (res.status === 404) return undefined;
  const size = Number(res.header('content-length'));
  return { size: Number.isSafeInteger(size) && size >= 0 ? size : undefined };
}
