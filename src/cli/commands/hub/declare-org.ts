/** `hubctl hub org|team|token ...` declarations (see declare.ts). */
import type { Command } from 'commander';
import type { HubRuntime } from './session.js';
import type { ListFlags } from './args.js';
import { FORCE, FORMAT, listOptions, type ForceFlags, type FormatFlags } from './declare-common.js';
import type { InviteFlags } from './org.js';
import type { TeamCreateFlags } from './team.js';
import type { TokenCreateFlags } from './token.js';

type ListFormat = ListFlags & FormatFlags;

export function declareOrgCommands(hub: Command, rt: HubRuntime): void {
  const org = hub.command('org').description('Docker Hub organizations and their members');
  listOptions(org.command('ls').alias('list').description('List the organizations you belong to'), 'organizations')
    .option('--format <format>', FORMAT)
    .action(async (o: ListFormat) => (await import('./org.js')).orgLs(rt, o));
  listOptions(org.command('members').description("List an organization's members"), 'members')
    .argument('<org>', 'organization')
    .option('--format <format>', FORMAT)
    .action(async (name: string, o: ListFormat) => (await import('./org.js')).orgMembers(rt, name, o));
  org
    .command('invite')
    .description('Invite users (Docker IDs or email addresses) to an organization')
    .argument('<org>', 'organization')
    .argument('<user-or-email...>', 'Docker IDs or email addresses')
    .option('--team <team>', 'add them to this team when they accept')
    .option('--role <role>', 'member, editor or owner', 'member')
    .action(async (name: string, who: string[], o: InviteFlags) => (await import('./org.js')).orgInvite(rt, name, who, o));
  org
    .command('rm')
    .alias('remove')
    .description('Remove a member from an organization (and all its teams)')
    .argument('<org>', 'organization')
    .argument('<user>', 'Docker ID')
    .option('-f, --force', FORCE)
    .action(async (name: string, user: string, o: ForceFlags) => (await import('./org.js')).orgRm(rt, name, user, o));

  const team = hub.command('team').description("An organization's teams, their members and repository permissions");
  listOptions(team.command('ls').alias('list').description("List an organization's teams"), 'teams')
    .argument('<org>', 'organization')
    .option('--format <format>', FORMAT)
    .action(async (name: string, o: ListFormat) => (await import('./team.js')).teamLs(rt, name, o));
  listOptions(team.command('members').description("List a team's members"), 'members')
    .argument('<team>', 'ORG/TEAM')
    .option('--format <format>', FORMAT)
    .action(async (t: string, o: ListFormat) => (await import('./team.js')).teamMembers(rt, t, o));
  team
    .command('create')
    .description('Create a team')
    .argument('<team>', 'ORG/TEAM')
    .option('--description <text>', 'what the team is for')
    .action(async (t: string, o: TeamCreateFlags) => (await import('./team.js')).teamCreate(rt, t, o));
  team
    .command('rm')
    .alias('delete')
    .description('Delete a team (its members stay in the organization)')
    .argument('<team>', 'ORG/TEAM')
    .option('-f, --force', FORCE)
    .action(async (t: string, o: ForceFlags) => (await import('./team.js')).teamRm(rt, t, o));
  team
    .command('add')
    .description('Add organization members to a team')
    .argument('<team>', 'ORG/TEAM')
    .argument('<user...>', 'Docker IDs')
    .action(async (t: string, users: string[]) => (await import('./team.js')).teamAdd(rt, t, users));
  team
    .command('remove')
    .description('Remove members from a team (they stay in the organization)')
    .argument('<team>', 'ORG/TEAM')
    .argument('<user...>', 'Docker IDs')
    .action(async (t: string, users: string[]) => (await import('./team.js')).teamRemove(rt, t, users));
  team
    .command('grant')
    .description("Give a team read, write or admin permission on a repository (replaces the team's current one)")
    .argument('<team>', 'ORG/TEAM')
    .argument('<repository>', 'NAMESPACE/REPO')
    .argument('<permission>', 'read, write or admin')
    .action(async (t: string, r: string, p: string) => (await import('./team.js')).teamGrant(rt, t, r, p));

  const token = hub.command('token').description('Personal access tokens of the logged-in account');
  listOptions(token.command('ls').alias('list').description('List your access tokens (never their secrets)'), 'tokens')
    .option('--format <format>', FORMAT)
    .action(async (o: ListFormat) => (await import('./token.js')).tokenLs(rt, o));
  token
    .command('show')
    .alias('inspect')
    .description("Show one token's details")
    .argument('<uuid>', "the token's UUID (from hub token ls)")
    .option('--format <format>', FORMAT)
    .action(async (id: string, o: FormatFlags) => (await import('./token.js')).tokenShow(rt, id, o));
  token
    .command('create')
    .description('Create an access token and print it once, alone on stdout')
    .requiredOption('--label <label>', 'what the token is for, e.g. "CI for alice/app"')
    .option('--scope <scope>', 'repo:read, repo:write, repo:admin or repo:public_read (default repo:admin)')
    .option('--expires <date>', 'expiry: 2026-12-31, an RFC 3339 time, or a duration from now like 90d (default: never)')
    .action(async (o: TokenCreateFlags) => (await import('./token.js')).tokenCreate(rt, o));
  for (const [verb, what] of [
    ['enable', 'Enable an access token'],
    ['disable', 'Disable an access token (it stops working until enabled again)'],
  ] as const) {
    token
      .command(verb)
      .description(what)
      .argument('<uuid>', "the token's UUID")
      .action(async (id: string) => (await import('./token.js')).tokenSetActive(rt, id, verb === 'enable'));
  }
  token
    .command('rm')
    .alias('delete')
    .description('Delete an access token')
    .argument('<uuid>', "the token's UUID")
    .option('-f, --force', FORCE)
    .action(async (id: string, o: ForceFlags) => (await import('./token.js')).tokenRm(rt, id, o));
}
