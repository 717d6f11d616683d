import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { LOCK_SUFFIX } from './layout.js';
import { DEFAULT_LOCK_STALE_MS, acquireLock, isLockLive, removeIfStale } from './lock.js';

/**
 * Staging directories inside the store (`<root>/.hubctl/tmp/hubctl-build-*`, `hubctl-load-*`): where
 * a build compresses its layers and a load unpacks its archive, on the store's filesystem (so finished
 * blobs can be renamed in). Each is owned through the same mechanism that guards a blob's `.partial`
 * download: a lock file beside it (`<dir>.lock`, pid + host, its mtime refreshed while held). Once the
 * owner is gone (SIGKILL, OOM, a lost machine), the lock is stale and sweepLeftovers() removes both.
 */
export const STAGING_DIR = join('.hubctl', 'tmp');

export interface StagingDir {
  readonly path: string;
  /** Removes the directory, then drops its lock. Safe to call twice. */
  remove(): Promise<void>;
}

/** Creates `<root>/.hubctl/tmp/<prefix><random>`, owned by this process until remove(). */
export function createStagingDir(root: string, prefix: string, now: () => number = Date.now): Promise<StagingDir> {
  return createOwnedDir(join(root, STAGING_DIR), prefix, now);
}

/**
 * Creates `<parent>/<prefix><random>` with a lock beside it, owned by this process until remove():
 * a staging directory, or a directory that must live outside the store (buildah's hand-over layout)
 * and still be swept by sweepOwnedDirs() once its owner is gone.
 */
export async function createOwnedDir(parent: string, prefix: string, now: () => number = Date.now): Promise<StagingDir> {
  await fsp.mkdir(parent, { recursive: true });
  const path = join(parent, `${prefix}${randomBytes(6).toString('hex')}`);
  // the lock first: a directory without a live lock is a leftover to any sweeper
  const lock = await acquireLock(`${path}${LOCK_SUFFIX}`, { timeoutMs: 0, now, what: `the directory ${path}` });
  try {
    await fsp.mkdir(path);
  } catch (e) {
    await lock.release();
    throw e;
  }
  let removed = false;
  return {
    path,
    async remove() {
      if (removed) return;
      removed = true;
      try {
        await fsp.rm(path, { recursive: true, force: true });
      } finally {
        await lock.release();
      }
    },
  };
}

/**
 * Removes staging directories (and their locks) whose owner is gone. Entries with a live lock are
 * kept, whoever holds them. Returns the names removed.
 */
export function sweepStaging(root: string, now: () => number = Date.now, staleMs = DEFAULT_LOCK_STALE_MS): Promise<string[]> {
  return sweepOwnedDirs(join(root, STAGING_DIR), 'hubctl-', now, staleMs);
}

/**
 * Removes the entries of `parent` named `<prefix>...` (directories made by createOwnedDir, and their
 * locks) whose owner is gone; nothing else in `parent` is looked at. Returns the names removed.
 */
export async function sweepOwnedDirs(
  parent: string,
  prefix: string,
  now: () => number = Date.now,
  staleMs = DEFAULT_LOCK_STALE_MS,
): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return []; // no staging yet, or not readable: nothing to do
  }
  const removed: string[] = [];
  const present = new Set(names);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const isLock = name.endsWith(LOCK_SUFFIX);
    const dirName = isLock ? name.slice(0, -LOCK_SUFFIX.length) : name;
    if (isLock && present.has(dirName)) continue; // handled with its directory
    const lockPath = join(parent, `${dirName}${LOCK_SUFFIX}`);
    if (await isLockLive(lockPath, staleMs, now)) continue;
    if (!isLock) {
      // The lock (if any) stays until the directory is gone: a sweeper racing this one sees the same.
      await fsp.rm(join(parent, dirName), { recursive: true, force: true });
      removed.push(dirName);
    }
    await removeIfStale(lockPath, staleMs, now);
  }
  return removed;
}
