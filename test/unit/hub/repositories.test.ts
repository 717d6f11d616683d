import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

let emu: HubEmulator;
beforeAll(async () => {
  emu = await startSeededHub({ maxPageSize: 3 });
  for (let i = 1; i <= 7; i++) emu.state.addRepository(`alice/app${i}`, { private: i === 2, description: `app ${i}` });
  emu.state.addRepository('acme/site');
});
afterAll(async () => emu.stop());
afterEach(() => expectNoViolations(emu));

describe('repositories', () => {
  it('lists a namespace across pages, following next links', async () => {
    const hub = hubClient(emu, 'alice');
    const list = hub.listRepositories('alice');
    const got = await list.collect();
    expect(got.items.map((r) => r.name)).toEqual(['app1', 'app2', 'app3', 'app4', 'app5', 'app6', 'app7']);
    expect(got.total).toBe(7);
    expect(got.more).toBe(false);
    expect(emu.requests('GET', '/repositories').length).toBe(3);
    await hub.close();
  });

  it('stops at the limit without fetching further pages, and says more exist', async () => {
    const hub = hubClient(emu, 'alice');
    const got = await hub.listRepositories('alice', { limit: 4 }).collect();
    expect(got.items.map((r) => r.name)).toEqual(['app1', 'app2', 'app3', 'app4']);
    expect(got.more).toBe(true);
    expect(emu.requests('GET', '/repositories').length).toBe(2);
    await hub.close();
  });

  it('lists anonymously: private repositories are not shown', async () => {
    const hub = hubClient(emu, undefined);
    const got = await hub.listRepositories('alice').collect();
    expect(got.items.map((r) => r.name)).not.toContain('app2');
    expect(emu.requests().every((r) => r.auth === 'none')).toBe(true);
    await hub.close();
  });

  it('gets, creates, updates, changes privacy and deletes', async () => {
    const hub = hubClient(emu, 'alice');
    expect((await hub.getRepository('alice', 'app2')).is_private).toBe(true);
    const created = await hub.createRepository('alice', 'fresh', { description: 'short', fullDescription: '# Fresh', isPrivate: true });
    expect(created).toMatchObject({ name: 'fresh', namespace: 'alice', is_private: true, description: 'short' });
    const updated = await hub.updateRepository('alice', 'fresh', { fullDescription: '# New README' });
    expect(updated.full_description).toBe('# New README');
    await hub.setRepositoryPrivacy('alice', 'fresh', false);
    expect(emu.state.repos.get('alice/fresh')?.isPrivate).toBe(false);
    await hub.deleteRepository('alice', 'fresh');
    expect(emu.state.repos.has('alice/fresh')).toBe(false);
    await hub.close();
  });

  it('maps an existing name to a usage error and a missing repository to not found', async () => {
    const hub = hubClient(emu, 'alice');
    const conflict = await hub.createRepository('alice', 'app1').catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(HubctlError);
    expect(conflict).toMatchObject({ kind: 'usage', code: 'HUB_INVALID_REQUEST' });
    expect(String((conflict as Error).message)).toContain('already exists');
    const missing = await hub.getRepository('alice', 'nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'notfound', code: 'HUB_NOT_FOUND' });
    await hub.close();
  });

  it('refuses bad names and over-long descriptions before sending anything', async () => {
    const hub = hubClient(emu, 'alice');
    await expect(hub.createRepository('alice', 'Bad_Name')).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.updateRepository('alice', 'app1', { description: 'x'.repeat(101) })).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.getRepository('alice/evil', 'x')).rejects.toMatchObject({ kind: 'usage', code: 'INVALID_HUB_NAME' });
    expect(emu.log.length).toBe(0);
    await hub.close();
  });

  it('needs a login to create, and says so without asking Hub', async () => {
    const hub = hubClient(emu, undefined);
    await expect(hub.createRepository('alice', 'anon')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_LOGIN_REQUIRED' });
    expect(emu.log.length).toBe(0);
    await hub.close();
  });

  it('is forbidden to write in another namespace', async () => {
    const hub = hubClient(emu, 'bob');
    await expect(hub.deleteRepository('alice', 'app1')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    await expect(hub.createRepository('acme', 'xy')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    await hub.close();
  });
});
