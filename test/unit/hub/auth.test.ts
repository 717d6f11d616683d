import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { isAccessTokenSecret, jwtExpiry } from '../../../src/hub/index.js';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

let emu: HubEmulator;
let readPat: string;
let adminPat: string;
let orgToken: string;
beforeAll(async () => {
  emu = await startSeededHub({ maxPageSize: 2 });
  for (let i = 1; i <= 7; i++) emu.state.addRepository(`alice/r${i}`, { private: i % 2 === 0 });
  readPat = emu.state.addAccessToken('alice', { scopes: ['repo:read'] }).token;
  adminPat = emu.state.addAccessToken('alice', { scopes: ['repo:admin'] }).token;
  orgToken = emu.state.addOrgAccessToken('acme');
});
afterAll(async () => emu.stop());
afterEach(() => {
  emu.set({ jwtMaxUses: undefined });
  expectNoViolations(emu);
});

const authCalls = () => emu.requests('POST').filter((r) => r.path.startsWith('/v2/auth/') || r.path.startsWith('/v2/users/'));

describe('credential exchange', () => {
  it('exchanges a password once for a JWT sent as Bearer', async () => {
    const hub = hubClient(emu, 'alice');
    await hub.listRepositories('alice').collect();
    await hub.getRepository('alice', 'r2');
    expect(authCalls().map((r) => r.path)).toEqual(['/v2/auth/token']);
    expect(authCalls()[0]?.body).toEqual({ identifier: 'alice', secret: '<redacted>' });
    expect(emu.requests('GET').every((r) => r.auth === 'bearer' && r.caller === 'alice')).toBe(true);
    await hub.close();
  });

  it('shares one exchange between parallel requests', async () => {
    const hub = hubClient(emu, 'alice');
    await Promise.all([hub.getRepository('alice', 'r1'), hub.getRepository('alice', 'r2'), hub.getRepository('alice', 'r3')]);
    expect(authCalls().length).toBe(1);
    await hub.close();
  });

  it('takes a personal access token, with its scope', async () => {
    const reader = hubClient(emu, 'alice', readPat);
    expect((await reader.getRepository('alice', 'r2')).permissions).toEqual({ read: true, write: false, admin: false });
    const err = await reader.deleteRepository('alice', 'r1').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', code: 'HUB_FORBIDDEN' });
    expect((err as HubctlError).hint).toContain('scope');
    expect(authCalls().map((r) => r.path)).toEqual(['/v2/auth/token']);
    await reader.close();
  });

  it('takes an organization access token with the organization as identifier', async () => {
    const hub = hubClient(emu, 'acme', orgToken);
    const members = await hub.listOrgMembers('acme').collect();
    expect(members.items.map((m) => m.username)).toContain('alice');
    await hub.close();
  });

  it('refuses a wrong password after asking the login endpoint whether it is a 2FA account', async () => {
    const hub = hubClient(emu, 'alice', 'wrong-password');
    const err = (await hub
      .listRepositories('alice')
      .collect()
      .catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'auth', code: 'HUB_LOGIN_FAILED' });
    expect(err.message).toContain('alice');
    expect(err.hint).toContain('hubctl login');
    expect(authCalls().map((r) => r.path)).toEqual(['/v2/auth/token', '/v2/users/login']);
    await hub.close();
  });

  it('refuses a wrong access token without trying the password login', async () => {
    const hub = hubClient(emu, 'alice', 'dckr_pat_notarealtoken123');
    await expect(hub.authenticate()).rejects.toMatchObject({ kind: 'auth', code: 'HUB_LOGIN_FAILED' });
    expect(authCalls().map((r) => r.path)).toEqual(['/v2/auth/token']);
    await hub.close();
  });

  it('goes anonymous without a credential, and says to log in where one is needed', async () => {
    const hub = hubClient(emu, undefined);
    expect(await hub.authenticate()).toBe(false);
    expect((await hub.listRepositories('alice').collect()).items.length).toBe(4);
    const err = (await hub
      .listAccessTokens()
      .collect()
      .catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'auth', code: 'HUB_LOGIN_REQUIRED' });
    expect(err.hint).toContain('hubctl login');
    expect(authCalls().length).toBe(0);
    await hub.close();
  });
});

describe('two-factor accounts', () => {
  it('logs in with the code from otp() through /v2/users/login and /v2/users/2fa-login', async () => {
    let asked = 0;
    const hub = hubClient(emu, 'carol', 'carol-password', { otp: async () => (asked++, ' 123456 ') });
    await hub.listRepositories('alice').collect();
    expect(asked).toBe(1);
    expect(authCalls().map((r) => [r.path, r.status])).toEqual([
      ['/v2/auth/token', 401],
      ['/v2/users/login', 401],
      ['/v2/users/2fa-login', 200],
    ]);
    expect(authCalls()[2]?.body).toEqual({ login_2fa_token: '<redacted>', code: '<redacted>' });
    expect(emu.requests('GET').every((r) => r.caller === 'carol')).toBe(true);
    expect(hub.lines.join('\n')).not.toContain('123456');
    await hub.close();
  });

  it('without an otp provider, says to use a personal access token', async () => {
    const hub = hubClient(emu, 'carol', 'carol-password');
    const err = (await hub.authenticate().catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'auth', code: 'HUB_2FA_REQUIRED' });
    expect(err.hint).toContain('personal access token');
    expect(err.hint).toContain('--otp');
    await hub.close();
  });

  it('refuses a wrong code', async () => {
    const hub = hubClient(emu, 'carol', 'carol-password', { otp: async () => '000000' });
    const err = (await hub.authenticate().catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'auth', code: 'HUB_2FA_FAILED' });
    expect(err.message).not.toContain('000000');
    await hub.close();
  });
});

