import { usageError } from '../errors.js';

export function parsePositiveInt(value: string, flag: string, max = 1000): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw usageError('INVALID_FLAG', `${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return n;
}

/** commander option parser for repeatable flags: `--env A=1 --env B=2` -> ['A=1', 'B=2']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
