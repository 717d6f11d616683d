/**
 * `copy` between real distribution registries (token auth with its access log; TLS with a test CA),
 * checked by skopeo: digests, raw manifests, tag lists; mounts seen in the registry's access log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import {
  remoteFlags,
  runSkopeo,
  seedImage,
  skopeoDigest,
  skopeoInspect,
  skopeoInspectText,
  startFaultProxy,
  startRegistry,
  type FaultProxy,
  type Registry,
} from '../../harness/index.mjs';
import { closeAllTransports, copy, createClient, type Client, type CopyImageEvent } from '../../../src/index.js';

let token: Registry;
let tls: Registry;
let root: string;
let multiDigest: string;
const clients: Client[] = [];

beforeAll(async () => {
  [token, tls] = await Promise.all([startRegistry({ mode: 'token', accessLog: true }), startRegistry({ mode: 'open', tls: true })]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-copy-'));
  [multiDigest] = await Promise.all([
    seedImage(token, 'library/multi:1', { multiArch: true, layers: [4000, 300_000] }),
    seedImage(token, 'library/app:1', { layers: [2000] }),
    seedImage(token, 'library/app:2', { layers: [3000, 200_000] }),
    seedImage(token, 'library/app:3', { format: 'v2s2', layers: [1000] }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await closeAllTransports();
  await Promise.all([token?.stop(), tls?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

/** A client logged in to the token registry as `user`, trusting the TLS registry's CA. */
function client(user = 'alice'): Client {
  const c = createClient({
    storeRoot: join(root, 'unused-store'),
    caFile: tls.caFile!,
    credentials: async (registry: string) => (registry === token.host ? { username: user, password: token.users[user]! } : undefined),
  });
  clients.push(c);
  return c;
}

/** HEAD over TLS with the test CA. */
function headStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'HEAD', ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function listTags(reg: Registry, repo: string): Promise<string[]> {
  const f = remoteFlags('', { registry: reg, creds: null });
  const { stdout } = await runSkopeo(['list-tags', ...f.args, `docker://${reg.host}/${repo}`]);
  return (JSON.parse(stdout) as { Tags: string[] }).Tags.sort();
}

