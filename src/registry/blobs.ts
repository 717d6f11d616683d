import type { Readable } from 'node:stream';
import { integrityError } from '../errors.js';
import { DigestingStream } from '../digest/digest.js';
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

/** Reads a small blob whole and checks it against its descriptor. */
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
  const { stream } = await openBlob(transport, repository, desc, 0, signal);
  return readVerified(stream, desc);
}

/** Collects a stream while hashing it, then checks digest and size against `desc`. */
export async function readVerified(stream: Readable, desc: Descriptor): Promise<Buffer> {
  const hasher = new DigestingStream();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream.pipe(hasher)) {
    total += (chunk as Buffer).length;
    if (total > desc.size) {
      stream.destroy();
      throw integrityError('SIZE_MISMATCH', `${desc.digest}: received more than the expected ${desc.size} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (total !== desc.size) {
    throw integrityError('SIZE_MISMATCH', `${desc.digest}: expected ${desc.size} bytes, received ${total}`);
  }
  const actual = hasher.digest();
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
