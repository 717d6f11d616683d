import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAllTransports } from '../../../src/index.js';
import { HubClient, parseRateLimitHeader } from '../../../src/hub/index.js';
import { seedImage, startFaultProxy, startRegistry, type FaultProxy, type Registry } from '../../harness/index.mjs';

// `hub limits` reads Docker Hub's pull-limit headers from a HEAD of ratelimitpreview/test. Here the real
// distribution registry (token auth) holds that repository, and a fault proxy in front adds the headers
// Docker Hub's registry sends.
let reg: Registry;
let proxy: FaultProxy;
const HEADERS = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '203.0.113.7' };

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  await seedImage(reg, 'ratelimitpreview/test:latest');
  proxy = await startFaultProxy({ upstream: reg.host });
});
afterAll(async () => {
  await closeAllTransports();
  await proxy?.close();
  await reg?.stop();
});
beforeEach(() => {
  proxy.clear();
  reg.tokenServer?.clearLog();
  proxy.setRules([
    {
      method: 'HEAD',
      path: '/v2/ratelimitpreview/test/manifests/latest',
      times: 100,
      action: { type: 'response-headers', headers: HEADERS },
    },
  ]);
});

const client = (registry: string, cred?: { identifier: string; secret: string }, registryCred?: { username: string; password: string }) =>
  new HubClient({
    baseUrl: 'http://127.0.0.1:9',
    limitsRegistry: registry,
    credential: async () => cred,
    ...(registryCred === undefined ? {} : { limitsCredentials: async () => registryCred }),
  });

describe('pull rate limit', () => {
  it('reads limit, remaining, window and source anonymously, with a HEAD that pulls nothing', async () => {
    const hub = client(proxy.host);
    expect(await hub.pullRateLimit()).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
      source: '203.0.113.7',
      authenticated: false,
      headers: HEADERS,
    });
    // the ping of /v2/ told the realm: one HEAD, with the pull token, and no GET of the manifest
    const manifestRequests = proxy.requests(undefined, '/manifests/');
    expect(manifestRequests.map((r) => [r.method, r.authorization])).toEqual([['HEAD', true]]);
    const tokenLog = reg.tokenServer?.log ?? [];
    expect(tokenLog.at(-1)).toMatchObject({ basic: false, scopes: ['repository:ratelimitpreview/test:pull'] });
    await hub.close();
  });

  it("asks the token as the registry's user when given its credential", async () => {
    const hub = client(proxy.host, undefined, { username: 'alice', password: 'alice-secret' });
    const got = await hub.pullRateLimit();
    expect(got.authenticated).toBe(true);
    expect(reg.tokenServer?.log.at(-1)).toMatchObject({ basic: true, user: 'alice', authOk: true });
    await hub.close();
  });

  it('never sends the Docker Hub credential to another registry', async () => {
    const hub = client(proxy.host, { identifier: 'alice', secret: 'alice-secret' });
    expect((await hub.pullRateLimit()).authenticated).toBe(false);
    expect(reg.tokenServer?.log.every((e) => !e.basic)).toBe(true);
    await hub.close();
  });

  it('reports no limit when the registry sends none', async () => {
    const hub = client(reg.host);
    expect(await hub.pullRateLimit()).toMatchObject({
      limit: undefined,
      remaining: undefined,
      windowSeconds: undefined,
      source: undefined,
      headers: {},
    });
    await hub.close();
  });

  it('fails with a network error when the registry cannot be reached', async () => {
    const hub = client('127.0.0.1:9');
    await expect(hub.pullRateLimit()).rejects.toMatchObject({ kind: 'network' });
    await hub.close();
  });

  it('parses the header forms', () => {
    expect(parseRateLimitHeader('100;w=21600')).toEqual({ value: 100, window: 21600 });
    expect(parseRateLimitHeader('0')).toEqual({ value: 0, window: undefined });
    expect(parseRateLimitHeader(' 5 ; w = 60 ')).toEqual({ value: 5, window: 60 });
    expect(parseRateLimitHeader('')).toEqual({ value: undefined, window: undefined });
    expect(parseRateLimitHeader(undefined)).toEqual({ value: undefined, window: undefined });
  });
});
