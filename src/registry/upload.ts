import { internalError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { FileBody, RegistryResponse, RegistryTransport, StreamBody } from '../http/types.js';
import { pullScope, pushScope } from './scopes.js';

export interface UploadOptions {
  /** A repository on the same registry believed to hold the blob: try a cross-repo mount first. */
  mountFrom?: string;
  signal?: AbortSignal;
}

export type UploadResult = { kind: 'mounted'; from: string } | { kind: 'uploaded' };

/**
 * A blob streamed from elsewhere (another registry; see StreamBody): `verify` throws when the bytes
 * sent were not the blob. It is called before the upload is committed, so a registry never stores
 * what the source got wrong.
 */
export interface VerifiedStreamBody extends StreamBody {
  verify: () => void;
}

/** The blob's bytes: in memory (a small blob, sent in one write), a file (read again for each attempt), or a verified stream. */
export type UploadBody = Uint8Array | FileBody | VerifiedStreamBody;

/**
 * Uploads one blob: POST (with a mount attempt when `mountFrom` is set), then
 * - a file or stream: one PATCH to the Location used verbatim, then PUT `?digest=` on the Location the
 *   PATCH answered with (the distribution registry's `_state` changes with every response); a stream
 *   is verified between the two;
 * - a body in memory: one PUT `?digest=` carrying the bytes (the spec's monolithic "POST then PUT",
 *   as containerd and oras push): a request fewer per blob, which for many small layers is most of
 *   the work. The bytes can be sent again, so the PUT is retried like the bodiless one.
 * The session is cancelled with DELETE when anything fails after it was opened.
 */
export async function uploadBlob(
  transport: RegistryTransport,
  repository: string,
  desc: Descriptor,
  body: UploadBody,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const { signal, mountFrom } = options;
  const scopes = [pushScope(repository)];
  let url = `/v2/${repository}/blobs/uploads/`;
  if (mountFrom !== undefined && mountFrom !== repository) {
    scopes.push(pullScope(mountFrom));
    url += `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(mountFrom)}`;
  }
  const started = await transport.request({ method: 'POST', url, scopes, retry: true, ...(signal ? { signal } : {}) });
  await started.discard();
  if (started.status === 201 && mountFrom !== undefined) return { kind: 'mounted', from: mountFrom };
  let location = locationOf(started);
  try {
    if (body instanceof Uint8Array) {
      const done = await transport.request({
        method: 'PUT',
        url: withDigest(location, desc.digest),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        body,
        scopes,
        retry: true,
        ...(signal ? { signal } : {}),
      });
      await done.discard();
      return { kind: 'uploaded' };
    }
    const patched = await transport.request({
      method: 'PATCH',
      url: location,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
      body,
      scopes,
      retry: false,
      ...(signal ? { signal } : {}),
    });
    await patched.discard();
    location = locationOf(patched);
    if (body.kind === 'stream') body.verify();
    const done = await transport.request({
      method: 'PUT',
      url: withDigest(location, desc.digest),
      headers: { 'content-length': '0' },
      scopes,
      retry: true,
      ...(signal ? { signal } : {}),
    });
    await done.discard();
    return { kind: 'uploaded' };
  } catch (e) {
    await cancelUpload(transport, location, scopes);
    throw e;
  }
}

/** Cancels an upload session; best effort (the session expires on the registry anyway). */
export async function cancelUpload(transport: RegistryTransport, location: string, scopes: readonly string[]): Promise<void> {
  try {
    const res = await transport.request({
      method: 'DELETE',
      url: location,
      scopes,
      acceptStatus: [404, 405],
      retry: false,
      signal: AbortSignal.timeout(5000),
    });
    await res.discard();
  } catch {
    // The session times out on the registry; nothing else to do.
  }
}

function locationOf(res: RegistryResponse): string {
  const location = res.header('location');
  if (!location) {
    throw internalError('UPLOAD_NO_LOCATION', `the registry answered ${res.status} to an upload request without a Location header`);
  }
  return new URL(location, res.url).toString();
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/**
 * Tries only a cross-repository mount of `desc` from `from` (no upload follows): true when the
 * registry answered 201. A 202 (the registry opened an upload session instead) is cancelled and
 * answers false. For blobs the caller does not hold locally.
 */
export async function mountBlob(
  transport: RegistryTransport,
  repository: string,
  desc: Descriptor,
  from: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const scopes = [pushScope(repository), pullScope(from)];
  const url = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`;
  const res = await transport.request({ method: 'POST', url, scopes, retry: true, ...(signal ? { signal } : {}) });
  await res.discard();
  if (res.status === 201) return true;
  const location = res.header('location');
  if (location) await cancelUpload(transport, new URL(location, res.url).toString(), scopes);
  return false;
}
