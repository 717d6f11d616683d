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
  const full = refs.map((r) => formatReference(parseReference(r)));
  for (const [i, ref] of full.entries()) {
    if (!(await store.resolve(ref))) {
      throw notFoundError('IMAGE_NOT_FOUND', `no such image: ${refs[i]}`, { hint: 'list the store with hubctl images' });
    }
  }
  const untagged: string[] = [];
  for (const ref of full) {
    await store.remove(ref);
    untagged.push(ref);
  }
  const gc = await store.gc();
  return { untagged, deleted: gc.removed, bytesFreed: gc.bytesFreed };
}
