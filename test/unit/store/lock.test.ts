import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireLock, isLockLive, withLock } from '../../../src/store/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('lock files', () => {
  it('holds pid, host and time; a second acquirer waits until release', async () => {
    const path = join(dir, 'x.lock');
    const first = await acquireLock(path);
    const info = JSON.parse(await readFile(path, 'utf8')) as { pid: number; host: string; time: string };
    expect(info.pid).toBe(process.pid);
    expect(info.host).toBe(hostname());
    expect(Number.isNaN(Date.parse(info.time))).toBe(false);
    const order: string[] = [];
    const second = withLock(path, { timeoutMs: 5_000 }, async () => {
      order.push('second');
    });
    await new Promise((r) => setTimeout(r, 100));
    order.push('first-release');
    await first.release();
    await second;
    expect(order).toEqual(['first-release', 'second']);
    expect(existsSync(path)).toBe(false);
  });

  it('onWait: told once when the lock is held by a live holder, and when the wait ends (acquired or not)', async () => {
    const path = join(dir, 'w.lock');
    const first = await acquireLock(path);
    const events: string[] = [];
    const onWait = (holder: { pid: number }) => {
      events.push(`wait ${holder.pid === process.pid}`);
      return () => void events.push('end');
    };
    const second = acquireLock(path, { timeoutMs: 5_000, onWait });
    await vi.waitFor(() => expect(events).toEqual(['wait true']), { timeout: 10_000, interval: 20 });
    await first.release();
    await (await second).release();
    expect(events).toEqual(['wait true', 'end']);
    // free lock: no wait, no call
    await (await acquireLock(path, { onWait })).release();
    expect(events).toHaveLength(2);
    // a wait that times out still ends
    const held = await acquireLock(path);
    await expect(acquireLock(path, { timeoutMs: 100, onWait })).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    expect(events).toEqual(['wait true', 'end', 'wait true', 'end']);
    await held.release();
  });

  it('serializes many concurrent critical sections', async () => {
    const path = join(dir, 'x.lock');
    let inside = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(path, {}, async () => {
          inside++;
          max = Math.max(max, inside);
          await new Promise((r) => setTimeout(r, 2));
          inside--;
        }),
      ),
    );
    expect(max).toBe(1);
  });

  it('uses the injected clock for staleness', async () => {
    const path = join(dir, 'x.lock');
    let now = Date.now();
    const clock = () => now;
    await writeFile(path, JSON.stringify({ pid: process.pid, host: 'other-host', time: '', token: 't' }));
    expect(await isLockLive(path, 30_000, clock)).toBe(true);
    now += 60_000;
    expect(await isLockLive(path, 30_000, clock)).toBe(false);
    const h = await acquireLock(path, { now: clock, timeoutMs: 1_000 });
    await h.release();
  });

  it('release does not delete a lock that was broken and taken by someone else', async () => {
    const path = join(dir, 'x.lock');
    const h = await acquireLock(path);
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), time: '', token: 'someone-else' }));
    await h.release();
    expect(existsSync(path)).toBe(true);
  });

  it('an aborted wait ends with an interrupted error', async () => {
    const path = join(dir, 'x.lock');
    const h = await acquireLock(path);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(acquireLock(path, { timeoutMs: Infinity, signal: ac.signal })).rejects.toMatchObject({ kind: 'interrupted' });
    await h.release();
  });
});
