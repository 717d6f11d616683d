import { availableParallelism } from 'node:os';

/** Default parallelism for CPU-bound layer compression: the number of CPUs. */
export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs `fn` over `items` with at most `limit` at once; results keep the input order. The first
 * failure is thrown after the running tasks settle (no new task starts once one has failed).
 */
export async function runPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
