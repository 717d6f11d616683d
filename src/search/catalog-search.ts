import { HubctlError } from '../errors.js';
import { interruptedOrRethrow } from './abort.js';
import type { RegistryResponse, RegistryTransport } from '../http/types.js';
import { parseNextLink, resolveLink } from './link.js';
import { SEARCH_BODY_LIMIT, type SearchResult } from './types.js';

export const CATALOG_SCOPES: readonly string[] = ['registry:catalog:*'];
/** Statuses meaning the registry has no (enabled) catalog. */
export const CATALOG_UNSUPPORTED_STATUSES: readonly number[] = [400, 404, 405, 410, 501];
export const CATALOG_PAGE_SIZE = 100;

export interface CatalogPage {
  /** 1-based request number. */
  page: number;
  repositories: string[];
}

export interface CatalogOptions {
  signal?: AbortSignal;
  maxPages: number;
  pageSize?: number;
  onWarning?: (message: string) => void;
  /** Set to true when the page cap stopped the listing early. */
  onCapped?: () => void;
}

export function catalogUnsupported(registry: string): HubctlError {
  return new HubctlError(
    'notfound',
    'SEARCH_UNSUPPORTED',
    `${registry} does not support search: it answers neither /v1/search nor /v2/_catalog`,
    {
      hint: `search works on Docker Hub and on registries with a search API or an enabled catalog; pull by name instead (hubctl pull ${registry}/REPOSITORY)`,
      details: { registry },
    },
  );
}

function bad(registry: string, why: string): HubctlError {
  return new HubctlError('internal', 'INVALID_CATALOG_RESPONSE', `${registry}: /v2/_catalog sent an invalid answer: ${why}`, {
    details: { registry },
  });
}

/** Validates `{"repositories": [...]}` (null meaning empty, as distribution sends for an empty registry). */
export function parseCatalogBody(text: string, registry: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad(registry, 'not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad(registry, 'expected a JSON object');
  const repos = (body as { repositories?: unknown }).repositories;
  if (repos === undefined || repos === null) return [];
  if (!Array.isArray(repos) || !repos.every((r) => typeof r === 'string')) throw bad(registry, '"repositories" is not a list of names');
  return repos as string[];
}

/**
 * Lists a registry's catalog: `GET /v2/_catalog?n=100`, then each `Link: <…>; rel="next"` (relative
 * targets resolved against the request URL), with the `registry:catalog:*` scope. Throws SEARCH_UNSUPPORTED
 * when the first request says the catalog is not there.
 */
export async function* catalogPages(transport: RegistryTransport, opts: CatalogOptions): AsyncGenerator<CatalogPage, void, void> {
  const registry = transport.registry;
  let path: string | undefined = `/v2/_catalog?n=${opts.pageSize ?? CATALOG_PAGE_SIZE}`;
  const seen = new Set<string>();
  for (let page = 1; path !== undefined; page++) {
    if (page > opts.maxPages) {
      opts.onWarning?.(`stopped listing the catalog of ${registry} after ${opts.maxPages} pages; results may be incomplete`);
      opts.onCapped?.();
      return;
    }
    const current: string = path;
    seen.add(current);
    let res: RegistryResponse;
    try {
      res = await transport.request({
        method: 'GET',
        url: current,
        scopes: CATALOG_SCOPES,
        headers: { Accept: 'application/json' },
        acceptStatus: CATALOG_UNSUPPORTED_STATUSES,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      throw interruptedOrRethrow(e, opts.signal);
    }
    if (res.status < 200 || res.status >= 300) {
      await res.discard().catch(() => undefined);
      if (page === 1) throw catalogUnsupported(registry);
      throw new HubctlError('notfound', 'CATALOG_PAGE_FAILED', `${registry}: catalog page ${page} answered ${res.status}`, {
        details: { status: res.status },
      });
    }
    const repositories = parseCatalogBody(await res.text(SEARCH_BODY_LIMIT), registry);
    const next = parseNextLink(res.header('link'));
    path = undefined;
    if (next !== undefined) {
      const base = res.url !== '' && res.url !== undefined ? res.url : `${await transport.baseUrl()}${current}`;
      const url = resolveLink(next, base);
      const baseOrigin = resolveLink('/', base)?.origin;
      if (url === undefined || url.origin !== baseOrigin) {
        opts.onWarning?.(`${registry} sent a catalog "next" link to another origin (${next}); the listing stops there`);
      } else if (seen.has(url.pathname + url.search)) {
        opts.onWarning?.(`${registry} sent a catalog "next" link that repeats an earlier page; the listing stops there`);
      } else {
        path = url.pathname + url.search;
      }
    }
    yield { page, repositories };
  }
}

/** podman's rule: a repository matches when its name contains the term (case-insensitive here). */
export function catalogMatches(repository: string, term: string): boolean {
  return repository.toLowerCase().includes(term.toLowerCase());
}

/** A catalog hit as a search result: named with its registry, no description, stars or badges. */
export function catalogResult(registry: string, repository: string): SearchResult {
  return { name: `${registry}/${repository}`, description: '', starCount: 0, pullCount: 0, isOfficial: false, isAutomated: false };
}
