import { formatReference, parseReference } from '../ref/reference.js';
import { RemoteRepository } from '../registry/remote.js';
import { HubctlError, notFoundError, usageError } from '../errors.js';
import type { Client } from './client.js';
import { pull, type PullOptions, type PullResult } from './pull.js';

export interface PullAllTagsResult {
  /** `docker.io/library/busybox`. */
  repository: string;
  pulled: PullResult[];
  /** Tags that could not be pulled (no manifest for this platform, a broken tag...); the others were. */
  failed: { tag: string; error: HubctlError }[];
}

/** Failures of one tag that do not stop the others: the tag's content, not the connection, store or login. */
const perTag = (e: unknown): e is HubctlError => e instanceof HubctlError && (e.kind === 'notfound' || e.kind === 'integrity');

/**
 * `docker pull --all-tags`: every tag the registry lists for the repository (following Link pages),
 * pulled one after another into the store with the same options (platform, all platforms). Like
 * docker, a tag that fails for its own reasons (nothing for this platform, a broken manifest) is
 * reported and the rest are pulled; failures of the registry, the login or the store stop it all.
 */
export async function pullAllTags(client: Client, repoText: string, options: PullOptions = {}): Promise<PullAllTagsResult> {
  const ref = parseReference(repoText, { defaultTag: false });
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw usageError('TAG_WITH_ALL_TAGS', `tag can't be used with --all-tags/-a: ${repoText}`, {
      hint: `name the repository only: hubctl pull -a ${formatReference({ registry: ref.registry, repository: ref.repository })}`,
    });
  }
  const repository = formatReference({ registry: ref.registry, repository: ref.repository });
  const repo = new RemoteRepository(client.transport(ref.registry), ref.repository);
  const tags = await repo.listTags(options.signal ? { signal: options.signal } : {});
  if (tags.length === 0) {
    throw notFoundError('NO_TAGS', `${repository} has no tags`, {
      hint: 'check the name (hubctl search), or log in for a private repository',
    });
  }
  const result: PullAllTagsResult = { repository, pulled: [], failed: [] };
  for (const tag of tags) {
    try {
      result.pulled.push(await pull(client, `${repository}:${tag}`, options));
    } catch (e) {
      if (!perTag(e)) throw e;
      result.failed.push({ tag, error: e });
    }
  }
  return result;
}
