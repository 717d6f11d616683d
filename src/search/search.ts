import { HubctlError, usageError } from '../errors.js';
import type { RegistryTransport } from '../http/types.js';
import { abortedError, interruptedOrRethrow, throwIfAborted } from './abort.js';
import { catalogMatches, catalogPages, catalogResult } from './catalog-search.js';
import { filtersMatchNothing, matchesFilters, parseSearchLimit } from './filters.js';
import { fetchV1SearchPage, isLastV1Page, isRepeatedV1Page, type V1SearchPage } from './hub-search.js';
import { parseSearchTerm, type SearchTarget } from './term.js';
import {
  DEFAULT_MAX_CATALOG_PAGES,
  DEFAULT_MAX_HUB_PAGES,
  DEFAULT_SEARCH_LIMIT,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LIMIT,
  type SearchOptions,
  type SearchOutcome,
  type SearchPage,
  type SearchResult,
} from './types.js';

function transportFor(options: SearchOptions, target: SearchTarget): RegistryTransport {
  if (options.transport !== undefined) return options.transport;
  if (options.transportFactory !== undefined) return options.transportFactory(target.host);
  throw usageError('SEARCH_NO_TRANSPORT', 'searchImages needs a transport or a transportFactory');
}

/**
 * Searches page by page. Yields every fetched page with the rows that pass the filters (possibly none),
 * until the results end or the page cap. Docker Hub (and any registry answering `/v1/search`) is paged
 * with `n = min(100, limit)` and `page=2..`; other registries fall back to their `/v2/_catalog`.
 * Stop iterating (break) once you have enough rows; `searchImages` does that for you.
 */
export async function* searchPages(options: SearchOptions): AsyncGenerator<SearchPage, void, void> {
  const target = parseSearchTerm(options.term, options.registry);
  const limit = parseSearchLimit(options.limit, MAX_SEARCH_LIMIT, DEFAULT_SEARCH_LIMIT);
  const filters = options.filters ?? {};
  const { signal } = options;
  throwIfAborted(signal);
  if (filtersMatchNothing(filters)) return;
  const transport = transportFor(options, target);
  const method = options.method ?? 'auto';

  if (method !== 'catalog') {
    const pageSize = Math.min(MAX_PAGE_SIZE, limit);
    const maxPages = options.maxPages ?? DEFAULT_MAX_HUB_PAGES;
    let previous: string[] = [];
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        options.onWarning?.(`stopped after ${maxPages} pages of search results; narrow the term or the filters`);
        options.onCapped?.();
        return;
      }
      throwIfAborted(signal);
      let p: V1SearchPage | undefined;
      try {
        p = await fetchV1SearchPage(transport, {
          term: target.term,
          pageSize,
          page,
          ...(signal ? { signal } : {}),
          allowUnsupported: !target.isHub && method === 'auto',
        });
      } catch (e) {
        throw interruptedOrRethrow(e, signal);
      }
      if (p === undefined) break; // no /v1/search here: use the catalog
      if (isRepeatedV1Page(p, page, previous)) return;
      previous = p.results.map((r) => r.name);
      // names as the endpoint sends them, as docker shows them
      const results = p.results.filter((r) => matchesFilters(r, filters));
      const out: SearchPage = { source: 'v1-search', page, results, fetched: p.results.length };
      if (p.numResults !== undefined) out.totalResults = p.numResults;
      if (p.numPages !== undefined) out.totalPages = p.numPages;
      yield out;
      if (isLastV1Page(p, page, pageSize)) return;
    }
  }

  const maxPages = options.maxPages ?? DEFAULT_MAX_CATALOG_PAGES;
  for await (const cp of catalogPages(transport, {
    maxPages,
    ...(signal ? { signal } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.onCapped ? { onCapped: options.onCapped } : {}),
  })) {
    throwIfAborted(signal);
    const results = cp.repositories
      .filter((repo) => catalogMatches(repo, target.term))
      .map((repo) => catalogResult(target.registry, repo))
      .filter((r) => matchesFilters(r, filters));
    yield { source: 'catalog', page: cp.page, results, fetched: cp.repositories.length };
  }
}

/**
 * Searches until `limit` rows pass the filters or the results end (docker filters one page only and may
 * show fewer rows although more match). Returns the rows in the registry's order, with warnings for stderr.
 */
export async function searchImages(options: SearchOptions): Promise<SearchOutcome> {
  const limit = parseSearchLimit(options.limit, MAX_SEARCH_LIMIT, DEFAULT_SEARCH_LIMIT);
  const warnings: string[] = [];
  let capped = false;
  const onCapped = (): void => {
    capped = true;
    options.onCapped?.();
  };
  const onWarning = (m: string): void => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const results: SearchResult[] = [];
  let source: SearchOutcome['source'];
  try {
    for await (const page of searchPages({ ...options, limit, onWarning, onCapped })) {
      source = page.source;
      for (const r of page.results) {
        if (results.length < limit) results.push(r);
      }
      options.onPage?.(page, results.length);
      if (results.length >= limit) break;
    }
  } catch (e) {
    if (options.signal?.aborted && !(e instanceof HubctlError)) throw abortedError(e);
    throw e;
  }
  return { results, source, warnings, capped };
}
