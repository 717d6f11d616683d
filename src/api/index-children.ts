import { copyGraph } from '../content/graph.js';
import { requiredSuccessors } from '../content/successors.js';
import { HubctlError } from '../errors.js';
import type { FetchedManifest } from '../registry/manifests.js';
import type { RemoteRepository } from '../registry/remote.js';

/** How an image reached the target repository ('exists': every blob was there already). */
export type ChildStatus = 'exists' | 'mounted' | 'copied';

/**
 * Makes the image `manifest` (read from `source`) present in `dest` by digest, through the copy
 * engine: nothing to do when dest has it; else each blob dest lacks is mounted from `source` when both
 * are on one registry (a refused mount falls back to an upload), or streamed from source to dest and
 * verified on the way; then the manifest is PUT by digest.
 */
export async function copyImageInto(
  dest: RemoteRepository,
  source: RemoteRepository,
  manifest: FetchedManifest,
  signal?: AbortSignal,
): Promise<ChildStatus> {
  const sig = signal ? { signal } : {};
  if (await dest.headManifest(manifest.descriptor.digest, sig)) return 'exists';
  if (manifest.parsed.kind !== 'image') throw new HubctlError('internal', 'NOT_AN_IMAGE', `${manifest.descriptor.digest} is not an image`);
  const sameRegistry = dest.transport.registry === source.transport.registry && dest.repository !== source.repository;
  const result = await copyGraph(source, dest, manifest.descriptor, {
    ...sig,
    rootBytes: manifest.bytes,
    successors: requiredSuccessors({ dropForeignLayers: true }),
    ...(sameRegistry ? { mountFrom: () => [source.repository] } : {}),
    putRoot: async (d, bytes) => {
      await dest.pushManifest(d, bytes, d.digest, sig);
    },
  });
  return result.transferred > 0 ? 'copied' : result.mounted > 0 ? 'mounted' : 'exists';
}
