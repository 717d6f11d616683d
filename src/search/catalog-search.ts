import { HubctlError } from '../errors.js';
import { interruptedOrRethrow } from './abort.js';
import type { RegistryTransport } from '../http/types.js';
import { linkPages, parseNameList, type LinkPage } from '../registry/pages.js';
import type { SearchResult } from './types.js';

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

/** Validates `{"repositories": [...]}` (null meaning empty, as distribution sends for an empty registry). */
export function parseCatalogBody(text: string, registry: string): string[] {
  return parseNameList(text, 'repositories', `${registry}: /v2/_catalog`, 'INVALID_CATALOG_RESPONSE');
}

/**
 * Lists a registry's catalog: `GET /v2/_catalog?n=100`, then each `Link: <…>; rel="next"` (see
 * linkPages in src/registry), with the `registry:catalog:*` scope. Throws SEARCH_UNSUPPORTED when the
 * first request says the catalog is not there.
 */
export async function* catalogPages(transport: RegistryTransport, opts: CatalogOptions): AsyncGenerator<CatalogPage, void, void> {
  const registry = transport.registry;
  const pages = linkPages(transport, `/v2/_catalog?n=${opts.pageSize ?? CATALOG_PAGE_SIZE}`, {
    scopes: CATALOG_SCOPES,
    noun: 'catalog',
    maxPages: opts.maxPages,
    acceptStatus: CATALOG_UNSUPPORTED_STATUSES,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    ...(opts.onCapped ? { onCapped: opts.onCapped } : {}),
  });
  while (true) {
    let next: IteratorResult<LinkPage>;
    try {
      next = await pages.next();
    } catch (e) {
      throw interruptedOrRethrow(e, opts.signal);
    }
    if (next.done) return;
    const { page, status, text } = next.value;
    if (status < 200 || status >= 300) {
      if (page === 1) throw catalogUnsupported(registry);
      throw new HubctlError('notfound', 'CATALOG_PAGE_FAILED', `${registry}: catalog page ${page} answered ${status}`, {
        details: { status },
      });
    }
    yield { page, repositories: parseCatalogBody(text, registry) };
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
