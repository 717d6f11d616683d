/** `hubctl hub org ...` and `hubctl hub team ...` through the binary against the Hub emulator. */
import { beforeAll, describe, expect, it } from 'vitest';
import { hubSuite, jsonLines } from './hub-fixture.js';

const hub = hubSuite({ maxPageSize: 3 });
const org = () => hub.emu.state.orgs.get('acme')!;

beforeAll(() => {
  const s = hub.emu.state;
  for (let i = 0; i < 5; i++) {
    s.addUser(`member${i}`, 'pw');
    org().members.set(`member${i}`, 'member');
  }
  s.addOrg('zeta', { owners: ['alice'] });
  s.addTeam('acme', 'devs', { description: 'developers', members: ['bob'] });
  s.addRepository('acme/web');
});

describe('hub org', () => {
  it('ls: the organizations of the logged-in user', async () => {
    const r = await hub.run(['org', 'ls']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+COMPANY\s+LOCATION\nacme\s+Acme Inc\s*\nzeta\s/);
    expect((await hub.run(['org', 'ls', '--format', '{{.orgname}}'])).stdout).toBe('acme\nzeta\n');
  });

  it('members: every page, with roles and teams; json keeps the API fields', async () => {
    const r = await hub.run(['org', 'members', 'acme']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+FULL NAME\s+ROLE\s+TEAMS\s+EMAIL$/);
    expect(lines).toHaveLength(1 + 7);
    expect(lines.find((l) => l.startsWith('alice'))).toMatch(/^alice\s+Alice A\s+Owner\s+owners\s+/);
    const j = jsonLines((await hub.run(['org', 'members', 'acme', '--format', 'json'])).stdout);
    expect(j.find((m) => m.username === 'bob')).toMatchObject({ username: 'bob', role: 'Member' });
    expect((await hub.run(['org', 'members', 'acme', '--limit', '2', '--format', '{{.username}}'])).stdout.split('\n')).toHaveLength(3);
  });

  it('invite: one line per invitee; a refused one makes the exit non-zero', async () => {
    const r = await hub.run(['org', 'invite', 'acme', 'dave', 'new@example.com', '--team', 'devs', '--role', 'member']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Invited: dave\nInvited: new@example.com\n');
    expect(org().invites.map((i) => [i.invitee, i.team])).toEqual([
      ['dave', 'devs'],
      ['new@example.com', 'devs'],
    ]);
    const again = await hub.run(['org', 'invite', 'acme', 'bob']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^Error: bob: \w+/);
    const role = await hub.run(['org', 'invite', 'acme', 'x', '--role', 'boss']);
    expect(role.code).toBe(2);
    expect(role.stderr).toBe('Error: --role must be one of member, editor, owner, not "boss"\n');
  });

  it('rm: refused off a terminal without -f; removes with -f', async () => {
    const refused = await hub.run(['org', 'rm', 'acme', 'member4']);
    expect(refused.code).toBe(2);
    expect(hub.emu.log).toEqual([]);
    const r = await hub.run(['org', 'rm', 'acme', 'member4', '-f']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Removed: member4\n');
    expect(org().members.has('member4')).toBe(false);
  });

  it('bob (a member) cannot remove alice: exit 3', async () => {
    const r = await hub.run(['org', 'rm', 'acme', 'alice', '-f'], { HUBCTL_HUB_USERNAME: 'bob', HUBCTL_HUB_TOKEN: 'bob-password' });
    expect(r.code).toBe(3);
    expect(org().members.has('alice')).toBe(true);
  });
});

describe('hub team', () => {
  it('create with a description, add members, list, grant write on a repository', async () => {
    const c = await hub.run(['team', 'create', 'acme/ci', '--description', 'CI robots']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe('acme/ci\n');
    const add = await hub.run(['team', 'add', 'acme/ci', 'member0', 'member1']);
    expect(add.code).toBe(0);
    expect(add.stdout).toBe('Added: member0\nAdded: member1\n');
    expect([...org().teams.get('ci')!.members].sort()).toEqual(['member0', 'member1']);

    const ls = await hub.run(['team', 'ls', 'acme']);
    expect(ls.stdout).toMatch(/\nci\s+CI robots\s+2\n/);
    expect((await hub.run(['team', 'members', 'acme/ci', '--format', '{{.username}}'])).stdout).toBe('member0\nmember1\n');

    const g = await hub.run(['team', 'grant', 'acme/ci', 'acme/web', 'write']);
    expect(g.code).toBe(0);
    expect(g.stderr).toBe('Granted write on acme/web to acme/ci\n');
    const team = org().teams.get('ci')!;
    expect(hub.emu.state.repos.get('acme/web')!.teamPermissions.get(team.id)).toBe('write');
    const bad = await hub.run(['team', 'grant', 'acme/ci', 'acme/web', 'owner']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Error: the permission must be one of read, write, admin, not "owner"\n');
  });

  it('remove members; one that is not there fails at the end, the rest are removed', async () => {
    hub.emu.state.addTeam('acme', 'tmp', { members: ['member2', 'member3'] });
    const r = await hub.run(['team', 'remove', 'acme/tmp', 'member2', 'nobody', 'member3']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('Removed: member2\nRemoved: member3\n');
    expect(r.stderr).toContain('Error: 1 of 3 users could not be removed (see above)');
    expect([...org().teams.get('tmp')!.members]).toEqual([]);
  });

  it('rm: refused off a terminal without -f; deletes with -f; a bad ORG/TEAM is a usage error', async () => {
    hub.emu.state.addTeam('acme', 'old');
    expect((await hub.run(['team', 'rm', 'acme/old'])).code).toBe(2);
    expect(org().teams.has('old')).toBe(true);
    const r = await hub.run(['team', 'rm', 'acme/old', '-f']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Deleted: acme/old\n');
    expect(org().teams.has('old')).toBe(false);
    const sent = hub.emu.log.length;
    const bad = await hub.run(['team', 'create', 'acme']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected ORG/TEAM');
    expect(hub.emu.log).toHaveLength(sent);
  });
});
