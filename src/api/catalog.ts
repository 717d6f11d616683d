import { listCatalog, type ListOptions } from '../registry/listing.js';
import { HubctlError } from '../errors.js';
import { resolveServer } from './login.js';
import type { Client } from './client.js';

export interface CatalogResult {
  /** The registry as references name it (`localhost:5000`). */
  registry: string;
  repositories: string[];
}

/**
 * `hubctl catalog REGISTRY`: the repositories a registry lists in `/v2/_catalog`, every Link page up to
 * `limit` names. Docker Hub and many hosted registries have no catalog: that is a not-found error.
 */
export async function catalog(client: Client, registryText: string, options: ListOptions = {}): Promise<CatalogResult> {
  const { registry } = resolveServer(registryText);
  try {
    return { registry, repositories: await listCatalog(client.transport(registry), options) };
  } catch (e) {
    if (e instanceof HubctlError && (e.kind === 'notfound' || e.details?.status === 405)) {
      throw new HubctlError(
        'notfound',
        'CATALOG_UNSUPPORTED',
        `${registry} has no catalog (/v2/_catalog answered ${String(e.details?.status ?? 404)})`,
        {
          hint:
            registry === 'docker.io'
              ? 'Docker Hub has no catalog; use hubctl search TERM'
              : 'the registry does not list its repositories; ask its operator, or use hubctl search',
          cause: e,
        },
      );
    }
    throw e;
  }
}
