import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';
import { startRegistry, seedImage, skopeoDigest, skopeoInspect, type Registry } from '../../harness/index.mjs';
import {
  createClient,
  mountCandidates,
  pull,
  push,
  tag,
  closeAllTransports,
  type Client,
  type Credential,
  type PushEvent,
} from '../../../src/index.js';

let reg: Registry;
let root: string;
let ubuntuDigest: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-push-'));
  [ubuntuDigest] = await Promise.all([
    seedImage(reg, 'library/ubuntu:14.04', { layers: [30_000, 20_000, 10_000] }),
    seedImage(reg, 'library/multi:1', { multiArch: true, attestation: false, layers: [4000] }),
    seedImage(reg, 'library/v2s2:1', { format: 'v2s2', layers: [5000] }),
    seedImage(reg, 'library/attested:1', { multiArch: true, layers: [3000] }),
  ]);
});

afterAll(async () => {
  await closeAllTransports();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const as = (user: string, storeRoot: string): Client =>
  createClient({
    storeRoot,
    credentials: async (registry: string): Promise<Credential | undefined> =>
      registry === reg.host ? { username: user, password: reg.users[user]! } : undefined,
  });
const storeRoot = () => mkdtemp(join(root, 's-'));
const layerEvents = (events: PushEvent[]) => events.filter((e): e is Extract<PushEvent, { type: 'layer' }> => e.type === 'layer');

/** The Content-Type the registry serves a manifest with (the one it was PUT with). */
async function servedContentType(repo: string, ref: string): Promise<string | null> {
  const { token } = reg.tokenServer!.issueToken('admin', [{ type: 'repository', name: repo, actions: ['pull'] }]);
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    method: 'HEAD',
    headers: {
      authorization: `Bearer ${token}`,
      accept:
        'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  return res.headers.get('content-type');
}

describe('push to the token registry', () => {
  let s: string;
  let c: Client;

  beforeAll(async () => {
    s = await storeRoot();
    c = as('alice', s);
    await pull(c, `${reg.host}/library/ubuntu:14.04`);
    await tag(c, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/ubuntu:14.04`);
  });
  afterAll(() => c.close());

  it('mounts every layer from the repository it was pulled from; skopeo sees the same digest', async () => {
    reg.tokenServer!.clearLog();
    const events: PushEvent[] = [];
    const r = await push(c, `${reg.host}/alice/ubuntu:14.04`, { onEvent: (e) => events.push(e) });
    expect(events[0]).toEqual({ type: 'repository', name: `${reg.host}/alice/ubuntu` });
    const layers = layerEvents(events);
    expect(layers.filter((e) => e.status === 'preparing')).toHaveLength(3);
    const mounted = layers.filter((e) => e.status === 'mounted');
    expect(mounted).toHaveLength(3);
    expect(mounted.every((e) => e.from === 'library/ubuntu')).toBe(true);
    expect(r.blobs).toMatchObject({ mounted: 4, uploaded: 0 }); // 3 layers + the config
    expect(r.pushed).toEqual([
      expect.objectContaining({ tag: '14.04', digest: ubuntuDigest, reference: `${reg.host}/alice/ubuntu:14.04` }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'digest', tag: '14.04', digest: ubuntuDigest });
    expect(await skopeoDigest(`${reg.host}/alice/ubuntu:14.04`, { registry: reg, creds: null })).toBe(ubuntuDigest);
    // Push scope first in every token request that carried a mount source.
    for (const e of reg.tokenServer!.log) {
      if (e.scopes.length > 1) expect(e.scopes[0]).toBe('repository:alice/ubuntu:pull,push');
    }
  });

  it('a second push finds every layer already there', async () => {
    const events: PushEvent[] = [];
    const r = await push(c, `${reg.host}/alice/ubuntu:14.04`, { onEvent: (e) => events.push(e) });
    const layers = layerEvents(events).filter((e) => e.status !== 'preparing');
    expect(layers.map((e) => e.status)).toEqual(['exists', 'exists', 'exists']);
    expect(r.blobs).toMatchObject({ existed: 4, mounted: 0, uploaded: 0 });
  });

  it('uploads when no repository is known to hold the blobs, with the manifest type as Content-Type', async () => {
    const fresh = as('alice', await storeRoot());
    await pull(fresh, `${reg.host}/library/v2s2:1`);
    // Forget where it came from: only the new name remains.
    await tag(fresh, `${reg.host}/library/v2s2:1`, `${reg.host}/alice/copy:1`);
    const store = await fresh.store();
    await store.untag(`${reg.host}/library/v2s2:1`);
    const events: PushEvent[] = [];
    const r = await push(fresh, `${reg.host}/alice/copy:1`, { onEvent: (e) => events.push(e) });
    expect(layerEvents(events).filter((e) => e.status === 'pushed')).toHaveLength(1);
    expect(r.blobs.uploaded).toBe(2);
    const raw = await skopeoInspect(`${reg.host}/alice/copy:1`, { registry: reg, creds: null, raw: true });
    expect(raw.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(await servedContentType('alice/copy', '1')).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(await servedContentType('alice/ubuntu', '14.04')).toBe('application/vnd.oci.image.manifest.v1+json');
    await fresh.close();
  });

  it('a user without push rights gets an auth error', async () => {
    const bob = as('bob', s);
    await tag(bob, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/x:1`);
    const err = await push(bob, `${reg.host}/alice/x:1`).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', code: 'PUSH_DENIED' });
    expect(String((err as Error).message)).toContain('denied');
    await bob.close();
  });

  it('an image missing from the store is a notfound error', async () => {
    await expect(push(c, `${reg.host}/alice/nothing:1`)).rejects.toMatchObject({ kind: 'notfound' });
  });

  it('--all-tags pushes every tag of the repository', async () => {
    await tag(c, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/all:a`);
    await tag(c, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/all:b`);
    const r = await push(c, `${reg.host}/alice/all`, { allTags: true });
    expect(r.pushed.map((p) => p.tag)).toEqual(['a', 'b']);
    expect(await skopeoDigest(`${reg.host}/alice/all:b`, { registry: reg, creds: null })).toBe(ubuntuDigest);
  });
});

describe('mount candidates that fail', () => {
  it('falls back to an upload when the source repository does not hold the blob (202) or the token may not read it', async () => {
    const c = as('bob', await storeRoot());
    const store = await c.store();
    await pull(c, `${reg.host}/library/ubuntu:14.04`);
    // A name claiming to hold the blobs in a repository that does not exist on the registry.
    await tag(c, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/never:1`);
    await tag(c, `${reg.host}/library/ubuntu:14.04`, `${reg.host}/bob/one:1`);
    await store.untag(`${reg.host}/library/ubuntu:14.04`);
    let events: PushEvent[] = [];
    let r = await push(c, `${reg.host}/bob/one:1`, { onEvent: (e) => events.push(e) });
    expect(r.blobs).toMatchObject({ mounted: 0, uploaded: 4 });
    expect(layerEvents(events).filter((e) => e.status === 'pushed')).toHaveLength(3);

    // Now the only candidate is a repository bob may not pull: the token cannot cover the mount.
    await tag(c, `${reg.host}/bob/one:1`, `${reg.host}/private/hidden:1`);
    await tag(c, `${reg.host}/bob/one:1`, `${reg.host}/bob/two:1`);
    await store.untag(`${reg.host}/alice/never:1`);
    await store.untag(`${reg.host}/bob/one:1`);
    const candidates = await mountCandidates(store, reg.host, 'bob/two');
    expect([...new Set([...candidates.values()].flat())]).toEqual(['private/hidden']);
    events = [];
    reg.tokenServer!.clearLog();
    r = await push(c, `${reg.host}/bob/two:1`, { concurrency: 1, onEvent: (e) => events.push(e) });
    expect(r.blobs).toMatchObject({ mounted: 0, uploaded: 4 });
    // The refused source is not asked for again for the other blobs of this push.
    const withMount = reg.tokenServer!.log.filter((e) => e.scopes.includes('repository:private/hidden:pull'));
    expect(withMount.length).toBeLessThanOrEqual(2);
    expect(await skopeoDigest(`${reg.host}/bob/two:1`, { registry: reg, creds: null })).toBe(ubuntuDigest);
    await c.close();
  });
});

describe('multi-arch index', () => {
  it('pushes each platform manifest by digest, then the index under the tag', async () => {
    const c = as('alice', await storeRoot());
    const pulled = await pull(c, `${reg.host}/library/multi:1`, { allPlatforms: true });
    await tag(c, `${reg.host}/library/multi:1`, `${reg.host}/alice/multi:1`);
    const events: PushEvent[] = [];
    const r = await push(c, `${reg.host}/alice/multi:1`, { onEvent: (e) => events.push(e) });
    expect(r.pushed[0]!.digest).toBe(pulled.digest);
    expect(r.pushed[0]!.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(await skopeoDigest(`${reg.host}/alice/multi:1`, { registry: reg, creds: null })).toBe(pulled.digest);
    const raw = await skopeoInspect(`${reg.host}/alice/multi:1`, { registry: reg, creds: null, raw: true });
    expect(raw.manifests).toHaveLength(2);
    expect(await servedContentType('alice/multi', '1')).toBe('application/vnd.oci.image.index.v1+json');
    await c.close();
  });
});

describe('an index whose attestation manifest was not pulled', () => {
  it('copies the missing child registry-side from the repository it was pulled from', async () => {
    const c = as('alice', await storeRoot());
    const pulled = await pull(c, `${reg.host}/library/attested:1`, { allPlatforms: true });
    const index = await skopeoInspect(`${reg.host}/library/attested:1`, { registry: reg, creds: null, raw: true });
    const attestation = (index.manifests as { digest: string; platform?: { os: string } }[]).find((m) => m.platform?.os === 'unknown')!;
    expect(attestation).toBeDefined();
    expect(await (await c.store()).blobSize(attestation.digest)).toBeUndefined(); // --all-platforms skips attestations
    await tag(c, `${reg.host}/library/attested:1`, `${reg.host}/alice/attested:1`);
    const r = await push(c, `${reg.host}/alice/attested:1`);
    expect(r.pushed[0]!.digest).toBe(pulled.digest);
    expect(await skopeoDigest(`${reg.host}/alice/attested:1`, { registry: reg, creds: null })).toBe(pulled.digest);
    expect(await skopeoDigest(`${reg.host}/alice/attested@${attestation.digest}`, { registry: reg, creds: null })).toBe(attestation.digest);
    await c.close();
  });

  it('without a known source the push fails naming the missing child', async () => {
    const c = as('alice', await storeRoot());
    await pull(c, `${reg.host}/library/attested:1`, { allPlatforms: true });
    await tag(c, `${reg.host}/library/attested:1`, `${reg.host}/alice/orphan:1`);
    await (await c.store()).untag(`${reg.host}/library/attested:1`);
    await expect(push(c, `${reg.host}/alice/orphan:1`)).rejects.toMatchObject({ kind: 'notfound', code: 'INDEX_CHILD_MISSING' });
    await c.close();
  });
});

/** A TCP proxy that slows the client-to-registry direction to `bytesPerSecond`. */
async function throttlingProxy(targetPort: number, bytesPerSecond: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const slow = new Transform({
      transform(chunk: Buffer, _e, cb) {
        setTimeout(() => cb(null, chunk), (chunk.length / bytesPerSecond) * 1000);
      },
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(slow).pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('token expiry during a long push', () => {
  it('renews the token and completes', async () => {
    const regPort = Number(reg.host.split(':')[1]);
    const proxy = await throttlingProxy(regPort, 1_500_000);
    const host = `127.0.0.1:${proxy.port}`;
    const s = await storeRoot();
    const seedRef = 'alice/big:1';
    // 4 incompressible layers of 3 MB: about 8 s through the proxy, one at a time.
    const digest = await seedImage(reg, seedRef, { layers: [3_000_000, 3_000_000, 3_000_000, 3_000_000] });
    const c = createClient({
      storeRoot: s,
      credentials: async (registry: string) => (registry === host ? { username: 'alice', password: reg.users.alice! } : undefined),
    });
    try {
      await pull(c, `${reg.host}/${seedRef}`);
      await tag(c, `${reg.host}/${seedRef}`, `${host}/alice/renewed:1`);
      reg.tokenServer!.set({ expOffsetSeconds: -55 }); // valid ~5 s given distribution's 60 s leeway
      reg.tokenServer!.clearLog();
      const started = Date.now();
      const r = await push(c, `${host}/alice/renewed:1`, { concurrency: 1 });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThan(6000);
      expect(r.blobs.uploaded).toBe(5);
      expect(r.pushed[0]!.digest).toBe(digest);
      // More than one token was needed: the first expired on the way.
      expect(reg.tokenServer!.log.filter((e) => e.status === 200).length).toBeGreaterThan(1);
      expect(await skopeoDigest(`${reg.host}/alice/renewed:1`, { registry: reg, creds: null })).toBe(digest);
    } finally {
      reg.tokenServer!.set({ expOffsetSeconds: undefined });
      await c.close();
      await proxy.close();
    }
  }, 60_000);
});
