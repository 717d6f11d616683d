import { usageError } from '../errors.js';
import type { SearchFilters, SearchResult } from './types.js';

export const FILTER_NAMES = ['stars', 'is-official', 'is-automated'] as const;

export const IS_AUTOMATED_WARNING =
  'the "is-automated" filter is deprecated: docker removed it and Docker Hub no longer reports automated builds, so "is-automated=true" matches nothing.';

export interface ParsedFilters {
  filters: SearchFilters;
  /** Warnings for stderr (the deprecated is-automated filter). */
  warnings: string[];
}

const FILTER_HINT = 'filters are stars=N, is-official=true|false, is-automated=true|false (e.g. --filter stars=3)';

function parseBool(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw usageError('INVALID_FILTER', `invalid filter '${name}=${value}': the value must be true or false`, { hint: FILTER_HINT });
}

/**
 * Parses `--filter` values (`name=value`, docker's filter flag syntax: the name is case-insensitive and
 * trimmed). Several `stars` filters keep the largest; a boolean filter given twice must agree.
 */
export function parseSearchFilters(raw: readonly string[] = []): ParsedFilters {
  const filters: SearchFilters = {};
  const warnings: string[] = [];
  for (const item of raw) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      throw usageError('INVALID_FILTER', `bad format of filter '${item}' (expected name=value)`, { hint: FILTER_HINT });
    }
    const name = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    switch (name) {
      case 'stars': {
        if (!/^\d{1,9}$/.test(value)) {
          throw usageError('INVALID_FILTER', `invalid filter 'stars=${value}': the value must be a whole number >= 0`, {
            hint: FILTER_HINT,
          });
        }
        const n = Number(value);
        filters.minStars = Math.max(filters.minStars ?? 0, n);
        break;
      }
      case 'is-official':
      case 'is-automated': {
        const b = parseBool(name, value);
        const key = name === 'is-official' ? 'isOfficial' : 'isAutomated';
        const prev = filters[key];
        if (prev !== undefined && prev !== b) {
          throw usageError('INVALID_FILTER', `conflicting filters: '${name}' is given as both true and false`, { hint: FILTER_HINT });
        }
        filters[key] = b;
        if (name === 'is-automated' && !warnings.includes(IS_AUTOMATED_WARNING)) warnings.push(IS_AUTOMATED_WARNING);
        break;
      }
      default:
        throw usageError('INVALID_FILTER', `invalid filter '${name === '' ? item : name}': valid filters are ${FILTER_NAMES.join(', ')}`, {
          hint: FILTER_HINT,
        });
    }
  }
  return { filters, warnings };
}

/** True when no result can pass (docker answers `is-automated=true` with no results and no request). */
export function filtersMatchNothing(filters: SearchFilters): boolean {
  return filters.isAutomated === true;
}

/** Applies every filter, as docker's daemon does after fetching. */
export function matchesFilters(result: SearchResult, filters: SearchFilters): boolean {
  if (filters.isAutomated === true && !result.isAutomated) return false;
  if (filters.isAutomated === false && result.isAutomated) return false;
  if (filters.isOfficial !== undefined && result.isOfficial !== filters.isOfficial) return false;
  if (filters.minStars !== undefined && result.starCount < filters.minStars) return false;
  return true;
}

/**
 * Validates `--limit` (a number, or the string commander hands over). Range 1..max; default when absent.
 */
export function parseSearchLimit(value: unknown, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number(value.trim());
  else {
    throw usageError('INVALID_LIMIT', `invalid --limit "${String(value)}": expected a whole number from 1 to ${max}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw usageError('INVALID_LIMIT', `limit ${String(value).trim()} is outside the range of [1, ${max}]`, {
      hint: `use --limit between 1 and ${max}`,
    });
  }
  return n;
}
