import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tagOrdering } from '../../../src/hub/index.js';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

let emu: HubEmulator;
const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
beforeAll(async () => {
  emu = await startSeededHub({ maxPageSize: 4 });
  emu.state.addRepository('alice/app');
  // v1 oldest ... v9 newest, names out of date order for the name sorts
  const names = ['v3', 'v1', 'v7', 'v2', 'v9', 'v5', 'v4', 'v8', 'v6'];
  for (const n of names)
    emu.state.addTag('alice/app', n, { lastUpdated: day(Number(n.slice(1))), platforms: ['linux/amd64', 'linux/arm64/v8'] });
  emu.state.addRepository('alice/secret', { private: true });
  emu.state.addTag('alice/secret', 'latest');
});
afterAll(async () => emu.stop());
afterEach(() => expectNoViolations(emu));

describe('tags', () => {
  it('lists every tag across pages with the documented endpoint, newest first', async () => {
    const hub = hubClient(emu, 'alice');
    const got = await hub.listTags('alice', 'app').collect();
    expect(got.items.map((t) => t.name)).toEqual(['v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1']);
    expect(got.total).toBe(9);
    expect(got.items[0]?.images?.map((i) => `${i.os}/${i.architecture}${i.variant ? `/${i.variant}` : ''}`)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ]);
    expect(emu.requests('GET').every((r) => r.documented)).toBe(true);
    expect(emu.requests('GET', '/tags').length).toBe(3);
    await hub.close();
  });

  it('orders through the undocumented list the way hub-tool does', async () => {
    const hub = hubClient(emu, 'alice');
    const names = async (o: ReturnType<typeof tagOrdering>) =>
      (await hub.listTags('alice', 'app', { ordering: o, limit: 3 }).collect()).items.map((t) => t.name);
    expect(await names(tagOrdering('updated'))).toEqual(['v9', 'v8', 'v7']);
    expect(await names(tagOrdering('updated', 'asc'))).toEqual(['v1', 'v2', 'v3']);
    expect(await names(tagOrdering('name'))).toEqual(['v1', 'v2', 'v3']);
    expect(await names(tagOrdering('name', 'desc'))).toEqual(['v9', 'v8', 'v7']);
    const sent = emu.requests('GET', '/tags/').map((r) => r.path);
    expect(sent[0]).toMatch(/^\/v2\/repositories\/alice\/app\/tags\/\?ordering=last_updated&page_size=3$/);
    await hub.close();
  });

  it('gets one tag and deletes one', async () => {
    const hub = hubClient(emu, 'alice');
    const tag = await hub.getTag('alice', 'app', 'v5');
    expect(tag).toMatchObject({ name: 'v5', v2: true, last_updated: day(5) });
    await hub.deleteTag('alice', 'app', 'v5');
    expect(emu.state.repos.get('alice/app')?.tags.has('v5')).toBe(false);
    await expect(hub.getTag('alice', 'app', 'v5')).rejects.toMatchObject({ kind: 'notfound' });
    await expect(hub.deleteTag('alice', 'app', 'v5')).rejects.toMatchObject({ kind: 'notfound' });
    emu.state.addTag('alice/app', 'v5', { lastUpdated: day(5) });
    await hub.close();
  });

  it('hides private repositories from others and refuses their deletes', async () => {
    const bob = hubClient(emu, 'bob');
    await expect(bob.listTags('alice', 'secret').collect()).rejects.toMatchObject({ kind: 'notfound' });
    await expect(bob.deleteTag('alice', 'app', 'v1')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    await bob.close();
  });

  it('refuses invalid tags before sending', async () => {
    const hub = hubClient(emu, 'alice');
    await expect(hub.deleteTag('alice', 'app', '-bad')).rejects.toMatchObject({ kind: 'usage', code: 'INVALID_HUB_TAG' });
    await expect(hub.getTag('alice', 'app', 'a/b')).rejects.toMatchObject({ kind: 'usage' });
    expect(emu.log.length).toBe(0);
    await hub.close();
  });
});
