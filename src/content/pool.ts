import { interrupted } from './abort.js';

/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the input order. The first
 * failure stops new work and is thrown once everything in flight has settled (so no temp file is
 * being written when we return). An aborted `signal` stops new work the same way.
 */
export async function runPool<T, R = void>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      if (signal?.aborted) {
        failure ??= { error: interrupted() };
        return;
      }
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(Math.floor(limit) || 1, items.length)) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
  return results;
}
