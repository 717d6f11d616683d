import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/webhook/queue.js';
import { SeenIds } from '../../../src/webhook/seen.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('the job queue', () => {
  it('runs one job per key at a time, others in parallel up to the limit, in order', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const log: string[] = [];
    const q = new JobQueue<string>({
      maxPending: 10,
      concurrency: 2,
      run: async (v) => {
        log.push(`start ${v}`);
        const g = deferred();
        gates.set(v, g);
        await g.promise;
        log.push(`end ${v}`);
      },
    });
    q.push('a', 'a1');
    q.push('a', 'a2');
    q.push('b', 'b1');
    q.push('c', 'c1');
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['start a1', 'start b1']);
    gates.get('a1')!.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    gates.get('b1')!.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(log.at(-1)).toBe('start c1');
    gates.get('a2')!.resolve();
    gates.get('c1')!.resolve();
    await q.idle();
    expect(q.runningCount).toBe(0);
  });

  it('is bounded, and stop() hands back what never started while the running job finishes', async () => {
    const gate = deferred();
    const done: string[] = [];
    const q = new JobQueue<string>({
      maxPending: 2,
      concurrency: 1,
      run: async (v) => {
        await gate.promise;
        done.push(v);
      },
    });
    expect(q.push('k', '1')).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(q.push('k', '2')).toBe(true);
    expect(q.push('k', '3')).toBe(true);
    expect(q.push('k', '4')).toBe(false);
    expect(q.stop()).toEqual(['2', '3']);
    expect(q.push('k', '5')).toBe(false);
    const idle = q.idle();
    gate.resolve();
    await idle;
    expect(done).toEqual(['1']);
  });

  it('abort() reaches running jobs through their signal', async () => {
    let seen: AbortSignal | undefined;
    const q = new JobQueue<string>({
      maxPending: 1,
      concurrency: 1,
      run: (_v, signal) =>
        new Promise<void>((resolve) => {
          seen = signal;
          signal.addEventListener('abort', () => resolve());
        }),
    });
    q.push('k', 'x');
    await new Promise((r) => setTimeout(r, 5));
    q.abort();
    await q.idle();
    expect(seen?.aborted).toBe(true);
  });
});

describe('seen event ids', () => {
  it('forgets the oldest beyond its capacity', () => {
    const s = new SeenIds(3);
    for (const id of ['a', 'b', 'c', 'a', 'd']) s.add(id);
    expect(s.size).toBe(3);
    expect(s.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((x) => s.has(x))).toBe(true);
  });
});
