import { usageError } from '../errors.js';
import { repoPath, segment, TAG_NAME } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubTag } from './types.js';

/**
 * Hub's tag orderings as docker/hub-tool sends them (internal/commands/tag/list.go mapOrdering): Hub reads
 * them the other way round from Django's convention: `last_updated` lists the newest first,
 * `-last_updated` the oldest first, `-name` is A to Z and `name` Z to A.
 */
export type TagOrdering = 'last_updated' | '-last_updated' | 'name' | '-name';

/** The ordering for a sort the way people say it: `updated` newest first by default, `name` A to Z. */
export function tagOrdering(by: 'updated' | 'name', direction: 'asc' | 'desc' = by === 'updated' ? 'desc' : 'asc'): TagOrdering {
  // hub-tool: updated asc = "last_updated" (its default, newest first), name asc = "-name"
  if (by === 'updated') return direction === 'desc' ? 'last_updated' : '-last_updated';
  return direction === 'asc' ? '-name' : 'name';
}

export interface ListTagsOptions extends ListOptions {
  ordering?: TagOrdering;
}

/**
 * Lists tags. Without an ordering: `GET /v2/namespaces/{ns}/repositories/{repo}/tags` (documented:
 * ListRepositoryTags, which takes no ordering; Hub lists the newest first). With one: the undocumented
 * `GET /v2/repositories/{ns}/{repo}/tags/?ordering=` that docker/hub-tool uses (pkg/hub/tags.go GetTags
 * with WithSortingOrder).
 */
export function listTags(t: HubTransport, namespace: string, name: string, o: ListTagsOptions = {}): HubList<HubTag> {
  const pages = linkedPages<HubTag>(
    t,
    o.ordering === undefined
      ? {
          method: 'GET',
          path: `v2/namespaces/${segment(namespace, 'namespace')}/repositories/${segment(name, 'repository')}/tags`,
          what: `list tags of ${namespace}/${name}`,
        }
      : {
          method: 'GET',
          path: `v2/repositories/${repoPath(namespace, name)}/tags/`,
          query: { ordering: o.ordering },
          what: `list tags of ${namespace}/${name}`,
        },
  );
  return new HubList(pages, o);
}

function tagSegment(tag: string): string {
  if (!TAG_NAME.test(tag))
    throw usageError('INVALID_HUB_TAG', `invalid tag "${tag}"`, { hint: 'tags are up to 128 letters, digits, "_", "." and "-"' });
  return encodeURIComponent(tag);
}

/** `GET /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}` (documented: GetRepositoryTag). */
export async function getTag(t: HubTransport, namespace: string, name: string, tag: string): Promise<HubTag> {
  const res = await t.request({
    method: 'GET',
    path: `v2/namespaces/${segment(namespace, 'namespace')}/repositories/${segment(name, 'repository')}/tags/${tagSegment(tag)}`,
    what: `show tag ${namespace}/${name}:${tag}`,
  });
  return res.body as HubTag;
}

/**
 * Deletes a tag. Undocumented: `DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/`, as docker/hub-tool
 * sends it (pkg/hub/tags.go RemoveTag, DeleteTagURL).
 */
export async function deleteTag(t: HubTransport, namespace: string, name: string, tag: string): Promise<void> {
  await t.request({
    method: 'DELETE',
    path: `v2/repositories/${repoPath(namespace, name)}/tags/${tagSegment(tag)}/`,
    what: `delete tag ${namespace}/${name}:${tag}`,
    auth: 'required',
  });
}
