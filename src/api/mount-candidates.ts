import { parseReference, type Reference } from '../ref/reference.js';
import { walkGraph } from '../content/walk.js';
import type { ImageStore } from '../store/image-store.js';

/**
 * Which repositories of the registry are known to hold a blob or manifest: store entries named on
 * the same registry (pulled images carry the repository they came from in their reference) whose
 * graph reaches it (also children the store does not hold: the repository has the whole graph).
 * The target repository itself is left out (HEAD already answered for it).
 */
export async function mountCandidates(store: ImageStore, registry: string, targetRepository: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const entry of await store.list()) {
    const parsed = tryParse(entry.ref);
    if (!parsed || parsed.registry !== registry || parsed.repository === targetRepository) continue;
    const walk = await walkGraph(store.blobs, [entry.descriptor]);
    for (const digest of walk.reachable) {
      const list = map.get(digest);
      if (list === undefined) map.set(digest, [parsed.repository]);
      else if (!list.includes(parsed.repository)) list.push(parsed.repository);
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
