import { formatReference, parseReference } from '../ref/reference.js';
import { notFoundError } from '../errors.js';
import type { Client } from './client.js';

export interface RmiResult {
  untagged: string[];
  /** Blobs deleted because nothing else in the store uses them. */
  deleted: string[];
  bytesFreed: number;
}

/** Removes tags from the store, then the blobs no other image uses. All refs are checked first. */
export async function rmi(client: Client, refs: readonly string[]): Promise<RmiResult> {
  const store = await client.store();
  const full: string[] = [];
  for (const r of refs) {
    const { name, error } = normalize(r);
    // a name another tool stored that is not a docker reference (`MyTag`, `latest`) is removed by it
    const found = name !== undefined && (await store.resolve(name)) ? name : (await store.resolve(r)) ? r : undefined;
    if (found === undefined) {
      if (error !== undefined) throw error;
      throw notFoundError('IMAGE_NOT_FOUND', `no such image: ${r}`, { hint: 'list the store with hubctl images' });
    }
    full.push(found);
  }
  const untagged: string[] = [];
  for (const ref of full) {
    await store.remove(ref);
    untagged.push(ref);
  }
  const gc = await store.gc();
  return { untagged, deleted: gc.removed, bytesFreed: gc.bytesFreed };
}

function normalize(text: string): { name?: string; error?: unknown } {
  try {
    return { name: formatReference(parseReference(text)) };
  } catch (error) {
    return { error };
  }
}
