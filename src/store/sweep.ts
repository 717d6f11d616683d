import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { deadLeaseFiles } from './lease.js';
import { LOCK_SUFFIX, STORE_ALGORITHMS, type Layout } from './layout.js';
import { DEFAULT_LOCK_STALE_MS, removeIfStale } from './lock.js';
import { sweepStaging } from './staging.js';

/**
 * What a killed hubctl (SIGKILL, OOM, a closed ssh session before SIGHUP was handled) leaves in a
 * store, removed by the next command that opens it:
 *
 * - staging directories of builds and loads whose owner is gone (staging.ts);
 * - per-blob `.lock` files whose holder is gone. A process that took one first leased the blob, so
 *   they are looked for only when a lease file of a dead process is left (two small directory reads
 *   otherwise); the lease file goes after its locks. `.partial` downloads stay: the next pull resumes
 *   them, and gc removes old ones no live lock guards.
 *
 * Every check is the lock mechanism's own (lock.ts: a dead pid on this host, or a lock nobody
 * refreshed for `staleMs`); nothing a live process holds is touched. Failures are ignored: a
 * read-only store is still readable.
 */
export async function sweepLeftovers(
  root: string,
  layout: Layout,
  now: () => number = Date.now,
  staleMs = DEFAULT_LOCK_STALE_MS,
): Promise<void> {
  await sweepStaging(root, now, staleMs).catch(() => undefined);
  const dead = await deadLeaseFiles(root);
  if (dead.length === 0) return;
  try {
    await sweepBlobLocks(layout, now, staleMs);
    for (const f of dead) await fsp.rm(f, { force: true });
  } catch {
    // the next command tries again
  }
}

/** Removes stale `.<hex>.lock` files in the blob directories; returns their names. */
export async function sweepBlobLocks(layout: Layout, now: () => number = Date.now, staleMs = DEFAULT_LOCK_STALE_MS): Promise<string[]> {
  const removed: string[] = [];
  for (const alg of STORE_ALGORITHMS) {
    const dir = layout.algorithmDir(alg);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith('.') || !name.endsWith(LOCK_SUFFIX)) continue;
      if (await removeIfStale(join(dir, name), staleMs, now)) removed.push(name);
    }
  }
  return removed;
}
