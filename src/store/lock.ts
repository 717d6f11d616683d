import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { HubctlError, storeError } from '../errors.js';
import { createFileExclusive } from './atomic-write.js';

/**
 * Lock files: `<path>` is created atomically (temp file + link, which fails with EEXIST when the
 * lock is held) and holds `{pid, host, time, token}`. The holder refreshes the file's mtime every
 * `staleMs / 3` so a long hold (a big blob download) is not mistaken for a stale lock.
 *
 * A lock is stale when its holder is a dead pid on this host, or its mtime is older than `staleMs`.
 * Stale locks are broken under a short-lived `<path>.break` lock, re-checking that the lock file is
 * still the same stale one, so two waiters never both break and one never deletes a fresh lock.
 */
export interface LockOptions {
  /** Give up after this long (default 15 s); `Infinity` waits as long as the holder is alive. */
  timeoutMs?: number;
  /** A lock whose mtime is older than this is stale (default 30 s). */
  staleMs?: number;
  /** Clock (ms since epoch); used for timestamps and staleness. */
  now?: () => number;
  signal?: AbortSignal;
  /** What the lock protects, for error messages. */
  what?: string;
  /** Called once when the lock is found held by a live holder; the function it returns, when the wait ends. */
  onWait?: (holder: LockInfo) => (() => void) | undefined;
}

export interface LockInfo {
  pid: number;
  host: string;
  time: string;
  token: string;
}

export interface LockHandle {
  readonly path: string;
  readonly token: string;
  release(): Promise<void>;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;
export const DEFAULT_LOCK_STALE_MS = 30_000;

export function isPidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLockInfo(path: string): Promise<{ info: LockInfo | undefined; mtimeMs: number; raw: string } | undefined> {
  try {
    const [raw, st] = await Promise.all([fsp.readFile(path, 'utf8'), fsp.stat(path)]);
    let info: LockInfo | undefined;
    try {
      const j = JSON.parse(raw) as Partial<LockInfo>;
      if (typeof j.pid === 'number' && typeof j.host === 'string' && typeof j.token === 'string') info = j as LockInfo;
    } catch {
      info = undefined;
    }
    return { info, mtimeMs: st.mtimeMs, raw };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Is the lock at `path` held by a live holder? (false when absent or stale) */
export async function isLockLive(path: string, staleMs = DEFAULT_LOCK_STALE_MS, now: () => number = Date.now): Promise<boolean> {
  const cur = await readLockInfo(path);
  return cur !== undefined && !isStale(cur, staleMs, now);
}

function isStale(cur: { info: LockInfo | undefined; mtimeMs: number }, staleMs: number, now: () => number): boolean {
  if (now() - cur.mtimeMs > staleMs) return true;
  const info = cur.info;
  return info !== undefined && info.host === hostname() && !isPidAlive(info.pid);
}

async function tryCreate(path: string, now: () => number): Promise<LockInfo | undefined> {
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    time: new Date(now()).toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  const created = await createFileExclusive(path, `${JSON.stringify(info)}\n`, { fsync: false });
  if (!created) return undefined;
  const t = now() / 1000;
  await fsp.utimes(path, t, t).catch(() => undefined);
  return info;
}

/** Breaks the lock at `path` if it is (still) the stale lock whose content was `raw`. */
async function breakStale(path: string, raw: string, staleMs: number, now: () => number): Promise<void> {
  const breaker = `${path}.break`;
  const got = await tryCreate(breaker, now);
  if (!got) {
    // Another waiter is breaking it; a breaker left by a crashed process expires quickly.
    const b = await readLockInfo(breaker);
    if (b && now() - b.mtimeMs > Math.min(staleMs, 5_000)) await fsp.rm(breaker, { force: true });
    return;
  }
  try {
    const cur = await readLockInfo(path);
    if (cur && cur.raw === raw && isStale(cur, staleMs, now)) await fsp.rm(path, { force: true });
  } finally {
    await fsp.rm(breaker, { force: true });
  }
}

/**
 * Removes the lock at `path` when it is stale (its holder is a dead pid on this host, or it stopped
 * refreshing it), with the same care as a waiter breaking it. True when it is gone.
 */
export async function removeIfStale(path: string, staleMs = DEFAULT_LOCK_STALE_MS, now: () => number = Date.now): Promise<boolean> {
  const cur = await readLockInfo(path).catch(() => undefined);
  if (cur === undefined) return true;
  if (!isStale(cur, staleMs, now)) return false;
  await breakStale(path, cur.raw, staleMs, now);
  return (await readLockInfo(path).catch(() => undefined)) === undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(interrupted(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function interrupted(signal?: AbortSignal): HubctlError {
  return new HubctlError('interrupted', 'INTERRUPTED', 'interrupted while waiting for a store lock', { cause: signal?.reason });
}

/** Waits (bounded, with jittered backoff) for the lock, breaking stale ones. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<LockHandle> {
  const now = options.now ?? Date.now;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const started = Date.now();
  let delay = 5;
  let lastHolder: LockInfo | undefined;
  let waitEnded: (() => void) | undefined;
  try {
    return await acquireLoop();
  } finally {
    waitEnded?.();
  }

  async function acquireLoop(): Promise<LockHandle> {
    for (;;) {
      if (options.signal?.aborted) throw interrupted(options.signal);
      const info = await tryCreate(path, now);
      if (info) return holdLock(path, info, staleMs, now);
      const cur = await readLockInfo(path);
      if (!cur) continue; // released between our attempt and the read: try again at once
      lastHolder = cur.info;
      if (isStale(cur, staleMs, now)) {
        await breakStale(path, cur.raw, staleMs, now);
        continue;
      }
      if (Date.now() - started >= timeoutMs) {
        const who = lastHolder ? `pid ${lastHolder.pid} on ${lastHolder.host} since ${lastHolder.time}` : 'another process';
        throw storeError(
          'STORE_LOCKED',
          `timed out after ${timeoutMs} ms waiting for the lock on ${options.what ?? path}, held by ${who}`,
          {
            hint: `another hubctl is using the store; retry when it finishes, or delete ${path} if no hubctl process is running`,
            details: { path, holder: lastHolder },
          },
        );
      }
      if (waitEnded === undefined && options.onWait && cur.info) waitEnded = options.onWait(cur.info) ?? (() => undefined);
      await sleep(delay * (0.5 + Math.random()), options.signal);
      delay = Math.min(delay * 2, 200);
    }
  }
}

function holdLock(path: string, info: LockInfo, staleMs: number, now: () => number): LockHandle {
  const timer = setInterval(
    () => {
      const t = now() / 1000;
      fsp.utimes(path, t, t).catch(() => undefined);
    },
    Math.max(50, Math.floor(staleMs / 3)),
  );
  timer.unref();
  let released = false;
  return {
    path,
    token: info.token,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const cur = await readLockInfo(path).catch(() => undefined);
      // Only remove our own lock: if it was broken (we stalled past staleMs) someone else holds it now.
      if (cur?.info?.token === info.token) await fsp.rm(path, { force: true });
    },
  };
}

export async function withLock<T>(path: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
