import { usageError } from '../errors.js';
import { repoPath, segment } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubRepositoryPermission, HubRepositoryTeamPermission, HubTeam, HubTeamMember } from './types.js';

const teamPath = (org: string, team: string) => `v2/orgs/${segment(org, 'organization')}/groups/${segment(team, 'team')}`;

export interface ListTeamsOptions extends ListOptions {
  /** Documented `username`: only the teams this user is in. */
  username?: string;
  /** Documented `search` on team names. */
  search?: string;
}

/** `GET /v2/orgs/{org}/groups` (documented). */
export function listTeams(t: HubTransport, org: string, o: ListTeamsOptions = {}): HubList<HubTeam> {
  return new HubList(
    linkedPages<HubTeam>(t, {
      method: 'GET',
      path: `v2/orgs/${segment(org, 'organization')}/groups`,
      query: { username: o.username, search: o.search },
      what: `list teams of ${org}`,
      auth: 'required',
    }),
    o,
  );
}

/** `GET /v2/orgs/{org}/groups/{team}` (documented). */
export async function getTeam(t: HubTransport, org: string, team: string): Promise<HubTeam> {
  return (await t.request({ method: 'GET', path: teamPath(org, team), what: `show team ${org}/${team}`, auth: 'required' }))
    .body as HubTeam;
}

/** `POST /v2/orgs/{org}/groups {name, description?}` (documented). */
export async function createTeam(t: HubTransport, org: string, name: string, o: { description?: string } = {}): Promise<HubTeam> {
  segment(name, 'team');
  const json: Record<string, string> = { name };
  if (o.description !== undefined) json.description = o.description;
  const res = await t.request({
    method: 'POST',
    path: `v2/orgs/${segment(org, 'organization')}/groups`,
    json,
    what: `create team ${org}/${name}`,
    auth: 'required',
  });
  return res.body as HubTeam;
}

/** `DELETE /v2/orgs/{org}/groups/{team}` (documented). */
export async function deleteTeam(t: HubTransport, org: string, team: string): Promise<void> {
  await t.request({ method: 'DELETE', path: teamPath(org, team), what: `delete team ${org}/${team}`, auth: 'required' });
}

/** `GET /v2/orgs/{org}/groups/{team}/members` (documented). */
export function listTeamMembers(
  t: HubTransport,
  org: string,
  team: string,
  o: ListOptions & { search?: string } = {},
): HubList<HubTeamMember> {
  return new HubList(
    linkedPages<HubTeamMember>(t, {
      method: 'GET',
      path: `${teamPath(org, team)}/members`,
      query: { search: o.search },
      what: `list members of team ${org}/${team}`,
      auth: 'required',
    }),
    o,
  );
}

/** `POST /v2/orgs/{org}/groups/{team}/members {member}` (documented). */
export async function addTeamMember(t: HubTransport, org: string, team: string, username: string): Promise<void> {
  segment(username, 'user');
  await t.request({
    method: 'POST',
    path: `${teamPath(org, team)}/members`,
    json: { member: username },
    what: `add ${username} to team ${org}/${team}`,
    auth: 'required',
  });
}

/** `DELETE /v2/orgs/{org}/groups/{team}/members/{username}` (documented). */
export async function removeTeamMember(t: HubTransport, org: string, team: string, username: string): Promise<void> {
  await t.request({
    method: 'DELETE',
    path: `${teamPath(org, team)}/members/${segment(username, 'user')}`,
    what: `remove ${username} from team ${org}/${team}`,
    auth: 'required',
  });
}

const PERMISSIONS: readonly HubRepositoryPermission[] = ['read', 'write', 'admin'];

/**
 * Gives a team a permission on a repository of its organization: the team's id from
 * `GET /v2/orgs/{org}/groups/{team}`, then `POST /v2/repositories/{ns}/{repo}/groups {group_id, permission}`
 * (documented: CreateRepositoryGroup).
 */
export async function grantTeamRepository(
  t: HubTransport,
  org: string,
  team: string,
  namespace: string,
  name: string,
  permission: HubRepositoryPermission,
): Promise<HubRepositoryTeamPermission> {
  if (!PERMISSIONS.includes(permission)) {
    throw usageError('INVALID_HUB_PERMISSION', `invalid permission "${permission}"`, { hint: 'give read, write or admin' });
  }
  const path = `v2/repositories/${repoPath(namespace, name)}/groups`;
  const { id } = await getTeam(t, org, team);
  const res = await t.request({
    method: 'POST',
    path,
    json: { group_id: id, permission },
    what: `give team ${org}/${team} ${permission} access to ${namespace}/${name}`,
    auth: 'required',
  });
  return res.body as HubRepositoryTeamPermission;
}
