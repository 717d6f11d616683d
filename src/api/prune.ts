import type { StoreEntry } from '../store/image-store.js';
import { walkGraph } from '../store/graph.js';
import { listBlobFiles } from '../store/usage.js';
import type { Client } from './client.js';
import { dockerReference } from './images.js';

export interface PruneOptions {
  /** Every image, not only the dangling ones (docker's -a: hubctl has no containers, so none is in use). */
  all?: boolean;
}

export interface PruneResult {
  /** Entries removed (full references, or the digest of an unnamed entry). */
  untagged: string[];
  /** Blobs deleted: those of the removed entries no other image uses, and any no entry referenced. */
  deleted: string[];
  bytesFreed: number;
}

/**
 * Dangling: no tag (pulled by digest only, or written without a name by another tool). An entry under a
 * raw name another tool wrote (`MyTag`, `latest` alone) is not: `images` lists it by that name.
 */
export function isDangling(entry: StoreEntry): boolean {
  if (entry.ref === undefined) return true;
  const ref = dockerReference(entry.ref);
  return ref !== undefined && ref.tag === undefined;
}

/**
 * `hubctl image prune`: removes dangling entries (or, with `all`, every entry), then every blob nothing
 * in the store references, and stale partial downloads.
 */
export async function pruneImages(client: Client, options: PruneOptions = {}): Promise<PruneResult> {
  const store = await client.store();
  const removed = await store.untagWhere((e) => options.all === true || isDangling(e));
  const gc = await store.gc();
  return { untagged: removed.map((e) => e.ref ?? e.descriptor.digest), deleted: gc.removed, bytesFreed: gc.bytesFreed };
}

export interface DiskUsage {
  /** Entries in the store (named or not). */
  images: number;
  /** Entries with a tag (docker's ACTIVE column shows these: hubctl has no containers). */
  tagged: number;
  /** Bytes of every blob, plus unfinished downloads. */
  size: number;
  /** What `image prune` frees: blobs no tagged image reaches (dangling images, leftovers). */
  reclaimable: number;
  blobs: number;
}

/** `hubctl system df`: how much the store holds and how much `image prune` would free. */
export async function diskUsage(client: Client): Promise<DiskUsage> {
  const store = await client.store();
  const entries = await store.list();
  const tagged = entries.filter((e) => !isDangling(e));
  const walk = await walkGraph(
    store.blobs,
    tagged.map((e) => e.descriptor),
  );
  const files = await listBlobFiles(store.layout);
  let size = files.partialBytes;
  let reclaimable = 0;
  for (const [digest, bytes] of files.blobs) {
    size += bytes;
    if (!walk.reachable.has(digest)) reclaimable += bytes;
  }
  return { images: entries.length, tagged: tagged.length, size, reclaimable, blobs: files.blobs.size };
}
