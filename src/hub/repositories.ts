import { usageError } from '../errors.js';
import { repoPath, segment, REPOSITORY_NAME } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubRepository, HubRepositorySummary } from './types.js';

export type RepositoryOrdering = 'name' | '-name' | 'last_updated' | '-last_updated' | 'pull_count' | '-pull_count';

export interface ListRepositoriesOptions extends ListOptions {
  /** Documented `ordering` of listNamespaceRepositories. */
  ordering?: RepositoryOrdering;
  /** Documented `name` filter (partial match). */
  name?: string;
}

/** `GET /v2/namespaces/{namespace}/repositories` (documented: listNamespaceRepositories). */
export function listRepositories(t: HubTransport, namespace: string, o: ListRepositoriesOptions = {}): HubList<HubRepositorySummary> {
  const pages = linkedPages<HubRepositorySummary>(t, {
    method: 'GET',
    path: `v2/namespaces/${segment(namespace, 'namespace')}/repositories`,
    query: { ordering: o.ordering, name: o.name },
    what: `list repositories of ${namespace}`,
  });
  return new HubList(pages, o);
}

/** `GET /v2/namespaces/{namespace}/repositories/{repository}` (documented: GetRepository). */
export async function getRepository(t: HubTransport, namespace: string, name: string): Promise<HubRepository> {
  const res = await t.request({
    method: 'GET',
    path: `v2/namespaces/${segment(namespace, 'namespace')}/repositories/${segment(name, 'repository')}`,
    what: `show repository ${namespace}/${name}`,
  });
  return res.body as HubRepository;
}

export interface CreateRepositoryOptions {
  description?: string;
  /** The README (Markdown), `full_description`. */
  fullDescription?: string;
  isPrivate?: boolean;
  /** `registry` of repo_creation_request (the spec's example: docker.io). Omitted unless given. */
  registry?: string;
}

/** Short descriptions are at most 100 characters, READMEs 25000 (repo_creation_request). */
export const MAX_DESCRIPTION = 100;
export const MAX_FULL_DESCRIPTION = 25_000;

function checkDescriptions(o: { description?: string; fullDescription?: string }): void {
  if (o.description !== undefined && o.description.length > MAX_DESCRIPTION) {
    throw usageError(
      'HUB_DESCRIPTION_TOO_LONG',
      `the description has ${o.description.length} characters; Docker Hub takes at most ${MAX_DESCRIPTION}`,
      {
        hint: 'shorten it; put the long text in the README',
      },
    );
  }
  if (o.fullDescription !== undefined && o.fullDescription.length > MAX_FULL_DESCRIPTION) {
    throw usageError(
      'HUB_README_TOO_LONG',
      `the README has ${o.fullDescription.length} characters; Docker Hub takes at most ${MAX_FULL_DESCRIPTION}`,
      {
        hint: 'shorten the README',
      },
    );
  }
}

/** `POST /v2/namespaces/{namespace}/repositories` (documented: CreateRepository). */
export async function createRepository(
  t: HubTransport,
  namespace: string,
  name: string,
  o: CreateRepositoryOptions = {},
): Promise<HubRepository> {
  segment(namespace, 'namespace');
  if (name.length < 2 || name.length > 255 || !REPOSITORY_NAME.test(name)) {
    throw usageError('INVALID_HUB_REPOSITORY', `invalid repository name "${name}"`, {
      hint: 'use 2-255 lowercase letters and digits, separated by single ".", "_" or "-"',
    });
  }
  checkDescriptions(o);
  const body: Record<string, unknown> = { name, namespace };
  if (o.description !== undefined) body.description = o.description;
  if (o.fullDescription !== undefined) body.full_description = o.fullDescription;
  if (o.registry !== undefined) body.registry = o.registry;
  if (o.isPrivate !== undefined) body.is_private = o.isPrivate;
  const res = await t.request({
    method: 'POST',
    path: `v2/namespaces/${segment(namespace, 'namespace')}/repositories`,
    json: body,
    what: `create repository ${namespace}/${name}`,
    auth: 'required',
  });
  return res.body as HubRepository;
}

export interface UpdateRepositoryOptions {
  description?: string;
  fullDescription?: string;
}

/**
 * Sets the short description and/or README. Undocumented: `PATCH /v2/repositories/{ns}/{repo}/`
 * with `{description?, full_description?}`, the trailing slash required, as docker-pushrm
 * (christian-korneck/docker-pushrm provider/dockerhub/dockerhub.go PatchDescription) and
 * docker/terraform-provider-docker (internal/hubclient/client_repository.go UpdateRepository) send it.
 */
export async function updateRepository(
  t: HubTransport,
  namespace: string,
  name: string,
  o: UpdateRepositoryOptions,
): Promise<HubRepository> {
  checkDescriptions(o);
  const body: Record<string, string> = {};
  if (o.description !== undefined) body.description = o.description;
  if (o.fullDescription !== undefined) body.full_description = o.fullDescription;
  if (Object.keys(body).length === 0)
    throw usageError('HUB_NOTHING_TO_UPDATE', `nothing to change on ${namespace}/${name}`, { hint: 'give a description or a README' });
  const res = await t.request({
    method: 'PATCH',
    path: `v2/repositories/${repoPath(namespace, name)}/`,
    json: body,
    what: `update repository ${namespace}/${name}`,
    auth: 'required',
  });
  return res.body as HubRepository;
}

/**
 * Makes a repository private or public. Undocumented: `POST /v2/repositories/{ns}/{repo}/privacy`
 * `{is_private}`, as docker/terraform-provider-docker (internal/hubclient/client_repository.go
 * SetRepositoryPrivacy) sends it; the answer's body is not used (the provider ignores it too).
 */
export async function setRepositoryPrivacy(t: HubTransport, namespace: string, name: string, isPrivate: boolean): Promise<void> {
  await t.request({
    method: 'POST',
    path: `v2/repositories/${repoPath(namespace, name)}/privacy`,
    json: { is_private: isPrivate },
    what: `make repository ${namespace}/${name} ${isPrivate ? 'private' : 'public'}`,
    auth: 'required',
  });
}

/**
 * Deletes a repository and all its tags. Undocumented: `DELETE /v2/repositories/{ns}/{repo}/`, as
 * docker/hub-tool (pkg/hub/repositories.go RemoveRepository) and docker/terraform-provider-docker
 * (internal/hubclient/client_repository.go DeleteRepository) send it.
 */
export async function deleteRepository(t: HubTransport, namespace: string, name: string): Promise<void> {
  await t.request({
    method: 'DELETE',
    path: `v2/repositories/${repoPath(namespace, name)}/`,
    what: `delete repository ${namespace}/${name}`,
    auth: 'required',
  });
}
