import type { Descriptor } from '../oci/types.js';
import { selectPlatform } from '../oci/platform.js';
import { fetchRootManifest, notFoundAs, remoteTarget, type RemotePlatformOptions } from './remote-image.js';
import type { Client } from './client.js';

export interface DigestResult {
  /** Full normalized reference asked for. */
  reference: string;
  /** The manifest (or index) the reference resolves to; with a platform, that platform's manifest. */
  descriptor: Descriptor;
}

/**
 * `hubctl digest REF`: what the reference resolves to on the registry, from a HEAD with every manifest
 * type in Accept (a GET, hashed, when the registry sends no Docker-Content-Digest). With `platform`,
 * the index entry for that platform (a reference to an image ignores it, as crane does).
 */
export async function manifestDigest(client: Client, refText: string, options: RemotePlatformOptions = {}): Promise<DigestResult> {
  const target = remoteTarget(client, refText);
  const sig = options.signal ? { signal: options.signal } : {};
  if (options.platform === undefined) {
    let head: Descriptor | undefined;
    try {
      head = await target.repo.headManifest(target.tagOrDigest, sig);
    } catch (e) {
      throw notFoundAs(e, target.reference);
    }
    // A HEAD by digest that answers is the digest asked for; by tag, the registry's word is checked below when absent.
    if (head !== undefined && (target.ref.digest === undefined || head.digest === target.ref.digest)) {
      return { reference: target.reference, descriptor: head };
    }
  }
  const root = await fetchRootManifest(target, options);
  if (options.platform === undefined || root.parsed.kind !== 'index') return { reference: target.reference, descriptor: root.descriptor };
  const entry = selectPlatform(root.parsed.manifest.manifests, options.platform, target.reference);
  return { reference: target.reference, descriptor: { mediaType: entry.mediaType, digest: entry.digest, size: entry.size } };
}
