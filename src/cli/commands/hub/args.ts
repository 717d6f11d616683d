/**
 * Flag values of `hubctl hub ...`: list sizes, durations, dates, regexes and word lists (names of
 * repositories, tags and teams are src/hub's parsers). Each bad value is one usage error that says what
 * was expected.
 */
import { usageError } from '../../../errors.js';

export interface ListFlags {
  limit?: string;
  all?: boolean;
}

/** `--limit N` (default 100) or `--all` (no limit) as list options; both at once is a usage error. */
export function listLimit(flags: ListFlags, fallback = 100): { limit?: number } {
  if (flags.all && flags.limit !== undefined) throw usageError('CONFLICTING_FLAGS', '--all and --limit cannot be used together');
  if (flags.all) return {};
  if (flags.limit === undefined) return { limit: fallback };
  const n = Number(flags.limit);
  if (!/^\d+$/.test(flags.limit.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError('INVALID_FLAG', `--limit must be a whole number of 1 or more, not "${flags.limit}"`, {
      hint: 'or use --all for every item',
    });
  }
  return { limit: n };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration like `30d`, `12h`, `90m`, `2w`, or Go's `1h30m`; returns milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (text === '' || parts.map((p) => p[0]).join('') !== text) {
    throw usageError('INVALID_FLAG', `${flag} takes a duration like 30d, 12h, 90m or 2w, not "${value}"`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (!Number.isFinite(ms) || ms <= 0) throw usageError('INVALID_FLAG', `${flag} must be longer than zero, not "${value}"`);
  return ms;
}

/**
 * A point in time: an RFC 3339 time or a date (`2025-01-31`, UTC midnight), or a duration meaning that
 * long before now (`7d`), as `docker logs --since` reads it.
 */
export function parseTime(value: string, flag: string, now = Date.now()): Date {
  const text = value.trim();
  if (/^\d+(?:\.\d+)?[smhdw]/.test(text)) return new Date(now - parseDuration(text, flag));
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    const iso = text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T');
    const t = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso) || iso.length === 10 ? iso : `${iso}Z`);
    if (Number.isFinite(t)) return new Date(t);
  }
  throw usageError(
    'INVALID_FLAG',
    `${flag} takes a date (2025-01-31), a time (2025-01-31T12:00:00Z) or a duration ago (7d), not "${value}"`,
  );
}

/** A future expiry date for `token create --expires`: a date/time, or a duration from now (`90d`). */
export function parseExpiry(value: string, now = Date.now()): Date {
  const text = value.trim();
  const at = /^\d+(?:\.\d+)?[smhdw]/.test(text) ? new Date(now + parseDuration(text, '--expires')) : parseTime(text, '--expires', now);
  if (at.getTime() <= now) throw usageError('INVALID_FLAG', `--expires must be in the future, not "${value}"`);
  return at;
}

/** Compiles `--match REGEX`, saying where it is wrong. */
export function parseRegex(value: string, flag: string): RegExp {
  try {
    return new RegExp(value);
  } catch (e) {
    throw usageError('INVALID_FLAG', `${flag} is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Accepts exactly one of the listed words (case-insensitive), returned lowercase. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const v = value.toLowerCase() as T;
  if (!allowed.includes(v)) throw usageError('INVALID_ARGUMENT', `${what} must be one of ${allowed.join(', ')}, not "${value}"`);
  return v;
}