describe('copy between registries', () => {
  it('copies the multi-arch image whole to the TLS registry: skopeo reads the same index digest and bytes', async () => {
    const r = await copy(client(), `${token.host}/library/multi:1`, `${tls.host}/mirror/multi:1`);
    expect(r.images).toEqual([
      expect.objectContaining({
        digest: multiDigest,
        reference: `${tls.host}/mirror/multi:1`,
        mediaType: 'application/vnd.oci.image.index.v1+json',
      }),
    ]);
    expect(await skopeoDigest(`${tls.host}/mirror/multi:1`, { registry: tls })).toBe(multiDigest);
    const theirs = await skopeoInspectText(`${token.host}/library/multi:1`, { registry: token, creds: null, raw: true });
    expect(await skopeoInspectText(`${tls.host}/mirror/multi:1`, { registry: tls, raw: true })).toBe(theirs);
    // every child came, the attestation too: skopeo copies the whole thing out of the mirror
    const index = (await skopeoInspect(`${tls.host}/mirror/multi:1`, { registry: tls, raw: true })) as { manifests: { digest: string }[] };
    expect(index.manifests).toHaveLength(3);
    const out = join(root, 'skopeo-out');
    await runSkopeo([
      'copy',
      '--all',
      ...remoteFlags('src', { registry: tls }).args,
      `docker://${tls.host}/mirror/multi:1`,
      `oci:${out}:x`,
    ]);
    expect(r.blobs).toMatchObject({ mounted: 0, existed: 0 });
    expect(r.blobs.copied).toBeGreaterThanOrEqual(6);
  });

  it('a second copy finds everything there and writes only the tag', async () => {
    const r = await copy(client(), `${token.host}/library/multi:1`, `${tls.host}/mirror/multi:again`);
    expect(r.blobs).toEqual({ existed: 0, mounted: 0, copied: 0, bytesCopied: 0 });
    expect(await skopeoDigest(`${tls.host}/mirror/multi:again`, { registry: tls })).toBe(multiDigest);
  });

  it('--platform copies that platform manifest alone (its own digest, like skopeo without --all)', async () => {
    const index = (await skopeoInspect(`${token.host}/library/multi:1`, { registry: token, creds: null, raw: true })) as {
      manifests: { digest: string; platform?: { architecture: string } }[];
    };
    const arm64 = index.manifests.find((m) => m.platform?.architecture === 'arm64')!;
    const r = await copy(client(), `${token.host}/library/multi:1`, `${tls.host}/mirror/arm:1`, {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    expect(r.images[0]).toMatchObject({ digest: arm64.digest, platform: { os: 'linux', architecture: 'arm64' } });
    expect(await skopeoDigest(`${tls.host}/mirror/arm:1`, { registry: tls })).toBe(arm64.digest);
  });

  it('--all-tags copies every tag: the destination lists what skopeo list-tags lists at the source', async () => {
    const r = await copy(client(), `${token.host}/library/app`, `${tls.host}/mirror/app`, { allTags: true });
    expect(r.images.map((i) => i.reference.split(':').at(-1)).sort()).toEqual(['1', '2', '3']);
    expect(await listTags(tls, 'mirror/app')).toEqual(await listTags(token, 'library/app'));
    for (const tag of ['1', '2', '3']) {
      const theirs = await skopeoDigest(`${token.host}/library/app:${tag}`, { registry: token, creds: null });
      expect(await skopeoDigest(`${tls.host}/mirror/app:${tag}`, { registry: tls })).toBe(theirs);
    }
  });

  it('refuses a tag with --all-tags, and names a missing source', async () => {
    await expect(copy(client(), `${token.host}/library/app:1`, `${tls.host}/x/y`, { allTags: true })).rejects.toMatchObject({
      kind: 'usage',
      code: 'TAG_WITH_ALL_TAGS',
    });
    await expect(copy(client(), `${token.host}/library/nothing:1`, `${tls.host}/x/y:1`)).rejects.toMatchObject({ kind: 'notfound' });
  });
});

describe('copy within one registry', () => {
  it('mounts every blob from the source repository (201 in the access log), with push first and pull on the source in the token scopes', async () => {
    token.tokenServer!.clearLog();
    const before = token.accessLog().length;
    const events: CopyImageEvent[] = [];
    const r = await copy(client('alice'), `${token.host}/library/multi:1`, `${token.host}/alice/multi:1`, {
      onEvent: (e) => events.push(e),
    });
    expect(r.images[0]!.digest).toBe(multiDigest);
    expect(r.blobs.copied).toBe(0);
    const requests = token.accessLog().slice(before);
    const mounts = requests.filter((q) => q.method === 'POST' && q.path.startsWith('/v2/alice/multi/blobs/uploads/?'));
    expect(mounts.length).toBe(r.blobs.mounted);
    for (const m of mounts) {
      expect(m.status).toBe(201);
      expect(decodeURIComponent(m.path)).toContain('from=library/multi');
    }
    // nothing was uploaded: no PATCH, no blob PUT
    expect(requests.filter((q) => q.method === 'PATCH')).toEqual([]);
    const mounted = events.filter((e) => e.type === 'node' && e.event.type === 'mounted');
    expect(mounted.length).toBe(r.blobs.mounted);
    for (const e of token.tokenServer!.log) {
      if (e.scopes.includes('repository:library/multi:pull') && e.scopes.length > 1)
        expect(e.scopes[0]).toBe('repository:alice/multi:pull,push');
    }
    expect(token.tokenServer!.log.some((e) => e.scopes.includes('repository:library/multi:pull') && e.scopes.length > 1)).toBe(true);
    expect(await skopeoDigest(`${token.host}/alice/multi:1`, { registry: token, creds: null })).toBe(multiDigest);
  });

  it('a user who may not push there gets an auth error', async () => {
    await expect(copy(client('bob'), `${token.host}/library/app:1`, `${token.host}/alice/stolen:1`)).rejects.toMatchObject({
      kind: 'auth',
    });
  });
});

describe('a faulty source', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy({ upstream: token.host });
  });
  afterAll(() => proxy?.close());

  it('a connection that breaks off mid-blob is read again in a new upload session, and the copy completes', async () => {
    const manifest = (await skopeoInspect(`${token.host}/library/app:2`, { registry: token, creds: null, raw: true })) as {
      layers: { digest: string; size: number }[];
    };
    const big = manifest.layers.find((l) => l.size > 150_000)!;
    proxy.setRules([{ method: 'GET', path: big.digest, action: { type: 'reset', afterBytes: 60_000 }, times: 1 }]);
    const r = await copy(client(), `${proxy.host}/library/app:2`, `${tls.host}/mirror/reset:2`);
    expect(proxy.requests('GET', big.digest)).toHaveLength(2);
    const theirs = await skopeoDigest(`${token.host}/library/app:2`, { registry: token, creds: null });
    expect(r.images[0]!.digest).toBe(theirs);
    expect(await skopeoDigest(`${tls.host}/mirror/reset:2`, { registry: tls })).toBe(theirs);
  });

  it('wrong bytes fail with an integrity error before the destination commits the blob; nothing is tagged', async () => {
    const index = (await skopeoInspect(`${token.host}/library/app:2`, { registry: token, creds: null, raw: true })) as {
      layers: { digest: string; size: number }[];
    };
    const big = index.layers.find((l) => l.size > 150_000)!;
    proxy.setRules([{ method: 'GET', path: big.digest, action: { type: 'flip', at: 100_000 }, times: 10 }]);
    const c = client();
    const err = await copy(c, `${proxy.host}/library/app:2`, `${tls.host}/mirror/bad:2`).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'integrity', code: 'DIGEST_MISMATCH' });
    const f = remoteFlags('', { registry: tls });
    await expect(runSkopeo(['inspect', '--raw', ...f.args, `docker://${tls.host}/mirror/bad:2`])).rejects.toThrow();
    // the blob never reached the destination: its upload was cancelled before the digest was committed
    expect(await headStatus(`${tls.url}/v2/mirror/bad/blobs/${big.digest}`, tls.ca!)).toBe(404);
  });
});
