import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

let emu: HubEmulator;
beforeAll(async () => {
  emu = await startSeededHub({ maxPageSize: 2 });
  for (const u of ['dave', 'erin', 'frank', 'gina']) emu.state.addUser(u, `${u}-password`);
  emu.state.addOrg('globex', { owners: ['bob'], members: { alice: 'member' } });
  emu.state.addOrg('initech', { owners: ['alice'] });
  for (const u of ['dave', 'erin', 'frank']) emu.state.orgs.get('acme')?.members.set(u, 'member');
  emu.state.addTeam('acme', 'developers', { description: 'devs', members: ['bob', 'dave'] });
  emu.state.addRepository('acme/api', { private: true });
});
afterAll(async () => emu.stop());
afterEach(() => expectNoViolations(emu));

describe('organizations', () => {
  it("lists the user's organizations across pages", async () => {
    const hub = hubClient(emu, 'alice');
    const got = await hub.listOrgs().collect();
    expect(got.items.map((o) => o.orgname)).toEqual(['acme', 'globex', 'initech']);
    expect(emu.requests('GET', '/v2/user/orgs/').length).toBe(2);
    await hub.close();
  });

  it('lists members (one page object per request) with roles and teams', async () => {
    const hub = hubClient(emu, 'alice');
    const got = await hub.listOrgMembers('acme').collect();
    expect(got.items.map((m) => m.username)).toEqual(['alice', 'bob', 'dave', 'erin', 'frank']);
    expect(got.items.find((m) => m.username === 'alice')).toMatchObject({ role: 'Owner', groups: ['owners'] });
    expect(got.items.find((m) => m.username === 'bob')).toMatchObject({ role: 'Member', groups: ['developers'] });
    const owners = await hub.listOrgMembers('acme', { role: 'owner' }).collect();
    expect(owners.items.map((m) => m.username)).toEqual(['alice']);
    const search = await hub.listOrgMembers('acme', { search: 'er' }).collect();
    expect(search.items.map((m) => m.username)).toEqual(['erin']);
    await hub.close();
  });

  it('invites by Docker ID and email with a team and a role, and lists the invites', async () => {
    const hub = hubClient(emu, 'alice');
    const res = await hub.inviteToOrg('acme', ['gina', 'new@example.test', 'bob', 'no_such_user'], { team: 'developers', role: 'editor' });
    expect(res.map((r) => [r.invitee, r.status])).toEqual([
      ['gina', 'invited'],
      ['new@example.test', 'invited'],
      ['bob', 'existing_org_member'],
      ['no_such_user', 'invalid_email_or_docker_id'],
    ]);
    expect(emu.requests('POST', '/v2/invites/bulk')[0]?.body).toEqual({
      org: 'acme',
      team: 'developers',
      role: 'editor',
      invitees: ['gina', 'new@example.test', 'bob', 'no_such_user'],
    });
    const invites = await hub.listOrgInvites('acme');
    expect(invites.map((i) => i.invitee)).toEqual(['gina', 'new@example.test']);
    await hub.cancelInvite(invites[1]?.id ?? '');
    expect((await hub.listOrgInvites('acme')).length).toBe(1);
    const dry = await hub.inviteToOrg('acme', ['frank2@example.test'], { dryRun: true });
    expect(dry[0]?.status).toBe('invited');
    expect((await hub.listOrgInvites('acme')).length).toBe(1);
    await expect(hub.inviteToOrg('acme', [], {})).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.inviteToOrg('acme', ['x'], { role: 'king' as never })).rejects.toMatchObject({ kind: 'usage' });
    await hub.close();
  });

  it('removes a member and changes a role; members may not', async () => {
    const hub = hubClient(emu, 'alice');
    await hub.removeOrgMember('acme', 'frank');
    expect(emu.state.orgs.get('acme')?.members.has('frank')).toBe(false);
    await expect(hub.removeOrgMember('acme', 'frank')).rejects.toMatchObject({ kind: 'notfound' });
    const m = await hub.updateOrgMemberRole('acme', 'erin', 'editor');
    expect(m.role).toBe('Editor');
    const bob = hubClient(emu, 'bob');
    await expect(bob.removeOrgMember('acme', 'dave')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    await expect(bob.listOrgMembers('initech').collect()).rejects.toMatchObject({ kind: 'auth' });
    await expect(hub.listOrgMembers('nosuchorg').collect()).rejects.toMatchObject({ kind: 'notfound' });
    await hub.close();
    await bob.close();
  });
});

describe('teams', () => {
  it('lists, creates, shows and deletes teams', async () => {
    const hub = hubClient(emu, 'alice');
    expect((await hub.listTeams('acme').collect()).items.map((t) => t.name)).toEqual(['developers', 'owners']);
    const t = await hub.createTeam('acme', 'qa', { description: 'testers' });
    expect(t).toMatchObject({ name: 'qa', description: 'testers', member_count: 0 });
    expect((await hub.getTeam('acme', 'qa')).id).toBe(t.id);
    await expect(hub.createTeam('acme', 'qa')).rejects.toMatchObject({ kind: 'usage' });
    await hub.deleteTeam('acme', 'qa');
    await expect(hub.getTeam('acme', 'qa')).rejects.toMatchObject({ kind: 'notfound' });
    const bobs = await hub.listTeams('acme', { username: 'bob' }).collect();
    expect(bobs.items.map((x) => x.name)).toEqual(['developers']);
    await hub.close();
  });

  it('adds and removes team members and lists them across pages', async () => {
    const hub = hubClient(emu, 'alice');
    await hub.addTeamMember('acme', 'developers', 'erin');
    await hub.addTeamMember('acme', 'developers', 'gina');
    const members = await hub.listTeamMembers('acme', 'developers').collect();
    expect(members.items.map((m) => m.username)).toEqual(['bob', 'dave', 'erin', 'gina']);
    expect(emu.state.orgs.get('acme')?.members.get('gina')).toBe('member');
    await hub.removeTeamMember('acme', 'developers', 'gina');
    await expect(hub.removeTeamMember('acme', 'developers', 'gina')).rejects.toMatchObject({ kind: 'notfound' });
    await expect(hub.addTeamMember('acme', 'developers', 'nobody')).rejects.toMatchObject({ kind: 'notfound' });
    await hub.close();
  });

  it('grants a team access to a repository by the team id', async () => {
    const hub = hubClient(emu, 'alice');
    const team = await hub.getTeam('acme', 'developers');
    const granted = await hub.grantTeamRepository('acme', 'developers', 'acme', 'api', 'write');
    expect(granted).toEqual({ group_name: 'developers', permission: 'write', group_id: team.id });
    expect(emu.requests('POST', '/groups').at(-1)?.body).toEqual({ group_id: team.id, permission: 'write' });
    // the grant gives dave (a team member) write access
    const dave = hubClient(emu, 'dave');
    const repo = await dave.getRepository('acme', 'api');
    expect(repo.permissions).toEqual({ read: true, write: true, admin: false });
    await expect(hub.grantTeamRepository('acme', 'developers', 'acme', 'api', 'owner' as never)).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.grantTeamRepository('acme', 'ghosts', 'acme', 'api', 'read')).rejects.toMatchObject({ kind: 'notfound' });
    await hub.close();
    await dave.close();
  });
});
