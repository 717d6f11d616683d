import type { RegistryTransport } from '../http/types.js';
import { linkPages, parseNameList } from './pages.js';
import { CATALOG_SCOPE, pullScope } from './scopes.js';

export interface ListOptions {
  /** Names asked for per page (`n=`); the registry's default when absent. */
  pageSize?: number;
  /** Stop after this many names in all. */
  limit?: number;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

/**
 * A repository's tags as the registry lists them (`GET /v2/<name>/tags/list`), following Link pages.
 * Without `pageSize` no `n` is sent: some registries refuse large values (ECR: over 1000) and
 * distribution ignores it for tags.
 */
export function listTags(transport: RegistryTransport, repository: string, options: ListOptions = {}): Promise<string[]> {
  const query = options.pageSize === undefined ? '' : `?n=${options.pageSize}`;
  return collect(transport, `/v2/${repository}/tags/list${query}`, 'tags', 'tag list', [pullScope(repository)], options);
}

/** The registry's repositories (`GET /v2/_catalog?n=`), following Link pages; scope `registry:catalog:*`. */
export function listCatalog(transport: RegistryTransport, options: ListOptions = {}): Promise<string[]> {
  const n = options.pageSize ?? Math.min(options.limit ?? 100, 100);
  return collect(transport, `/v2/_catalog?n=${n}`, 'repositories', 'catalog', [CATALOG_SCOPE], options);
}

async function collect(
  transport: RegistryTransport,
  path: string,
  key: string,
  noun: string,
  scopes: readonly string[],
  options: ListOptions,
): Promise<string[]> {
  const out: string[] = [];
  const pages = linkPages(transport, path, {
    scopes,
    noun,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  for await (const page of pages) {
    for (const name of parseNameList(page.text, key, `${transport.registry}: ${path.split('?')[0]}`)) {
      out.push(name);
      if (options.limit !== undefined && out.length >= options.limit) return out;
    }
  }
  return out;
}
