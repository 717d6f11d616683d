import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

let emu: HubEmulator;
beforeAll(async () => {
  emu = await startSeededHub({ maxPageSize: 2 });
  emu.state.addRepository('alice/app');
  for (let i = 1; i <= 3; i++) emu.state.addAccessToken('alice', { label: `old ${i}`, scopes: ['repo:read'] });
});
afterAll(async () => emu.stop());
afterEach(() => expectNoViolations(emu));

describe('personal access tokens', () => {
  it('creates a token: the secret comes back once and never reaches debug lines', async () => {
    const hub = hubClient(emu, 'alice');
    const created = await hub.createAccessToken({ label: 'ci', scopes: ['repo:write'], expiresAt: '2099-01-31' });
    expect(created.token).toMatch(/^dckr_pat_/);
    expect(created).toMatchObject({ token_label: 'ci', scopes: ['repo:write'], is_active: true, expires_at: '2099-01-31T00:00:00.000Z' });
    expect(emu.requests('POST', '/v2/access-tokens')[0]?.body).toEqual({
      token_label: 'ci',
      scopes: ['repo:write'],
      expires_at: '2099-01-31T00:00:00.000Z',
    });
    // listed without secrets, across pages
    const all = await hub.listAccessTokens().collect();
    expect(all.items.map((t) => t.token_label)).toEqual(['old 1', 'old 2', 'old 3', 'ci']);
    expect(all.items.every((t) => t.token === '')).toBe(true);
    expect((await hub.getAccessToken(created.uuid)).token).toBe('');
    // the new token works as a credential
    const ci = hubClient(emu, 'alice', created.token);
    expect((await ci.getRepository('alice', 'app')).permissions.write).toBe(true);
    expect(hub.lines.join('\n')).not.toContain(created.token ?? 'x');
    await ci.close();
    await hub.close();
  });

  it('disables, enables, renames and deletes tokens', async () => {
    const hub = hubClient(emu, 'alice');
    const [first] = (await hub.listAccessTokens({ limit: 1 }).collect()).items;
    const uuid = first?.uuid ?? '';
    expect((await hub.setAccessTokenActive(uuid, false)).is_active).toBe(false);
    expect(emu.requests('PATCH').at(-1)?.body).toEqual({ is_active: false });
    expect((await hub.setAccessTokenActive(uuid, true)).is_active).toBe(true);
    expect((await hub.updateAccessToken(uuid, { label: 'renamed' })).token_label).toBe('renamed');
    await hub.deleteAccessToken(uuid);
    await expect(hub.getAccessToken(uuid)).rejects.toMatchObject({ kind: 'notfound' });
    await hub.close();
  });

  it('checks label, scopes and expiry before sending', async () => {
    const hub = hubClient(emu, 'alice');
    await expect(hub.createAccessToken({ label: '' })).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.createAccessToken({ label: 'x', scopes: ['repo:all' as never] })).rejects.toMatchObject({
      kind: 'usage',
      code: 'INVALID_HUB_SCOPE',
    });
    await expect(hub.createAccessToken({ label: 'x', expiresAt: 'someday' })).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.createAccessToken({ label: 'x', expiresAt: '2001-01-01' })).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.updateAccessToken('u', {})).rejects.toMatchObject({ kind: 'usage' });
    expect(emu.log.length).toBe(0);
    await hub.close();
  });
});

describe('webhooks', () => {
  it('adds, lists and removes webhooks by name', async () => {
    const hub = hubClient(emu, 'alice');
    const hook = await hub.addWebhook('alice', 'app', 'Deploy Hook', 'https://ci.example.test/hook?secret=s3cr3t-value');
    expect(hook).toMatchObject({
      name: 'Deploy Hook',
      slug: 'deploy-hook',
      webhooks: [{ name: 'Deploy Hook', hook_url: 'https://ci.example.test/hook?secret=s3cr3t-value' }],
    });
    expect(emu.requests('POST', 'webhook_pipeline')[0]?.body).toEqual({
      name: 'Deploy Hook',
      expect_final_callback: false,
      webhooks: [{ name: 'Deploy Hook', hook_url: 'https://ci.example.test/hook?secret=s3cr3t-value' }],
      registry: 'registry-1.docker.io',
    });
    for (const n of ['two', 'three']) await hub.addWebhook('alice', 'app', n, `https://example.test/${n}`);
    expect((await hub.listWebhooks('alice', 'app').collect()).items.map((w) => w.name)).toEqual(['Deploy Hook', 'two', 'three']);
    const removed = await hub.removeWebhook('alice', 'app', 'Deploy Hook');
    expect(removed.slug).toBe('deploy-hook');
    expect(emu.requests('DELETE')[0]?.path).toBe('/v2/repositories/alice/app/webhook_pipeline/deploy-hook/');
    await hub.removeWebhook('alice', 'app', 'three');
    await expect(hub.removeWebhook('alice', 'app', 'Deploy Hook')).rejects.toMatchObject({
      kind: 'notfound',
      code: 'HUB_WEBHOOK_NOT_FOUND',
    });
    await expect(hub.addWebhook('alice', 'app', 'two', 'https://example.test/again')).rejects.toMatchObject({ kind: 'usage' });
    await expect(hub.addWebhook('alice', 'app', 'bad', 'ftp://example.test/')).rejects.toMatchObject({ kind: 'usage' });
    expect(hub.lines.join('\n')).not.toContain('s3cr3t-value');
    await hub.close();
  });
});

