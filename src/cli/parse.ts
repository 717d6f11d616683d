import { usageError } from '../errors.js';

export function parsePositiveInt(value: string, flag: string, max = 1000): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw usageError('INVALID_FLAG', `${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as Go and docker write them (`90s`, `5m`, `1h30m`, `500ms`) or whole seconds (`90`),
 * in milliseconds, within [minMs, maxMs].
 */
export function parseDuration(value: string, flag: string, minMs: number, maxMs: number): number {
  const text = value.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else if (/^(?:\d+(?:ms|s|m|h))+$/.test(text)) {
    ms = 0;
    for (const m of text.matchAll(/(\d+)(ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  }
  const show = (n: number) => (n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) {
    throw usageError('INVALID_FLAG', `${flag} must be a duration from ${show(minMs)} to ${show(maxMs)} (e.g. 30s, 5m, 1h), not "${value}"`);
  }
  return ms;
}
