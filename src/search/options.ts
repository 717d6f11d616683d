import { compileSearchFormat, type CompiledSearchFormat } from './format.js';
import { parseSearchFilters } from './filters.js';
import { parseSearchLimit } from './filters.js';
import { parseSearchTerm, type SearchTarget } from './term.js';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, type SearchFilters } from './types.js';

/** Raw `hubctl search` flags as commander hands them over. */
export interface RawSearchOptions {
  /** The `[REGISTRY/]TERM` argument; checked when given. */
  term?: string;
  limit?: number | string;
  filters?: readonly string[];
  format?: string;
  noTrunc?: boolean;
}

export interface ValidatedSearchOptions {
  /** Where the search goes, when `term` was given. */
  target: SearchTarget | undefined;
  limit: number;
  filters: SearchFilters;
  format: string;
  compiledFormat: CompiledSearchFormat;
  noTrunc: boolean;
  /** Warnings for stderr (e.g. the deprecated is-automated filter). */
  warnings: string[];
}

/**
 * Checks the term and every flag before any request is made. Throws HubctlError kind 'usage' (exit 2)
 * for an empty or scheme-prefixed term, a bad filter, a limit outside 1..MAX_SEARCH_LIMIT, or a
 * `--format` with an unknown field or function.
 */
export function validateSearchOptions(raw: RawSearchOptions = {}): ValidatedSearchOptions {
  const target = raw.term === undefined ? undefined : parseSearchTerm(raw.term);
  const limit = parseSearchLimit(raw.limit, MAX_SEARCH_LIMIT, DEFAULT_SEARCH_LIMIT);
  const { filters, warnings } = parseSearchFilters(raw.filters ?? []);
  const format = raw.format ?? '';
  const compiledFormat = compileSearchFormat(format);
  return { target, limit, filters, format, compiledFormat, noTrunc: raw.noTrunc ?? false, warnings };
}
