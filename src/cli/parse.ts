import { usageError } from '../errors.js';

export function parsePositiveInt(value: string, flag: string, max = 1000): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw usageError('INVALID_FLAG', `${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return n;
}
