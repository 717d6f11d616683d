import { availableParallelism } from 'node:os';

export { runPool } from '../content/pool.js';

/** Default parallelism for CPU-bound layer compression: the number of CPUs. */
export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}
