import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImageDetailed, startFaultProxy, type Registry, type FaultProxy, type LayerBlob } from '../../harness/index.mjs';
import { createClient, pull, HubctlError, closeAllTransports, ImageStore, type Client } from '../../../src/index.js';

let reg: Registry;
let proxy: FaultProxy;
let storage: FaultProxy;
let root: string;
let big: LayerBlob;
let small: LayerBlob;
let imageDigest: string;
const clients: Client[] = [];

const BIG = 600_000;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-faults-'));
  const seeded = await seedImageDetailed(reg, 'library/big:1', { layers: [BIG, 3000] });
  imageDigest = seeded.digest;
  const layers = seeded.layout.images[0]!.layers;
  big = layers.reduce((a, b) => (a.size >= b.size ? a : b));
  small = layers.reduce((a, b) => (a.size < b.size ? a : b));
  proxy = await startFaultProxy({ upstream: reg.host });
  storage = await startFaultProxy({ upstream: reg.host, expiringRedirects: true });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await closeAllTransports();
  await Promise.all([proxy?.close(), storage?.close()]);
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.clear();
  storage.clear();
});

let n = 0;
async function fresh(extra: Partial<Parameters<typeof createClient>[0]> = {}): Promise<{ c: Client; storeRoot: string }> {
  const storeRoot = join(root, `store-${++n}`);
  const c = createClient({
    storeRoot,
    platform: { os: 'linux', architecture: 'amd64' },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
  clients.push(c);
  return { c, storeRoot };
}

const ref = () => `${proxy.host}/library/big:1`;
const blobPath = (d: string) => new RegExp(`/blobs/${d.replace(':', ':')}$`);
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function expectStoreHolds(storeRoot: string, digests: string[]): Promise<void> {
  const store = await ImageStore.open(storeRoot);
  const report = await store.validate({ verifyDigests: true });
  expect(report.problems).toEqual([]);
  for (const d of digests) expect(await exists(join(storeRoot, 'blobs/sha256', d.slice(7)))).toBe(true);
  const left = (await readdir(join(storeRoot, 'blobs/sha256'))).filter((f) => f.endsWith('.partial'));
  expect(left).toEqual([]);
}

describe('pull through a faulty connection', () => {
  it('a connection reset mid-blob resumes with Range from the bytes it has and ends with the right digest', async () => {
    proxy.setRules([{ method: 'GET', path: blobPath(big.digest), action: { type: 'reset', afterBytes: 200_000 } }]);
    const { c, storeRoot } = await fresh();
    const r = await pull(c, ref());
    expect(r.digest).toBe(imageDigest);
    const gets = proxy.requests('GET', blobPath(big.digest));
    expect(gets).toHaveLength(2);
    expect(gets[0]!.fault).toBe('reset');
    expect(gets[0]!.range).toBeUndefined();
    const m = /^bytes=(\d+)-$/.exec(gets[1]!.range ?? '');
    expect(m).not.toBeNull();
    const from = Number(m![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(200_000);
    expect(gets[1]!.status).toBe(206);
    expect(gets[1]!.contentRange).toBe(`bytes ${from}-${big.size - 1}/${big.size}`);
    expect(gets[1]!.bodyBytes).toBe(big.size - from);
    await expectStoreHolds(storeRoot, [big.digest, small.digest]);
  });

  it('a registry that ignores Range sends the blob again from 0, and the pull still verifies', async () => {
    proxy.setRules([
      { method: 'GET', path: blobPath(big.digest), action: { type: 'reset', afterBytes: 150_000 } },
      { method: 'GET', path: blobPath(big.digest), nth: 2, action: { type: 'strip-range' } },
    ]);
    const { c, storeRoot } = await fresh();
    const r = await pull(c, ref());
    expect(r.digest).toBe(imageDigest);
    const gets = proxy.requests('GET', blobPath(big.digest));
    expect(gets).toHaveLength(2);
    expect(gets[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(gets[1]!.fault).toBe('strip-range');
    expect(gets[1]!.status).toBe(200);
    expect(gets[1]!.bodyBytes).toBe(big.size);
    await expectStoreHolds(storeRoot, [big.digest]);
  });

  it('a 206 whose Content-Range does not start where asked is discarded: the blob is fetched again from 0', async () => {
    proxy.setRules([
      { method: 'GET', path: blobPath(big.digest), action: { type: 'reset', afterBytes: 150_000 } },
      {
        method: 'GET',
        path: blobPath(big.digest),
        nth: 2,
        action: { type: 'response-header', name: 'Content-Range', value: `bytes 7-${big.size - 1}/${big.size}` },
      },
    ]);
    const { c, storeRoot } = await fresh();
    await pull(c, ref());
    const gets = proxy.requests('GET', blobPath(big.digest));
    expect(gets.map((g) => [g.status, g.range === undefined ? 'whole' : 'range'])).toEqual([
      [200, 'whole'],
      [206, 'range'],
      [200, 'whole'],
    ]);
    expect(gets[2]!.bodyBytes).toBe(big.size);
    await expectStoreHolds(storeRoot, [big.digest]);
  });

  it('a resume after a redirect asks the registry again instead of reusing the (expired) storage URL', async () => {
    proxy.setRules([{ method: 'GET', path: blobPath(big.digest), times: 10, action: { type: 'redirect', to: storage.url } }]);
    storage.setRules([{ method: 'GET', path: `/blobs/${big.digest}`, action: { type: 'reset', afterBytes: 100_000 } }]);
    const { c, storeRoot } = await fresh();
    await pull(c, ref());
    const asked = proxy.requests('GET', blobPath(big.digest));
    expect(asked).toHaveLength(2);
    expect(asked.every((r) => r.status === 307)).toBe(true);
    expect(asked[1]!.range).toMatch(/^bytes=\d+-$/);
    const served = storage.requests('GET', `/blobs/${big.digest}`);
    expect(served).toHaveLength(2);
    expect(served.map((r) => r.fault)).toEqual(['reset', undefined]);
    expect(new URL(served[0]!.path, storage.url).searchParams.get('expires')).not.toBe(
      new URL(served[1]!.path, storage.url).searchParams.get('expires'),
    );
    expect(served[1]!.status).toBe(206);
    await expectStoreHolds(storeRoot, [big.digest]);
  });

  it('a stalled body hits the read timeout, then the download resumes', async () => {
    proxy.setRules([{ method: 'GET', path: blobPath(big.digest), action: { type: 'stall', afterBytes: 120_000 } }]);
    const { c, storeRoot } = await fresh({ bodyTimeoutMs: 1500 });
    const started = Date.now();
    await pull(c, ref());
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(15_000);
    const gets = proxy.requests('GET', blobPath(big.digest));
    expect(gets).toHaveLength(2);
    expect(gets[0]!.fault).toBe('stall');
    expect(gets[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
    await expectStoreHolds(storeRoot, [big.digest]);
  });

  for (const status of [500, 502, 503, 504, 408]) {
    it(`${status} twice on the manifest: retried with backoff, third attempt succeeds`, async () => {
      proxy.setRules([{ method: 'GET', path: /\/manifests\/1$/, times: 2, action: { type: 'status', status } }]);
      const { c } = await fresh();
      const r = await pull(c, ref());
      expect(r.digest).toBe(imageDigest);
      const gets = proxy.requests('GET', /\/manifests\/1$/);
      expect(gets.map((g) => g.status)).toEqual([status, status, 200]);
    });
  }

  it('5xx without end: bounded attempts (maxAttempts), then a network error naming the status', async () => {
    proxy.setRules([{ method: 'GET', path: blobPath(small.digest), times: 100, action: { type: 'status', status: 503 } }]);
    const { c, storeRoot } = await fresh({ retry: { maxAttempts: 3, baseDelayMs: 30, maxDelayMs: 200 } });
    const err = await pull(c, ref()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err).toMatchObject({ kind: 'network' });
    expect(String((err as Error).message)).toContain('503');
    // 3 attempts per open; the store's ingest may reopen a failed network transfer, each time bounded again
    const gets = proxy.requests('GET', blobPath(small.digest));
    expect(gets.length % 3).toBe(0);
    expect(gets.length).toBeLessThanOrEqual(3 * 6);
    const store = await ImageStore.open(storeRoot);
    expect((await store.validate()).ok).toBe(true);
    expect(await exists(join(storeRoot, 'blobs/sha256', small.digest.slice(7)))).toBe(false);
  });

  it('429 with Retry-After in seconds: waits that long, then retries', async () => {
    proxy.setRules([{ method: 'GET', path: /\/manifests\/1$/, action: { type: 'retry-after', value: '1' } }]);
    const { c } = await fresh();
    await pull(c, ref());
    const gets = proxy.requests('GET', /\/manifests\/1$/);
    expect(gets.map((g) => g.status)).toEqual([429, 200]);
    expect(gets[1]!.time - gets[0]!.time).toBeGreaterThanOrEqual(950);
  });

  it('429 with Retry-After as an HTTP date: waits until then, then retries', async () => {
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    proxy.setRules([{ method: 'GET', path: /\/manifests\/1$/, action: { type: 'retry-after', value: at.toUTCString() } }]);
    const { c } = await fresh();
    await pull(c, ref());
    const gets = proxy.requests('GET', /\/manifests\/1$/);
    expect(gets.map((g) => g.status)).toEqual([429, 200]);
    expect(gets[1]!.time).toBeGreaterThanOrEqual(at.getTime() - 50);
  });

  it('a Retry-After beyond the cap is not waited for: the error says how long the registry asked', async () => {
    proxy.setRules([{ method: 'GET', path: /\/manifests\/1$/, action: { type: 'retry-after', value: '7200' } }]);
    const { c } = await fresh();
    const err = await pull(c, ref()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network' });
    expect(String((err as Error).message)).toContain('7200s');
    expect(proxy.requests('GET', /\/manifests\/1$/)).toHaveLength(1);
  });

  it("Docker Hub's TOOMANYREQUESTS pull limit is reported with limit and remaining, not retried", async () => {
    proxy.setRules([{ method: 'GET', path: /\/manifests\/1$/, times: 100, action: { type: 'toomanyrequests' } }]);
    const { c } = await fresh();
    const err = await pull(c, ref()).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'network',
      code: 'TOOMANYREQUESTS',
      details: expect.objectContaining({ rateLimit: { limit: '100', remaining: '0' } }),
    });
    expect(String((err as Error).message)).toContain('limit 100, remaining 0');
    expect(proxy.requests('GET', /\/manifests\/1$/)).toHaveLength(1);
  });

  it('flipped bytes in a blob: a digest mismatch (integrity), and nothing of that blob enters the store', async () => {
    proxy.setRules([{ method: 'GET', path: blobPath(big.digest), action: { type: 'flip', at: 4321 } }]);
    const { c, storeRoot } = await fresh();
    const err = await pull(c, ref()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err).toMatchObject({ kind: 'integrity', code: 'DIGEST_MISMATCH' });
    expect(proxy.requests('GET', blobPath(big.digest))).toHaveLength(1);
    const store = await ImageStore.open(storeRoot);
    expect((await store.validate()).ok).toBe(true);
    expect(await store.resolve(`${proxy.host}/library/big:1`)).toBeUndefined();
    const files = await readdir(join(storeRoot, 'blobs/sha256'));
    expect(files.filter((f) => f.includes(big.digest.slice(7)) && !f.endsWith('.lock'))).toEqual([]);
  });
});
