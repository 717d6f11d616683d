import { formatReference, parseRepository } from '../ref/reference.js';
import { RemoteRepository } from '../registry/remote.js';
import type { ListOptions } from '../registry/listing.js';
import { HubctlError } from '../errors.js';
import type { Client } from './client.js';

export interface TagsResult {
  /** Full repository name: `docker.io/library/centos`. */
  repository: string;
  /** In the order the registry listed them. */
  tags: string[];
}

/** `hubctl tags REPOSITORY`: the registry's tag list for a repository, every Link page of it. */
export async function tags(client: Client, repositoryText: string, options: ListOptions = {}): Promise<TagsResult> {
  const ref = parseRepository(repositoryText);
  const repository = formatReference(ref);
  const remote = new RemoteRepository(client.transport(ref.registry), ref.repository);
  try {
    return { repository, tags: await remote.listTags(options) };
  } catch (e) {
    if (e instanceof HubctlError && e.kind === 'notfound') {
      throw new HubctlError('notfound', e.code, `repository ${repository} not found`, {
        hint: 'check the name (hubctl catalog REGISTRY lists what a registry holds); private repositories need hubctl login',
        cause: e,
      });
    }
    throw e;
  }
}
