import { fetchRootManifest, notFoundAs, remoteTarget, type RemoteOptions } from './remote-image.js';
import type { Client } from './client.js';

export interface DeleteResult {
  /** Full normalized reference asked for. */
  reference: string;
  /** The manifest digest deleted (every tag pointing at it went with it). */
  digest: string;
}

/**
 * `hubctl delete REF`: deletes a manifest on the registry. A tag is resolved to its digest first (HEAD
 * with every manifest type in Accept, else GET and hash), since registries delete by digest only; the
 * registry then drops every tag that pointed at it. Needs the `delete` action on the repository.
 */
export async function deleteImage(client: Client, refText: string, options: RemoteOptions = {}): Promise<DeleteResult> {
  const target = remoteTarget(client, refText);
  const digest = target.ref.digest ?? (await resolveTag(target, options));
  try {
    await target.repo.deleteManifest(digest, options.signal ? { signal: options.signal } : {});
  } catch (e) {
    throw notFoundAs(e, target.reference);
  }
  return { reference: target.reference, digest };
}

async function resolveTag(target: ReturnType<typeof remoteTarget>, options: RemoteOptions): Promise<string> {
  const head = await target.repo.headManifest(target.tagOrDigest, options.signal ? { signal: options.signal } : {}).catch((e) => {
    throw notFoundAs(e, target.reference);
  });
  if (head !== undefined) return head.digest;
  const root = await fetchRootManifest(target, options);
  return root.descriptor.digest;
}
