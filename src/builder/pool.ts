import { availableParallelism } from 'node:os';

export { runPool } from '../content/pool.js';

/** Threads libuv runs zlib (and file) work on: UV_THREADPOOL_SIZE, else libuv's default of 4. */
export function threadpoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/**
 * Default number of layers compressed at once: twice the CPUs, at most the threadpool's size. One
 * layer's gzip idles while the main thread hands it the next chunk (tar, hashes, file reads), so
 * with only one layer per CPU the CPUs idle too; a second one per CPU fills those gaps, and equal
 * layers then finish together instead of leaving one to run alone at the end. More layers than
 * threadpool threads would only wait for a thread, holding buffers meanwhile.
 */
export function defaultConcurrency(cpus: number = availableParallelism(), threads: number = threadpoolSize()): number {
  return Math.max(1, Math.min(2 * cpus, threads));
}
