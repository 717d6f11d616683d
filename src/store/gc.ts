import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import { storeError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { BlobStore } from './blobs.js';
import { walkGraph } from './graph.js';
import { LOCK_SUFFIX, PARTIAL_SUFFIX, STORE_ALGORITHMS, TEMP_SUFFIX } from './layout.js';
import { DEFAULT_LOCK_STALE_MS, isLockLive, removeIfStale } from './lock.js';

export interface GcOptions {
  /**
   * Unreferenced complete blobs modified less than this long ago are kept (default 0: removed).
   * Blobs of pulls in progress are protected by leases instead (see lease.ts); and `tag()` refuses
   * to tag an image whose blobs went missing, so a racing gc can never corrupt the store.
   */
  graceMs?: number;
  /** `.partial` and `.tmp` files younger than this are kept: a pull may be writing them (default 15 min). */
  partialGraceMs?: number;
  /** Age after which a blob lock counts as abandoned (the store's lock setting; default 30 s). */
  lockStaleMs?: number;
  /** Digests protected by live leases (pulls in progress); read after the blob directories are listed. */
  leased?: () => Promise<Set<string>>;
}

export interface GcResult {
  /** Digests of the blobs deleted. */
  removed: string[];
  /** Bytes freed, including stale partial downloads and temp files. */
  bytesFreed: number;
  /** Stale `.partial` / `.tmp` files deleted (file names). */
  removedPartials: string[];
}

export const DEFAULT_PARTIAL_GRACE_MS = 15 * 60_000;

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

/**
 * Deletes blobs not reachable from `roots` (the index.json entries). The caller holds the index
 * lock, so no tag changes while it runs. Refuses to run when a referenced manifest is unreadable:
 * its children cannot be known, and deleting them could destroy data that is still wanted.
 */
export async function collectGarbage(
  blobs: BlobStore,
  roots: readonly Descriptor[],
  now: () => number,
  options: GcOptions = {},
): Promise<GcResult> {
  const graceMs = options.graceMs ?? 0;
  const partialGraceMs = options.partialGraceMs ?? DEFAULT_PARTIAL_GRACE_MS;
  const walk = await walkGraph(blobs, roots);
  if (walk.invalid.length > 0) {
    const first = walk.invalid[0]!;
    throw storeError('STORE_GC_UNSAFE', `not collecting garbage: manifest ${first.digest} in the store is unreadable (${first.error})`, {
      hint: 'remove the image that references it (hubctl rmi) or pull it again, then retry',
      details: { invalid: walk.invalid },
    });
  }
  const result: GcResult = { removed: [], bytesFreed: 0, removedPartials: [] };
  // List first, read leases after: a blob we list was leased (if at all) before it was written.
  const listing: { alg: string; dir: string; names: string[] }[] = [];
  for (const alg of STORE_ALGORITHMS) {
    const dir = blobs.layout.algorithmDir(alg);
    try {
      listing.push({ alg, dir, names: await fsp.readdir(dir) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const leased = options.leased ? await options.leased() : new Set<string>();
  for (const { alg, dir, names } of listing) {
    const hexRe = new RegExp(`^[a-f0-9]{${HEX_LENGTH[alg]}}$`);
    for (const name of names) {
      const path = join(dir, name);
      if (hexRe.test(name)) {
        const digest = `${alg}:${name}`;
        if (walk.reachable.has(digest) || leased.has(digest)) continue;
        await removeIfOlder(path, graceMs, now, (size) => {
          result.removed.push(digest);
          result.bytesFreed += size;
        });
      } else if (name.startsWith('.') && name.endsWith(LOCK_SUFFIX)) {
        // a blob lock whose holder is gone (gc also drops that holder's lease, which sweep.ts looks for)
        await removeIfStale(path, options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS, now);
      } else if (name.startsWith('.') && (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(TEMP_SUFFIX))) {
        if (name.endsWith(PARTIAL_SUFFIX)) {
          const lockPath = join(dir, `${name.slice(0, -PARTIAL_SUFFIX.length)}${LOCK_SUFFIX}`);
          if (await isLockLive(lockPath, options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS, now)) continue;
        }
        await removeIfOlder(path, partialGraceMs, now, (size) => {
          result.removedPartials.push(name);
          result.bytesFreed += size;
        });
      }
    }
  }
  return result;
}

async function removeIfOlder(path: string, minAgeMs: number, now: () => number, onRemoved: (size: number) => void): Promise<void> {
  let st: Stats;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isFile() || now() - st.mtimeMs < minAgeMs) return;
  try {
    await fsp.unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  onRemoved(st.size);
}
