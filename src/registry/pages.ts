import { HubctlError } from '../errors.js';
import { parseNextLink, resolveLink } from '../http/link.js';
import type { RegistryResponse, RegistryTransport } from '../http/types.js';

/** Listing bodies (a page of tags or repositories) are capped at this size. */
export const LIST_BODY_LIMIT = 8 * 1024 * 1024;
/** A listing stops after this many pages unless told otherwise (a registry that never ends). */
export const DEFAULT_MAX_PAGES = 10_000;

export interface LinkPagesOptions {
  scopes: readonly string[];
  /** What is listed, for warnings: `catalog` -> "the catalog of HOST", "a catalog "next" link". */
  noun: string;
  signal?: AbortSignal;
  maxPages?: number;
  /** Non-2xx statuses handed back as a page (with an empty body) instead of thrown; the listing ends there. */
  acceptStatus?: readonly number[];
  onWarning?: (message: string) => void;
  /** Called when the page cap stopped the listing early. */
  onCapped?: () => void;
}

export interface LinkPage {
  /** 1-based request number. */
  page: number;
  status: number;
  /** The body (empty for an accepted non-2xx status). */
  text: string;
}

/**
 * GETs `firstPath`, then each `Link: <...>; rel="next"` (RFC 8288; relative targets resolved against
 * the request URL), as the distribution API paginates `tags/list` and `_catalog`. A link to another
 * origin or back to a page already read ends the listing with a warning, so a broken registry cannot
 * send the client elsewhere or round in circles.
 */
export async function* linkPages(transport: RegistryTransport, firstPath: string, opts: LinkPagesOptions): AsyncGenerator<LinkPage> {
  const registry = transport.registry;
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let path: string | undefined = firstPath;
  for (let page = 1; path !== undefined; page++) {
    if (page > maxPages) {
      opts.onWarning?.(`WARNING: stopped listing the ${opts.noun} of ${registry} after ${maxPages} pages; results may be incomplete`);
      opts.onCapped?.();
      return;
    }
    const current: string = path;
    seen.add(current);
    // an abort comes back from the transport as an 'interrupted' error
    const res: RegistryResponse = await transport.request({
      method: 'GET',
      url: current,
      scopes: opts.scopes,
      headers: { Accept: 'application/json' },
      ...(opts.acceptStatus ? { acceptStatus: opts.acceptStatus } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status < 200 || res.status >= 300) {
      await res.discard().catch(() => undefined);
      yield { page, status: res.status, text: '' };
      return;
    }
    const text = await res.text(LIST_BODY_LIMIT);
    path = nextPath(res, current, await transport.baseUrl(), registry, opts);
    if (path !== undefined && seen.has(path)) {
      opts.onWarning?.(`WARNING: ${registry} sent a ${opts.noun} "next" link that repeats an earlier page; the listing stops there`);
      path = undefined;
    }
    yield { page, status: res.status, text };
  }
}

function nextPath(res: RegistryResponse, current: string, baseUrl: string, registry: string, opts: LinkPagesOptions): string | undefined {
  const next = parseNextLink(res.headers.link as string | string[] | undefined);
  if (next === undefined) return undefined;
  const base = res.url !== '' && res.url !== undefined ? res.url : `${baseUrl}${current}`;
  const url = resolveLink(next, base);
  const baseOrigin = resolveLink('/', base)?.origin;
  if (url === undefined || url.origin !== baseOrigin) {
    opts.onWarning?.(`WARNING: ${registry} sent a ${opts.noun} "next" link to another origin (${next}); the listing stops there`);
    return undefined;
  }
  return url.pathname + url.search;
}

/**
 * Parses `{"<key>": ["a", "b"]}` (null or absent meaning empty, as distribution sends for nothing).
 * `what` names the endpoint in the error (`HOST: /v2/_catalog`).
 */
export function parseNameList(text: string, key: string, what: string, code = 'INVALID_LIST_RESPONSE'): string[] {
  const invalid = (why: string) =>
    new HubctlError('internal', code, `${what} sent an invalid answer: ${why}`, {
      hint: 'the registry does not speak the distribution API here; check the name',
    });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('expected a JSON object');
  const list = (body as Record<string, unknown>)[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((r) => typeof r === 'string')) throw invalid(`"${key}" is not a list of names`);
  return list as string[];
}
