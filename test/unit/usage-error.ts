import { expect } from 'vitest';
import { HubctlError } from '../../src/errors.js';

/** Runs `fn`, expects it to throw a usage HubctlError (exit 2), and returns that error. */
export function usage(fn: () => unknown): HubctlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HubctlError);
    expect((e as HubctlError).kind).toBe('usage');
    return e as HubctlError;
  }
  throw new Error('expected a usage error');
}
