import type { RegistryTransport } from '../http/types.js';

/** One search hit, as hubctl reports it (docker's SearchResult, camel-cased). */
export interface SearchResult {
  /**
   * Repository name as the search endpoint sends it (Docker Hub: `nginx`, `bitnami/nginx`); catalog
   * results carry their registry (`localhost:5000/team/app`, as podman shows them) so they can be pulled as shown.
   */
  name: string;
  description: string;
  starCount: number;
  pullCount: number;
  isOfficial: boolean;
  /**
   * Always false, as docker does since Hub stopped reporting automated builds reliably
   * ("is_automated" is deprecated and untrustworthy in Hub answers).
   */
  isAutomated: boolean;
}

/** Where the results came from: Docker Hub style `/v1/search`, or the `/v2/_catalog` fallback. */
export type SearchSource = 'v1-search' | 'catalog';

/** One fetched page, after filtering. */
export interface SearchPage {
  source: SearchSource;
  /** 1-based page number of the request that produced this page. */
  page: number;
  /** Rows of this page that passed the filters (not cut to the limit). */
  results: SearchResult[];
  /** Rows on the page before filtering. */
  fetched: number;
  /** `num_results` / `num_pages` from `/v1/search`, when the endpoint reports them. */
  totalResults?: number;
  totalPages?: number;
}

/** Validated `--filter` values. Several filters all apply. */
export interface SearchFilters {
  /** Minimum star count (the largest of several `stars=` filters, as docker does). */
  minStars?: number;
  isOfficial?: boolean;
  isAutomated?: boolean;
}

export type TransportFactory = (registryHost: string) => RegistryTransport;

export interface SearchOptions {
  /**
   * Gives a transport for a host. For `docker.io` search asks for `index.docker.io` (the host docker's
   * search uses), for other registries the registry as written (`localhost:5000`). Search never closes
   * transports: whoever makes them closes them.
   */
  transportFactory?: TransportFactory;
  /** A ready transport; used for every request (tests, or a caller that knows the host). */
  transport?: RegistryTransport;
  /**
   * Registry to search. When absent it is taken from the term (`host:port/TERM`), else `docker.io`.
   * `index.docker.io` and `docker.io` both mean Docker Hub.
   */
  registry?: string;
  /** The search term; `REGISTRY/TERM` is split when `registry` is not given. */
  term: string;
  /** Number of rows wanted (1..MAX_SEARCH_LIMIT, default 25). */
  limit?: number;
  filters?: SearchFilters;
  signal?: AbortSignal;
  /** `auto` (default): `/v1/search`, falling back to the catalog on other registries; or force one. */
  method?: 'auto' | SearchSource;
  /** Cap on requests (pages) in one search; default 50 for `/v1/search`, 1000 for the catalog. */
  maxPages?: number;
  /** Receives warnings for people (stderr): deprecated filters, page caps, odd Link headers. */
  onWarning?: (message: string) => void;
  /** Called when the page cap stops a search before its results ended. */
  onCapped?: () => void;
  /** Called after each page with the rows kept so far (the CLI's spinner shows it). */
  onPage?: (page: SearchPage, kept: number) => void;
}

export interface SearchOutcome {
  results: SearchResult[];
  source: SearchSource | undefined;
  /** Warnings for stderr, in order. */
  warnings: string[];
  /** True when the search stopped at the page cap before the results ended. */
  capped: boolean;
}

export const DEFAULT_SEARCH_LIMIT = 25;
/**
 * Upper bound on `--limit`. Docker allows 1..100 (one request); hubctl pages, so it allows more,
 * bounded so a search stays a handful of requests (10 pages of 100 on Docker Hub).
 */
export const MAX_SEARCH_LIMIT = 1000;
/** Docker Hub's `n` range per request. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_MAX_HUB_PAGES = 50;
export const DEFAULT_MAX_CATALOG_PAGES = 1000;
/** Cap on one JSON body from a search or catalog endpoint. */
export const SEARCH_BODY_LIMIT = 8 * 1024 * 1024;
