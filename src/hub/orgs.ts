import { internalError, usageError } from '../errors.js';
import { segment } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubInvite, HubInviteResult, HubOrg, HubOrgMember } from './types.js';

export type OrgRole = 'owner' | 'editor' | 'member';
const ROLES: readonly OrgRole[] = ['owner', 'editor', 'member'];

function checkRole(role: string): OrgRole {
  if (!ROLES.includes(role as OrgRole))
    throw usageError('INVALID_HUB_ROLE', `invalid role "${role}"`, { hint: 'give member, editor or owner' });
  return role as OrgRole;
}

/**
 * The organizations the logged-in user belongs to. Undocumented (the spec has no such list):
 * `GET /v2/user/orgs/`, as docker/hub-tool reads it (pkg/hub/organizations.go GetOrganizations).
 */
export function listOrgs(t: HubTransport, o: ListOptions = {}): HubList<HubOrg> {
  return new HubList(
    linkedPages<HubOrg>(t, { method: 'GET', path: 'v2/user/orgs/', what: 'list your organizations', auth: 'required' }),
    o,
  );
}

export interface ListOrgMembersOptions extends ListOptions {
  /** Documented `search` (username, name or email). */
  search?: string;
  role?: OrgRole;
  type?: 'all' | 'invitee' | 'member';
  invites?: boolean;
}

/** `GET /v2/orgs/{org}/members` (documented: one page object per request, see the overlay). */
export function listOrgMembers(t: HubTransport, org: string, o: ListOrgMembersOptions = {}): HubList<HubOrgMember> {
  if (o.role !== undefined) checkRole(o.role);
  return new HubList(
    linkedPages<HubOrgMember>(t, {
      method: 'GET',
      path: `v2/orgs/${segment(org, 'organization')}/members`,
      query: { search: o.search, role: o.role, type: o.type, invites: o.invites },
      what: `list members of ${org}`,
      auth: 'required',
    }),
    o,
  );
}

/** `DELETE /v2/orgs/{org}/members/{username}` (documented): removes the member from the org and all its teams. */
export async function removeOrgMember(t: HubTransport, org: string, username: string): Promise<void> {
  await t.request({
    method: 'DELETE',
    path: `v2/orgs/${segment(org, 'organization')}/members/${segment(username, 'user')}`,
    what: `remove ${username} from ${org}`,
    auth: 'required',
  });
}

/** `PUT /v2/orgs/{org}/members/{username}` `{role}` (documented). */
export async function updateOrgMemberRole(t: HubTransport, org: string, username: string, role: OrgRole): Promise<HubOrgMember> {
  const res = await t.request({
    method: 'PUT',
    path: `v2/orgs/${segment(org, 'organization')}/members/${segment(username, 'user')}`,
    json: { role: checkRole(role) },
    what: `make ${username} ${role} of ${org}`,
    auth: 'required',
  });
  return res.body as HubOrgMember;
}

/** `GET /v2/orgs/{org}/invites` (documented; answers `{data: [...]}`, one list). */
export async function listOrgInvites(t: HubTransport, org: string): Promise<HubInvite[]> {
  const res = await t.request({
    method: 'GET',
    path: `v2/orgs/${segment(org, 'organization')}/invites`,
    what: `list invites of ${org}`,
    auth: 'required',
  });
  const data = (res.body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) throw internalError('HUB_INVALID_ANSWER', `list invites of ${org}: Docker Hub's answer has no "data" list`);
  return data as HubInvite[];
}

export interface InviteOptions {
  /** The team (group) the invitees join; Hub's default when absent. */
  team?: string;
  role?: OrgRole;
  /** Validate only (documented `dry_run`). */
  dryRun?: boolean;
}

/**
 * Invites Docker IDs or email addresses: `POST /v2/invites/bulk {org, team?, role?, invitees, dry_run?}`
 * (documented). The answer has one line per invitee; `status` is `invited` or why not.
 */
export async function inviteToOrg(
  t: HubTransport,
  org: string,
  invitees: readonly string[],
  o: InviteOptions = {},
): Promise<HubInviteResult[]> {
  segment(org, 'organization');
  if (invitees.length === 0) throw usageError('HUB_NO_INVITEES', 'nobody to invite', { hint: 'give Docker IDs or email addresses' });
  for (const who of invitees) if (who.trim() === '' || /\s/.test(who)) throw usageError('HUB_INVALID_INVITEE', `invalid invitee "${who}"`);
  const body: Record<string, unknown> = { org, invitees: [...invitees] };
  if (o.team !== undefined) body.team = o.team;
  if (o.role !== undefined) body.role = checkRole(o.role);
  if (o.dryRun === true) body.dry_run = true;
  const res = await t.request({ method: 'POST', path: 'v2/invites/bulk', json: body, what: `invite to ${org}`, auth: 'required' });
  const list = (res.body as { invitees?: unknown } | undefined)?.invitees;
  if (!Array.isArray(list)) throw internalError('HUB_INVALID_ANSWER', `invite to ${org}: Docker Hub's answer has no "invitees" list`);
  return list as HubInviteResult[];
}

/** `DELETE /v2/invites/{id}` (documented): cancels a pending invite. */
export async function cancelInvite(t: HubTransport, id: string): Promise<void> {
  await t.request({ method: 'DELETE', path: `v2/invites/${segment(id, 'invite id')}`, what: `cancel invite ${id}`, auth: 'required' });
}
