import { HubctlError } from '../errors.js';
import type { RegistryResponse, RegistryTransport } from '../http/types.js';
import { SEARCH_BODY_LIMIT, type SearchResult } from './types.js';

/** One `/v1/search` answer, validated. */
export interface V1SearchPage {
  query: string | undefined;
  page: number | undefined;
  pageSize: number | undefined;
  numPages: number | undefined;
  numResults: number | undefined;
  results: SearchResult[];
}

/** Statuses that mean "this registry has no /v1/search" on a registry other than Docker Hub. */
export const V1_UNSUPPORTED_STATUSES: readonly number[] = [400, 404, 405, 410, 501];

/** Docker sends these scopes only with identity tokens; harmless otherwise. */
export const V1_SEARCH_SCOPES: readonly string[] = ['registry:catalog:search'];

export interface V1RequestOptions {
  term: string;
  /** `n`: 1..100. */
  pageSize: number;
  /** 1-based; `page` is only sent from page 2 on (the first request is exactly docker's). */
  page: number;
  signal?: AbortSignal;
  /** Resolve instead of throwing on V1_UNSUPPORTED_STATUSES and non-JSON answers (fallback to the catalog). */
  allowUnsupported: boolean;
}

export function v1SearchPath(term: string, pageSize: number, page: number): string {
  const q = new URLSearchParams({ q: term, n: String(pageSize) });
  if (page > 1) q.set('page', String(page));
  return `/v1/search?${q.toString()}`;
}

function bad(why: string, registry: string): HubctlError {
  return new HubctlError('internal', 'INVALID_SEARCH_RESPONSE', `${registry}: the search endpoint sent an invalid answer: ${why}`, {
    hint: "the registry may not implement Docker Hub's search API; try again later or report it to the registry operator",
    details: { registry },
  });
}

function isJsonType(res: RegistryResponse): boolean {
  const ct = (res.header('content-type') ?? '').toLowerCase();
  return ct === '' || ct.includes('json') || ct.startsWith('text/plain');
}

/**
 * Fetches one page of `GET /v1/search?q=&n=&page=`. Returns `undefined` when `allowUnsupported` and the
 * registry has no such endpoint (an unsupported status, or a 200 that is not JSON, e.g. a web UI page).
 */
export async function fetchV1SearchPage(transport: RegistryTransport, opts: V1RequestOptions): Promise<V1SearchPage | undefined> {
  const req = {
    method: 'GET' as const,
    url: v1SearchPath(opts.term, opts.pageSize, opts.page),
    scopes: V1_SEARCH_SCOPES,
    headers: { Accept: 'application/json' },
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.allowUnsupported ? { acceptStatus: V1_UNSUPPORTED_STATUSES } : {}),
  };
  const res = await transport.request(req);
  if (res.status < 200 || res.status >= 300) {
    await res.discard().catch(() => undefined);
    if (opts.allowUnsupported && opts.page === 1) return undefined;
    throw new HubctlError('notfound', 'SEARCH_PAGE_FAILED', `${transport.registry}: search page ${opts.page} answered ${res.status}`);
  }
  const text = await res.text(SEARCH_BODY_LIMIT);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    if (opts.allowUnsupported && opts.page === 1 && !isJsonType(res)) return undefined;
    throw bad(`not JSON (${(e as Error).message})`, transport.registry);
  }
  if (opts.allowUnsupported && opts.page === 1 && (body === null || typeof body !== 'object' || !('results' in body))) {
    // a JSON answer of another API (e.g. an error document with status 200): not a search endpoint
    return undefined;
  }
  return parseV1SearchResponse(body, transport.registry);
}

function optionalCount(v: unknown, field: string, registry: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`"${field}" is not a count`, registry);
  return Math.floor(v);
}

function optionalBool(v: unknown, field: string, registry: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw bad(`"${field}" is not true or false`, registry);
  return v;
}

/**
 * Validates a `/v1/search` body: `{num_results, num_pages, page, page_size, query, results: [...]}`.
 * Missing counts and flags default to 0/false (Hub has omitted star counts before); wrong types are errors.
 * `is_automated` is kept as false, as docker's daemon does.
 */
export function parseV1SearchResponse(body: unknown, registry: string): V1SearchPage {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('expected a JSON object', registry);
  const o = body as Record<string, unknown>;
  const rawResults = o.results === null || o.results === undefined ? [] : o.results;
  if (!Array.isArray(rawResults)) throw bad('"results" is not a list', registry);
  const results: SearchResult[] = rawResults.map((r: unknown, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw bad(`result ${i} is not an object`, registry);
    const e = r as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '') throw bad(`result ${i} has no name`, registry);
    if (e.description !== undefined && e.description !== null && typeof e.description !== 'string') {
      throw bad(`result ${i} has a description that is not text`, registry);
    }
    optionalBool(e.is_automated, `results[${i}].is_automated`, registry);
    return {
      name: e.name,
      description: typeof e.description === 'string' ? e.description : '',
      starCount: optionalCount(e.star_count, `results[${i}].star_count`, registry) ?? 0,
      pullCount: optionalCount(e.pull_count, `results[${i}].pull_count`, registry) ?? 0,
      isOfficial: optionalBool(e.is_official, `results[${i}].is_official`, registry),
      isAutomated: false,
    };
  });
  if (o.query !== undefined && o.query !== null && typeof o.query !== 'string') throw bad('"query" is not text', registry);
  return {
    query: typeof o.query === 'string' ? o.query : undefined,
    page: optionalCount(o.page, 'page', registry),
    pageSize: optionalCount(o.page_size, 'page_size', registry),
    numPages: optionalCount(o.num_pages, 'num_pages', registry),
    numResults: optionalCount(o.num_results, 'num_results', registry),
    results,
  };
}

/** True when no page follows `requested` (1-based) given what it returned. */
export function isLastV1Page(p: V1SearchPage, requested: number, pageSize: number): boolean {
  if (p.results.length === 0) return true;
  if (p.numPages !== undefined) return requested >= p.numPages;
  return p.results.length < pageSize;
}

/**
 * True when a server ignored `page` and answered an earlier page again (it reports another page number,
 * or sends the very same names): the page is dropped and the search ends instead of looping.
 */
export function isRepeatedV1Page(p: V1SearchPage, requested: number, previousNames: readonly string[]): boolean {
  if (requested <= 1) return false;
  if (p.page !== undefined && p.page !== requested) return true;
  return previousNames.length === p.results.length && p.results.length > 0 && p.results.every((r, i) => r.name === previousNames[i]);
}
