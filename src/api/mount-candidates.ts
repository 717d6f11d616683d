import { parseReference, type Reference } from '../ref/reference.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import type { ImageStore } from '../store/image-store.js';

/**
 * Which repositories of the registry are known to hold a blob or manifest: store entries named on
 * the same registry (pulled images carry the repository they came from in their reference) whose
 * graph contains it. The target repository itself is left out (HEAD already answered for it).
 */
export async function mountCandidates(store: ImageStore, registry: string, targetRepository: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  const add = (digest: string, repo: string) => {
    const list = map.get(digest);
    if (list === undefined) map.set(digest, [repo]);
    else if (!list.includes(repo)) list.push(repo);
  };
  for (const entry of await store.list()) {
    const parsed = tryParse(entry.ref);
    if (!parsed || parsed.registry !== registry || parsed.repository === targetRepository) continue;
    const stack: Descriptor[] = [entry.descriptor];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (seen.has(d.digest) || !isManifestType(d.mediaType) || !(await store.exists(d))) continue;
      seen.add(d.digest);
      add(d.digest, parsed.repository);
      let parsedManifest: ParsedManifest;
      try {
        parsedManifest = parseManifest(await store.fetchBytes(d, MAX_MANIFEST_BYTES), d.mediaType);
      } catch {
        continue;
      }
      if (parsedManifest.kind === 'index') stack.push(...parsedManifest.manifest.manifests);
      else for (const b of [parsedManifest.manifest.config, ...parsedManifest.manifest.layers]) add(b.digest, parsed.repository);
    }
  }
  return map;
}

/** A store entry's name as a reference; undefined for names other tools wrote. */
export function tryParse(text: string | undefined): Reference | undefined {
  if (text === undefined) return undefined;
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}
