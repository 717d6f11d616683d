import { searchImages } from '../search/search.js';
import type { SearchOptions, SearchOutcome } from '../search/types.js';
import type { Client } from './client.js';

export type SearchApiOptions = Omit<SearchOptions, 'term' | 'transport' | 'transportFactory'>;

/**
 * `hubctl search TERM` as the library offers it: Docker Hub's search, or another registry's
 * (`host:port/TERM`) through the client's transports (its credentials, TLS and proxy settings).
 */
export function search(client: Client, term: string, options: SearchApiOptions = {}): Promise<SearchOutcome> {
  return searchImages({ ...options, term, transportFactory: (host) => client.transport(host) });
}
