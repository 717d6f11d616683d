import { describe, expect, it } from 'vitest';
import { defaultConcurrency, threadpoolSize } from '../../../src/builder/pool.js';

describe('build concurrency', () => {
  it('reads the threadpool size from UV_THREADPOOL_SIZE, else 4', () => {
    expect(threadpoolSize({})).toBe(4);
    expect(threadpoolSize({ UV_THREADPOOL_SIZE: '8' })).toBe(8);
    expect(threadpoolSize({ UV_THREADPOOL_SIZE: 'lots' })).toBe(4);
    expect(threadpoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
  });

  it('compresses twice as many layers as CPUs at once, at most one per threadpool thread', () => {
    expect(defaultConcurrency(1, 4)).toBe(2);
    expect(defaultConcurrency(2, 4)).toBe(4);
    expect(defaultConcurrency(16, 4)).toBe(4);
    expect(defaultConcurrency(16, 64)).toBe(32);
    expect(defaultConcurrency(2, 1)).toBe(1);
  });
});
