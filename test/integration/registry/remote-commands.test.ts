/**
 * The registry verbs against the real distribution registry (token auth), each checked by skopeo:
 * tags = skopeo list-tags, digest = skopeo inspect {{.Digest}}, manifest = skopeo inspect --raw,
 * config = skopeo inspect --config --raw, index create -> skopeo copy --all, delete -> skopeo fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSkopeo, seedImage, skopeoInspect, skopeoInspectText, startRegistry, type Registry } from '../../harness/index.mjs';
import {
  blob,
  catalog,
  closeAllTransports,
  createClient,
  createIndex,
  deleteImage,
  imageConfig,
  manifest,
  manifestDigest,
  tags,
  type Client,
  type Credential,
  HubctlError,
} from '../../../src/index.js';

let reg: Registry;
let root: string;
let alice: Client;
let multiDigest: string;
const creds = (user: string) => ({ username: user, password: reg.users[user]! });

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-remote-'));
  multiDigest = await seedImage(reg, 'alice/multi:1', { multiArch: true, layers: [3000, 200_000] });
  await Promise.all([
    ...['1.0', '1.1', '2.0', 'latest'].map((t) => seedImage(reg, `alice/app:${t}`, { layers: [500] })),
    seedImage(reg, 'alice/v2s2:1', { format: 'v2s2', layers: [700] }),
    seedImage(reg, 'bob/tools:1', { layers: [400] }),
  ]);
  alice = createClient({
    storeRoot: join(root, 'store'),
    credentials: async (registry: string): Promise<Credential | undefined> => (registry === reg.host ? creds('alice') : undefined),
  });
}, 120_000);

afterAll(async () => {
  await alice?.close();
  await closeAllTransports();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const skopeo = { registry: () => ({ registry: reg, creds: creds('alice') }) };

describe('tags', () => {
  it('lists what skopeo list-tags lists', async () => {
    const r = await tags(alice, `${reg.host}/alice/app`);
    const { stdout } = await runSkopeo([
      'list-tags',
      '--tls-verify=false',
      '--creds',
      `alice:${reg.users.alice}`,
      `docker://${reg.host}/alice/app`,
    ]);
    const theirs = JSON.parse(stdout) as { Tags: string[] };
    expect(r.repository).toBe(`${reg.host}/alice/app`);
    expect([...r.tags].sort()).toEqual([...theirs.Tags].sort());
    expect([...r.tags].sort()).toEqual(['1.0', '1.1', '2.0', 'latest']);
  });

  it('an unknown repository is a not-found error', async () => {
    await expect(tags(alice, `${reg.host}/alice/nothing-here`)).rejects.toMatchObject({ kind: 'notfound' });
  });
});

describe('digest, manifest, config', () => {
  it('digest equals skopeo inspect {{.Digest}}, for an index and for one platform', async () => {
    const r = await manifestDigest(alice, `${reg.host}/alice/multi:1`);
    const { stdout } = await runSkopeo([
      'inspect',
      '--tls-verify=false',
      '--creds',
      `alice:${reg.users.alice}`,
      '--format',
      '{{.Digest}}',
      `docker://${reg.host}/alice/multi:1`,
    ]);
    expect(r.descriptor.digest).toBe(stdout.trim());
    expect(r.descriptor.digest).toBe(multiDigest);
    const arm = await manifestDigest(alice, `${reg.host}/alice/multi:1`, { platform: { os: 'linux', architecture: 'arm64' } });
    const armRaw = await skopeoInspectText(`${reg.host}/alice/multi@${arm.descriptor.digest}`, { ...skopeo.registry(), raw: true });
    expect(`sha256:${createHash('sha256').update(armRaw).digest('hex')}`).toBe(arm.descriptor.digest);
  });

  it('manifest bytes equal skopeo inspect --raw (index, OCI image, docker v2s2)', async () => {
    for (const ref of ['alice/multi:1', 'alice/app:1.0', 'alice/v2s2:1']) {
      const r = await manifest(alice, `${reg.host}/${ref}`);
      const raw = await skopeoInspectText(`${reg.host}/${ref}`, { ...skopeo.registry(), raw: true });
      expect(r.bytes.toString('utf8')).toBe(raw);
    }
  });

  it('config bytes equal skopeo inspect --config --raw; an index gives the asked platform', async () => {
    const r = await imageConfig(alice, `${reg.host}/alice/app:1.0`);
    const raw = await skopeoInspectText(`${reg.host}/alice/app:1.0`, { ...skopeo.registry(), config: true, raw: true });
    expect(r.bytes.toString('utf8')).toBe(raw);
    const arm = await imageConfig(alice, `${reg.host}/alice/multi:1`, { platform: { os: 'linux', architecture: 'arm64' } });
    expect(JSON.parse(arm.bytes.toString('utf8'))).toMatchObject({ architecture: 'arm64', os: 'linux' });
  });

  it('a missing tag is a not-found error naming the reference', async () => {
    const e = await manifestDigest(alice, `${reg.host}/alice/app:9.9`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HubctlError);
    expect((e as HubctlError).kind).toBe('notfound');
    const m = await manifest(alice, `${reg.host}/alice/app:9.9`).catch((x: unknown) => x);
    expect((m as HubctlError).message).toContain(`manifest for ${reg.host}/alice/app:9.9 not found`);
  });
});

describe('blob', () => {
  it('streams a layer whose bytes hash to its digest', async () => {
    const m = await manifest(alice, `${reg.host}/alice/multi:1`, { platform: { os: 'linux', architecture: 'amd64' } });
    const layer = (m.manifest as { layers: { digest: string; size: number }[] }).layers[1]!;
    const b = await blob(alice, `${reg.host}/alice/multi@${layer.digest}`);
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of b.stream) {
      hash.update(chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    expect(`sha256:${hash.digest('hex')}`).toBe(layer.digest);
    expect(n).toBe(layer.size);
    expect(b.size).toBe(layer.size);
  });

  it('refuses a reference without a digest, and a missing blob is not found', async () => {
    await expect(blob(alice, `${reg.host}/alice/app:1.0`)).rejects.toMatchObject({ kind: 'usage' });
    await expect(blob(alice, `${reg.host}/alice/app@sha256:${'0'.repeat(64)}`)).rejects.toMatchObject({ kind: 'notfound' });
  });
});

describe('catalog', () => {
  it('follows Link pages one repository at a time', async () => {
    const all = await catalog(alice, reg.host, { pageSize: 1 });
    expect(all.repositories).toEqual(['alice/app', 'alice/multi', 'alice/v2s2', 'bob/tools']);
    const two = await catalog(alice, reg.host, { pageSize: 1, limit: 2 });
    expect(two.repositories).toEqual(['alice/app', 'alice/multi']);
  });
});

describe('index create', () => {
  let amd: string;
  let arm: string;
  beforeAll(async () => {
    // Two single-platform images, the arm64 one in another repository (copied there by skopeo).
    amd = await seedImage(reg, 'alice/parts:amd64', { layers: [900] });
    await runSkopeo([
      'copy',
      '--override-arch',
      'arm64',
      '--override-variant',
      'v8',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      `alice:${reg.users.alice}`,
      '--dest-creds',
      `alice:${reg.users.alice}`,
      `docker://${reg.host}/alice/multi:1`,
      `docker://${reg.host}/alice/armonly:1`,
    ]);
    arm = (await manifestDigest(alice, `${reg.host}/alice/armonly:1`)).descriptor.digest;
  });

  it('writes an index into the store with each platform read from the config, and refuses an index source', async () => {
    const r = await createIndex(alice, `${reg.host}/alice/combined:local`, [
      `${reg.host}/alice/parts:amd64`,
      `${reg.host}/alice/armonly:1`,
    ]);
    expect(r.index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(r.index.manifests.map((m) => [m.digest, m.platform])).toEqual([
      [amd, { os: 'linux', architecture: 'amd64' }],
      [arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ]);
    const store = await alice.store();
    expect(await store.resolve(`${reg.host}/alice/combined:local`)).toMatchObject({ digest: r.descriptor.digest });
    await expect(createIndex(alice, `${reg.host}/alice/x:1`, [`${reg.host}/alice/multi:1`])).rejects.toMatchObject({
      code: 'INDEX_SOURCE_IS_INDEX',
    });
  });

  it('--push mounts the children into the target repository; skopeo copies the index with --all', async () => {
    const statuses: string[] = [];
    const r = await createIndex(alice, `${reg.host}/alice/combined:1`, [`${reg.host}/alice/parts:amd64`, `${reg.host}/alice/armonly:1`], {
      push: true,
      onEvent: (e) => {
        if (e.type === 'child') statuses.push(e.status);
      },
    });
    expect(statuses).toEqual(['mounted', 'mounted']);
    expect(r.pushed?.pushed[0]?.digest).toBe(r.descriptor.digest);
    const raw = await skopeoInspectText(`${reg.host}/alice/combined:1`, { ...skopeo.registry(), raw: true });
    expect(raw).toBe(r.bytes.toString('utf8'));
    const dir = await mkdtemp(join(root, 'copy-'));
    await runSkopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--src-creds',
      `alice:${reg.users.alice}`,
      `docker://${reg.host}/alice/combined:1`,
      `oci:${dir}:x`,
    ]);
    const copied = await skopeoInspect(`oci:${dir}:x`, { raw: true });
    expect(copied.manifests?.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
  });

  it('--push to another registry copies the blobs', async () => {
    const other = await startRegistry({ mode: 'open' });
    try {
      const both = createClient({
        storeRoot: join(root, 'store2'),
        credentials: async (registry: string) => (registry === reg.host ? creds('alice') : undefined),
      });
      const events: string[] = [];
      try {
        await createIndex(both, `${other.host}/team/combined:1`, [`${reg.host}/alice/parts:amd64`, `${reg.host}/alice/armonly:1`], {
          push: true,
          onEvent: (e) => {
            if (e.type === 'child') events.push(e.status);
          },
        });
      } finally {
        await both.close();
      }
      expect(events).toEqual(['copied', 'copied']);
      const dir = await mkdtemp(join(root, 'copy-'));
      await runSkopeo(['copy', '--all', '--src-tls-verify=false', `docker://${other.host}/team/combined:1`, `oci:${dir}:x`]);
    } finally {
      await other.stop();
    }
  });
});

describe('delete', () => {
  it('resolves a tag to its digest and deletes it; skopeo then finds nothing', async () => {
    const digest = await seedImage(reg, 'alice/doomed:1', { layers: [300] });
    const r = await deleteImage(alice, `${reg.host}/alice/doomed:1`);
    expect(r.digest).toBe(digest);
    const gone = await runSkopeo(
      ['inspect', '--tls-verify=false', '--creds', `alice:${reg.users.alice}`, `docker://${reg.host}/alice/doomed@${digest}`],
      { timeoutMs: 60_000 },
    ).catch((e: Error) => e);
    expect(gone).toBeInstanceOf(Error);
    expect(String((gone as Error).message)).toMatch(/manifest unknown|not found/i);
  });

  it('needs the delete action: bob may not delete alice/app', async () => {
    const bob = createClient({
      storeRoot: join(root, 'store-bob'),
      credentials: async (registry: string) => (registry === reg.host ? creds('bob') : undefined),
    });
    try {
      await expect(deleteImage(bob, `${reg.host}/alice/app:1.0`)).rejects.toMatchObject({ kind: 'auth' });
    } finally {
      await bob.close();
    }
  });
});
