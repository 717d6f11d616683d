import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, skopeoDigest, startFaultProxy, type Registry, type FaultProxy } from '../../harness/index.mjs';
import { createClient, pull, push, tag, closeAllTransports, type Credential } from '../../../src/index.js';

let reg: Registry;
let proxy: FaultProxy;
let root: string;
let digest: string;

beforeAll(async () => {
  // tokens the registry accepts for ~5 s (exp = iat - 55, distribution allows 60 s of leeway)
  reg = await startRegistry({ mode: 'token', token: { expOffsetSeconds: -55 } });
  root = await mkdtemp(join(tmpdir(), 'hubctl-push-faults-'));
  digest = await seedImage(reg, 'alice/src:1', { layers: [20_000, 5000] });
  proxy = await startFaultProxy({ upstream: reg.host });
});

afterAll(async () => {
  await closeAllTransports();
  await proxy?.close();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('push through a faulty connection', () => {
  it('a token that expires in the middle of a push is renewed and the push completes', async () => {
    const c = createClient({
      storeRoot: join(root, 'store'),
      credentials: async (registry: string): Promise<Credential | undefined> =>
        registry === reg.host || registry === proxy.host ? { username: 'alice', password: reg.users.alice! } : undefined,
    });
    await pull(c, `${reg.host}/alice/src:1`);
    await tag(c, `${reg.host}/alice/src:1`, `${proxy.host}/alice/expiring:1`);
    // the first blob's closing PUT leaves 6.5 s after its token was issued: the token has expired by then
    proxy.setRules([{ method: 'PUT', path: /\/blobs\/uploads\//, action: { type: 'delay', ms: 6500 } }]);
    reg.tokenServer!.clearLog();
    const r = await push(c, `${proxy.host}/alice/expiring:1`, { concurrency: 1 });
    expect(r.pushed[0]?.digest).toBe(digest);
    const puts = proxy.requests('PUT');
    const delayed = puts.findIndex((p) => p.fault === 'delay');
    expect(delayed).toBeGreaterThanOrEqual(0);
    expect(puts[delayed]!.status).toBe(401); // the registry refused the expired token
    const sameSession = (a: string, b: string) => new URL(a, proxy.url).pathname === new URL(b, proxy.url).pathname;
    expect(puts.some((p, i) => i > delayed && p.status === 201 && sameSession(p.path, puts[delayed]!.path))).toBe(true);
    expect(reg.tokenServer!.log.filter((e) => e.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(
      await skopeoDigest(`${reg.host}/alice/expiring:1`, { registry: reg, creds: { username: 'alice', password: reg.users.alice! } }),
    ).toBe(digest);
    await c.close();
  }, 40_000);
});
