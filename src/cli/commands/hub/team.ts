/** `hubctl hub team ls|members|create|rm|add|remove|grant` (declared in declare-org.ts). */
import type { HubClient } from '../../../hub/client.js';
import { parseHubRepository, parseHubTeam } from '../../../hub/names.js';
import { listLimit, oneOf, type ListFlags } from './args.js';
import { confirmDestructive } from './confirm.js';
import { runEach, summaryError } from './each.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { showList } from './output.js';
import { short, str, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface TeamCreateFlags {
  description?: string;
}

const TEAM_VIEW: View = {
  columns: [
    { header: 'NAME', value: (i) => str(i, 'name') },
    { header: 'DESCRIPTION', value: (i) => short(i, 'description') },
    { header: 'MEMBERS', value: (i) => str(i, 'member_count') },
  ],
  fields: ['id', 'uuid', 'name', 'description', 'member_count'],
};

const TEAM_MEMBER_VIEW: View = {
  columns: [
    { header: 'USERNAME', value: (i) => str(i, 'username') },
    { header: 'FULL NAME', value: (i) => str(i, 'full_name') },
    { header: 'EMAIL', value: (i) => str(i, 'email') },
  ],
  fields: ['id', 'username', 'full_name', 'email', 'type', 'date_joined'],
};

export async function teamLs(rt: HubRuntime, org: string, flags: ListFlags & FormatFlags): Promise<void> {
  const opts = listLimit(flags);
  await withHub(rt, (hub) => showList(rt, hub.listTeams(org, opts), flags.format, TEAM_VIEW, 'teams'));
}

export async function teamMembers(rt: HubRuntime, target: string, flags: ListFlags & FormatFlags): Promise<void> {
  const { org, team } = parseHubTeam(target);
  const opts = listLimit(flags);
  await withHub(rt, (hub) => showList(rt, hub.listTeamMembers(org, team, opts), flags.format, TEAM_MEMBER_VIEW, 'members'));
}

export async function teamCreate(rt: HubRuntime, target: string, flags: TeamCreateFlags): Promise<void> {
  const { org, team } = parseHubTeam(target);
  await withHub(rt, async (hub) => {
    await hub.createTeam(org, team, flags.description !== undefined ? { description: flags.description } : {});
    rt.out.info(`Created team ${org}/${team}`);
    rt.out.data(`${org}/${team}`);
  });
}

export async function teamRm(rt: HubRuntime, target: string, flags: ForceFlags): Promise<void> {
  const { org, team } = parseHubTeam(target);
  await confirmDestructive(rt, `delete the team ${org}/${team} (its members stay in ${org})`, flags.force);
  await withHub(rt, async (hub) => {
    await hub.deleteTeam(org, team);
    rt.out.data(`Deleted: ${org}/${team}`);
  });
}

export async function teamAdd(rt: HubRuntime, target: string, users: string[]): Promise<void> {
  await changeMembers(rt, target, users, 'Added', (hub, org, team, user) => hub.addTeamMember(org, team, user));
}

export async function teamRemove(rt: HubRuntime, target: string, users: string[]): Promise<void> {
  await changeMembers(rt, target, users, 'Removed', (hub, org, team, user) => hub.removeTeamMember(org, team, user));
}

/** One request per user; goes on past a failure and fails at the end (as tag rm does). */
async function changeMembers(
  rt: HubRuntime,
  target: string,
  users: string[],
  verb: string,
  change: (hub: HubClient, org: string, team: string, user: string) => Promise<void>,
): Promise<void> {
  const { org, team } = parseHubTeam(target);
  await withHub(rt, async (hub) => {
    if (users.length === 1) {
      await change(hub, org, team, users[0]!);
      rt.out.data(`${verb}: ${users[0]}`);
      return;
    }
    const failures = await runEach(rt, users, users, (u) => change(hub, org, team, u), verb);
    if (failures.length > 0) throw summaryError(failures, users.length, `users could not be ${verb.toLowerCase()}`);
  });
}

export async function teamGrant(rt: HubRuntime, target: string, repository: string, permission: string): Promise<void> {
  const { org, team } = parseHubTeam(target);
  const { namespace, name } = parseHubRepository(repository);
  const perm = oneOf(permission, ['read', 'write', 'admin'] as const, 'the permission');
  await withHub(rt, async (hub) => {
    await hub.grantTeamRepository(org, team, namespace, name, perm);
    rt.out.info(`Granted ${perm} on ${namespace}/${name} to ${org}/${team}`);
  });
}