describe('a JWT that stops working mid-run', () => {
  it('is exchanged again once, and a long list goes on', async () => {
    emu.set({ jwtMaxUses: 2 });
    const hub = hubClient(emu, 'alice');
    const got = await hub.listRepositories('alice').collect();
    expect(got.items.map((r) => r.name)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(emu.requests('GET').map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
    expect(authCalls().length).toBe(2);
    expect(hub.lines.some((l) => l.includes('exchanging the credential again'))).toBe(true);
    await hub.close();
  });

  it('fails with an auth error when the fresh JWT is refused too (no loop)', async () => {
    emu.set({ jwtMaxUses: 0 });
    const hub = hubClient(emu, 'alice');
    await expect(hub.getRepository('alice', 'r1')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_UNAUTHORIZED' });
    expect(emu.requests('GET').length).toBe(2);
    expect(authCalls().length).toBe(2);
    await hub.close();
  });

  it('fails when the credential was revoked meanwhile', async () => {
    emu.set({ jwtMaxUses: 1 });
    const pat = emu.state.addAccessToken('alice', { scopes: ['repo:admin'] });
    const hub = hubClient(emu, 'alice', pat.token);
    await hub.getRepository('alice', 'r1');
    pat.active = false;
    await expect(hub.getRepository('alice', 'r2')).rejects.toMatchObject({ kind: 'auth', code: 'HUB_LOGIN_FAILED' });
    await hub.close();
  });

  it('expired by time at the Hub (its clock ahead of ours) is exchanged again', async () => {
    let hubClock = Date.now();
    const timed = await startSeededHub({ now: () => hubClock });
    timed.state.addRepository('alice/app');
    timed.set({ jwtLifetimeSeconds: 60 });
    const hub = hubClient(timed, 'alice');
    await hub.getRepository('alice', 'app');
    hubClock += 61_000;
    await hub.getRepository('alice', 'app');
    expect(timed.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v2/auth/token 200',
      'GET /v2/namespaces/alice/repositories/app 200',
      'GET /v2/namespaces/alice/repositories/app 401',
      'POST /v2/auth/token 200',
      'GET /v2/namespaces/alice/repositories/app 200',
    ]);
    expectNoViolations(timed);
    await hub.close();
    await timed.stop();
  });

  it('is renewed before it expires, by its exp claim and the injected clock', async () => {
    let clock = Date.now();
    const hub = hubClient(emu, 'alice', undefined, { now: () => clock });
    await hub.getRepository('alice', 'r1');
    clock += 9 * 60_000; // the emulator's JWTs live 10 minutes; 30 s margin
    await hub.getRepository('alice', 'r1');
    expect(authCalls().length).toBe(1);
    clock += 31_000;
    await hub.getRepository('alice', 'r1');
    expect(authCalls().length).toBe(2);
    expect(emu.requests('GET').every((r) => r.status === 200)).toBe(true);
    await hub.close();
  });
});

describe('secrets', () => {
  it('never reach debug lines or error messages', async () => {
    const secrets = ['alice-password', adminPat, '123456', 'carol-password'];
    const lines: string[] = [];
    const messages: string[] = [];
    const run = async (c: ReturnType<typeof hubClient>, f: (h: ReturnType<typeof hubClient>) => Promise<unknown>) => {
      await f(c).catch((e: unknown) => {
        if (e instanceof HubctlError) messages.push(`${e.message}\n${e.hint ?? ''}`);
      });
      lines.push(...c.lines);
      await c.close();
    };
    await run(hubClient(emu, 'alice'), (h) => h.listRepositories('alice').collect());
    await run(hubClient(emu, 'alice', adminPat), (h) => h.createAccessToken({ label: 'x' }).then((t) => secrets.push(t.token ?? '')));
    await run(hubClient(emu, 'carol', 'carol-password', { otp: async () => '123456' }), (h) => h.listOrgs().collect());
    await run(hubClient(emu, 'alice', 'alice-password-wrong'), (h) => h.authenticate());
    emu.fail({ path: '/v2/namespaces/alice/repositories', status: 400, body: { detail: `bad value alice-password ${adminPat}` } });
    await run(hubClient(emu, 'alice'), (h) => h.listRepositories('alice').collect());
    const jwts = lines.join('\n').match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g) ?? [];
    expect(jwts).toEqual([]);
    expect(lines.length).toBeGreaterThan(5);
    expect(messages.length).toBe(2);
    for (const s of secrets) {
      expect(lines.join('\n')).not.toContain(s);
      expect(messages.join('\n')).not.toContain(s);
    }
  });

  it('recognizes token secrets and reads JWT expiry', () => {
    expect(isAccessTokenSecret('dckr_pat_abc')).toBe(true);
    expect(isAccessTokenSecret('dckr_oat_abc')).toBe(true);
    expect(isAccessTokenSecret('hunter2')).toBe(false);
    const payload = Buffer.from(JSON.stringify({ exp: 1700000000 })).toString('base64url');
    expect(jwtExpiry(`e30.${payload}.sig`)).toBe(1700000000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });
});