describe('build triggers', () => {
  it('posts the branch, git tag, Docker tag or a plain build to the trigger URL, without Authorization', async () => {
    const trigger = emu.state.addBuildTrigger('alice/app');
    const url = emu.triggerUrl(trigger);
    const hub = hubClient(emu, 'alice');
    await hub.triggerBuild(url, { branch: 'main' });
    await hub.triggerBuild(url, { gitTag: 'v1.2.0' });
    await hub.triggerBuild(url, { dockerTag: 'latest' });
    await hub.triggerBuild(url);
    const calls = emu.state.triggers.get(`${trigger.source}/${trigger.token}`)?.calls.map((c) => c.body);
    expect(calls).toEqual([
      { source_type: 'Branch', source_name: 'main' },
      { source_type: 'Tag', source_name: 'v1.2.0' },
      { docker_tag: 'latest' },
      { build: true },
    ]);
    expect(emu.requests('POST', '/api/build/').every((r) => r.auth === 'none')).toBe(true);
    expect(hub.lines.join('\n')).not.toContain(trigger.token);
    expect(hub.lines.join('\n')).toContain('/trigger/***/call/');
    await hub.close();
  });

  it('refuses what is not a trigger URL, two choices at once, and a wrong token', async () => {
    const hub = hubClient(emu, 'alice');
    await expect(hub.triggerBuild('https://hub.docker.com/r/alice/app')).rejects.toMatchObject({
      kind: 'usage',
      code: 'INVALID_HUB_TRIGGER',
    });
    await expect(hub.triggerBuild('not a url')).rejects.toMatchObject({ kind: 'usage' });
    const url = emu.triggerUrl({ source: 'aaaa-bbbb', token: 'cccc-dddd' });
    await expect(hub.triggerBuild(url, { branch: 'x', gitTag: 'y' })).rejects.toMatchObject({ kind: 'usage' });
    const err = (await hub.triggerBuild(url).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ kind: 'notfound' });
    expect(err.message).not.toContain('cccc-dddd');
    await hub.close();
  });
});

describe('audit logs', () => {
  it('pages by number until a short page, with filters', async () => {
    const t0 = Date.UTC(2026, 2, 1);
    for (let i = 0; i < 5; i++) {
      emu.state.addAuditEvent({
        account: 'acme',
        action: i % 2 === 0 ? 'repo.tag.push' : 'repo.create',
        name: 'acme/site',
        actor: 'alice',
        timestamp: new Date(t0 + i * 3600_000).toISOString(),
      });
    }
    const hub = hubClient(emu, 'alice');
    const all = await hub.listAuditLogs('acme').collect();
    expect(all.items.length).toBe(5);
    // the emulator caps pages at 2: 2, 2, 1 (shorter than before: the end)
    expect(emu.requests('GET', '/v2/auditlogs/acme').map((r) => r.path)).toEqual([
      '/v2/auditlogs/acme?page=1&page_size=100',
      '/v2/auditlogs/acme?page=2&page_size=100',
      '/v2/auditlogs/acme?page=3&page_size=100',
    ]);
    emu.clear();
    const pushes = await hub.listAuditLogs('acme', { action: 'repo.tag.push', pageSize: 2 }).collect();
    expect(pushes.items.map((e) => e.action)).toEqual(['repo.tag.push', 'repo.tag.push', 'repo.tag.push']);
    expect(emu.requests('GET', '/v2/auditlogs/acme').length).toBe(2);
    emu.clear();
    // a limit stops without asking further pages
    expect((await hub.listAuditLogs('acme', { limit: 2 }).collect()).more).toBe(true);
    expect(emu.requests('GET', '/v2/auditlogs/acme').length).toBe(1);
    const window = await hub.listAuditLogs('acme', { from: new Date(t0 + 3600_000), to: new Date(t0 + 3 * 3600_000) }).collect();
    expect(window.items.length).toBe(3);
    expect(emu.requests('GET', 'from=').at(-1)?.path).toContain('from=2026-03-01T01%3A00%3A00.000Z');
    const actions = await hub.listAuditLogActions('acme');
    expect(Object.keys(actions)).toEqual(['repo']);
    // options are checked when the list is made, before any request
    expect(() => hub.listAuditLogs('acme', { from: 'yesterday-ish' })).toThrow(/invalid start time/);
    const bob = hubClient(emu, 'bob');
    await expect(bob.listAuditLogs('acme').collect()).rejects.toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    await bob.close();
    await hub.close();
  });
});
