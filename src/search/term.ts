import { usageError } from '../errors.js';

/** Docker Hub as references name it. */
export const HUB_REGISTRY = 'docker.io';
/** The host docker's search talks to for Docker Hub. */
export const HUB_SEARCH_HOST = 'index.docker.io';

export interface SearchTarget {
  /** `docker.io` for Docker Hub, else the registry as written (`localhost:5000`, `[::1]:5000`). */
  registry: string;
  /** Host to ask the transport factory for: `index.docker.io` for Docker Hub. */
  host: string;
  /** The term sent to the registry (`library/` trimmed on Docker Hub). */
  term: string;
  isHub: boolean;
}

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export function isHubRegistry(registry: string): boolean {
  return HUB_ALIASES.has(registry.toLowerCase());
}

/**
 * Splits `[REGISTRY/]TERM` the way docker's splitReposSearchTerm does: the part before the first `/`
 * is a registry when it contains `.` or `:` or is `localhost`; otherwise the whole input is a Docker Hub term.
 * An explicit `registry` wins over one in the term.
 */
export function parseSearchTerm(input: string, registry?: string): SearchTarget {
  const raw = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw usageError('INVALID_SEARCH_TERM', `invalid search term "${raw}": it should not have a scheme`, {
      hint: 'write the registry as host[:port], e.g. hubctl search localhost:5000/myapp',
    });
  }
  let reg = registry?.trim();
  let term = raw;
  if (reg === undefined || reg === '') {
    reg = HUB_REGISTRY;
    const slash = raw.indexOf('/');
    if (slash >= 0) {
      const first = raw.slice(0, slash);
      if (first.includes('.') || first.includes(':') || first === 'localhost') {
        reg = first;
        term = raw.slice(slash + 1);
      }
    }
  }
  if (/\s/.test(reg) || reg.includes('/') || reg === '') {
    throw usageError('INVALID_SEARCH_TERM', `invalid registry "${reg}" in search term`);
  }
  const isHub = isHubRegistry(reg);
  if (isHub) {
    if (term.startsWith('library/')) term = term.slice('library/'.length);
    if (term === '') {
      throw usageError('INVALID_SEARCH_TERM', 'the search term is empty', { hint: 'try e.g. hubctl search centos' });
    }
    return { registry: HUB_REGISTRY, host: HUB_SEARCH_HOST, term, isHub: true };
  }
  // An empty term on a private registry lists every repository of its catalog.
  return { registry: reg, host: reg, term, isHub: false };
}
