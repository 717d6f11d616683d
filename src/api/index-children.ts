import { readFile } from 'node:fs/promises';
import type { Descriptor } from '../oci/types.js';
import type { FetchedManifest } from '../registry/manifests.js';
import type { RemoteRepository } from '../registry/remote.js';
import type { UploadBody } from '../registry/upload.js';
import { HubctlError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';
import { PUSH_BUFFER_BYTES } from './push-session.js';

/** How an image reached the target repository ('exists': every blob was there already). */
export type ChildStatus = 'exists' | 'mounted' | 'copied';

/**
 * Makes the image `manifest` (read from `source`) present in `dest` by digest: nothing to do when dest
 * has it; else each blob is found there, mounted from `source` when both are on one registry, or
 * copied (streamed into the local store's blob directory, verified, and uploaded from there), then the
 * manifest is PUT by digest. The copied blobs stay in the store untagged until gc or image prune.
 */
export async function copyImageInto(
  dest: RemoteRepository,
  source: RemoteRepository,
  manifest: FetchedManifest,
  store: ImageStore,
  signal?: AbortSignal,
): Promise<ChildStatus> {
  const sig = signal ? { signal } : {};
  if (await dest.headManifest(manifest.descriptor.digest, sig)) return 'exists';
  if (manifest.parsed.kind !== 'image') throw new HubctlError('internal', 'NOT_AN_IMAGE', `${manifest.descriptor.digest} is not an image`);
  const sameRegistry = dest.transport.registry === source.transport.registry && dest.repository !== source.repository;
  let copied = false;
  let mounted = false;
  for (const blob of [manifest.parsed.manifest.config, ...manifest.parsed.manifest.layers]) {
    if (blob.urls && blob.urls.length > 0) continue; // foreign layers are never pushed
    if (await dest.blobExists(blob.digest, { forPush: true, ...sig })) continue;
    if (sameRegistry && (await mount(dest, source, blob, signal))) {
      mounted = true;
      continue;
    }
    await copyBlob(dest, source, blob, store, signal);
    copied = true;
  }
  await dest.putManifest(manifest.descriptor.digest, manifest.bytes, manifest.descriptor.mediaType, sig);
  return copied ? 'copied' : mounted ? 'mounted' : 'exists';
}

async function mount(dest: RemoteRepository, source: RemoteRepository, blob: Descriptor, signal?: AbortSignal): Promise<boolean> {
  try {
    return await dest.mountBlob(blob, source.repository, signal ? { signal } : {});
  } catch (e) {
    if (e instanceof HubctlError && e.kind === 'auth') return false; // no pull on the source: copy instead
    throw e;
  }
}

async function copyBlob(dest: RemoteRepository, source: RemoteRepository, blob: Descriptor, store: ImageStore, signal?: AbortSignal) {
  await store.ingest(blob, (offset, s) => source.open(blob, offset, s ? { signal: s } : {}), signal ? { signal } : {});
  const path = store.blobPath(blob.digest);
  const body: UploadBody = blob.size <= PUSH_BUFFER_BYTES ? await readFile(path) : { kind: 'file', path, size: blob.size };
  await dest.uploadBlob(blob, body, signal ? { signal } : {});
}
