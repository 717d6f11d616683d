import { internalError, usageError } from '../errors.js';
import type { HubRequest, HubTransport } from './transport.js';

/** Hub's largest page (`page_size` max 100 in the spec). */
export const MAX_PAGE_SIZE = 100;
const DEFAULT_MAX_PAGES = 10_000;

export interface ListOptions {
  /** Stop after this many items (no further page is fetched). Default: all. */
  limit?: number;
  /** Items per request, 1..100; default min(limit, 100). */
  pageSize?: number;
}

/** One page as a list function reads it. `next` undefined: this was the last page. */
export interface PageOf<T> {
  items: T[];
  count: number | undefined;
  next: string | undefined;
}

/** What `collect` gives: the items, the total the Hub reported (when it did), and whether more exist. */
export interface Collected<T> {
  items: T[];
  total: number | undefined;
  more: boolean;
}

/**
 * A Hub list: an async iterable over its items, fetching pages as it goes. `total` is the count the
 * first page reported; `more` tells, after iteration stopped at `limit`, whether items were left.
 */
export class HubList<T> implements AsyncIterable<T> {
  total: number | undefined;
  more = false;

  constructor(
    private readonly pages: (pageSize: number) => AsyncGenerator<PageOf<T>>,
    private readonly options: ListOptions = {},
  ) {
    checkListOptions(options);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const limit = this.options.limit;
    const pageSize = this.options.pageSize ?? Math.min(limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    let given = 0;
    this.more = false;
    for await (const page of this.pages(pageSize)) {
      this.total ??= page.count;
      for (let i = 0; i < page.items.length; i++) {
        if (limit !== undefined && given >= limit) {
          this.more = true;
          return;
        }
        given++;
        yield page.items[i] as T;
      }
      if (limit !== undefined && given >= limit) {
        this.more = page.next !== undefined || (page.count !== undefined && page.count > given);
        return;
      }
    }
  }

  /** All items (up to `limit`). */
  async collect(): Promise<Collected<T>> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return { items, total: this.total, more: this.more };
  }
}

/** Collects any async iterable, stopping after `limit` items; `more` says whether another item was waiting. */
export async function collect<T>(source: AsyncIterable<T>, limit?: number): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  if (limit !== undefined && limit <= 0) return { items, more: false };
  for await (const item of source) {
    if (limit !== undefined && items.length >= limit) return { items, more: true };
    items.push(item);
  }
  return { items, more: false };
}

function checkListOptions(o: ListOptions): void {
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 1)) {
    throw usageError('INVALID_LIMIT', `invalid limit ${o.limit}: give a whole number of 1 or more`);
  }
  if (o.pageSize !== undefined && (!Number.isInteger(o.pageSize) || o.pageSize < 1 || o.pageSize > MAX_PAGE_SIZE)) {
    throw usageError('INVALID_PAGE_SIZE', `invalid page size ${o.pageSize}: Docker Hub takes 1 to ${MAX_PAGE_SIZE}`);
  }
}

/** Reads a Django-style page `{count, next, previous, results}`. */
export function djangoPage<T>(body: unknown, what: string): PageOf<T> {
  const o = body as { count?: unknown; next?: unknown; results?: unknown } | undefined;
  if (o === undefined || o === null || typeof o !== 'object' || !Array.isArray(o.results)) {
    throw internalError('HUB_INVALID_PAGE', `${what}: Docker Hub sent a page without "results"`, {
      hint: 'try again later; report it if it persists',
    });
  }
  return {
    items: o.results as T[],
    count: typeof o.count === 'number' ? o.count : undefined,
    next: typeof o.next === 'string' && o.next !== '' ? o.next : undefined,
  };
}

/**
 * Pages that follow Hub's `next` links. A link is followed by its path and query on the API's own
 * origin (so a Hub behind a proxy that writes `http://` links still gets https, and a link can never
 * send the bearer token elsewhere); a link seen twice or too many pages end the list with an error.
 */
export function linkedPages<T>(
  transport: HubTransport,
  first: HubRequest,
  read: (body: unknown) => PageOf<T> = (b) => djangoPage<T>(b, first.what),
): (pageSize: number) => AsyncGenerator<PageOf<T>> {
  const maxPages = transport.options.maxPages ?? DEFAULT_MAX_PAGES;
  return async function* (pageSize) {
    let req: HubRequest = { ...first, query: { ...first.query, page_size: pageSize } };
    const seen = new Set<string>();
    for (let n = 1; ; n++) {
      const res = await transport.request(req);
      const page = read(res.body);
      yield page;
      if (page.next === undefined || page.items.length === 0) return;
      let target: URL;
      try {
        const link = new URL(page.next, res.url);
        target = new URL(`${link.pathname}${link.search}`, transport.baseUrl.origin);
      } catch {
        throw internalError('HUB_INVALID_PAGE', `${first.what}: Docker Hub sent an unreadable next link`);
      }
      if (seen.has(target.href) || n >= maxPages) {
        throw internalError('HUB_PAGING_LOOP', `${first.what}: Docker Hub's next links do not end (page ${n})`, {
          hint: 'use a limit, or try again later',
        });
      }
      seen.add(target.href);
      req = { ...first, path: target.href, query: undefined };
    }
  };
}

/**
 * Pages by number for lists whose answers carry no `next` link (audit logs: `{logs}` only): page 1, 2, ...
 * A server may cap the page size below the one asked, so a short first page proves nothing: the list
 * ends at an empty page (or a 404 past the end), or at a page shorter than an earlier one.
 */
export function numberedPages<T>(
  transport: HubTransport,
  first: HubRequest,
  read: (body: unknown) => T[],
): (pageSize: number) => AsyncGenerator<PageOf<T>> {
  const maxPages = transport.options.maxPages ?? DEFAULT_MAX_PAGES;
  return async function* (pageSize) {
    let largest = 0;
    for (let page = 1; page <= maxPages; page++) {
      const res = await transport.request({
        ...first,
        query: { ...first.query, page, page_size: pageSize },
        acceptStatus: page > 1 ? [404] : [],
      });
      const items = res.status === 404 ? [] : read(res.body);
      const last = items.length === 0 || items.length < largest;
      largest = Math.max(largest, items.length);
      yield { items, count: undefined, next: last ? undefined : String(page + 1) };
      if (last) return;
    }
    throw internalError('HUB_PAGING_LOOP', `${first.what}: more than ${maxPages} pages`, { hint: 'narrow the query or use a limit' });
  };
}
