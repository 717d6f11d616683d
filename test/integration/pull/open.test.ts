import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startRegistry, seedImageDetailed, skopeoDigest, type Registry } from '../../harness/index.mjs';
import { createClient, pull, images, inspect, rmi, ImageStore, HubctlError, closeAllTransports } from '../../../src/index.js';

let reg: Registry;
let root: string;
const seeded: Record<string, { digest: string; layers: number }> = {};

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-pull-open-'));
  const one = await seedImageDetailed(reg, 'library/small:1', { layers: [2048, 300_000, 70_000] });
  seeded.small = { digest: one.digest, layers: 3 };
  const v2 = await seedImageDetailed(reg, 'team/docker:v2', { layers: [4096, 5000], format: 'v2s2' });
  seeded.docker = { digest: v2.digest, layers: 2 };
  const multi = await seedImageDetailed(reg, 'team/multi:1', { multiArch: true, layers: [1000, 2000] });
  seeded.multi = { digest: multi.digest, layers: 2 };
});

afterAll(async () => {
  await closeAllTransports();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const client = (store = join(root, 'store'), platform = { os: 'linux', architecture: 'amd64' }) =>
  createClient({ storeRoot: store, platform });

describe('pull from an open distribution registry', () => {
  it("pulls an OCI image; the digest equals skopeo's and skopeo + umoci read the store", async () => {
    const c = client();
    const events: string[] = [];
    const r = await pull(c, `${reg.host}/library/small:1`, { onEvent: (e) => events.push(e.type === 'blob' ? e.event.type : e.type) });
    expect(r.reference).toBe(`${reg.host}/library/small:1`);
    expect(r.digest).toBe(seeded.small!.digest);
    expect(r.digest).toBe(await skopeoDigest(`docker://${reg.host}/library/small:1`, { registry: reg }));
    expect(events.filter((e) => e === 'done')).toHaveLength(3);
    expect(r.upToDate).toBe(false);
    const store = join(root, 'store');
    const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${store}:${reg.host}/library/small:1`]);
    expect(raw.toString()).toBe((await readFile(join(store, 'blobs/sha256', r.digest.slice(7)))).toString());
    const ls = execFileSync('umoci', ['ls', '--layout', store], { encoding: 'utf8' });
    expect(ls).toContain(`${reg.host}/library/small:1`);
    const unpackDir = join(root, 'bundle');
    execFileSync('umoci', ['unpack', '--rootless', '--image', `${store}:${reg.host}/library/small:1`, unpackDir]);
    await c.close();
  });

  it('a second pull is up to date and downloads nothing', async () => {
    const c = client();
    const r = await pull(c, `${reg.host}/library/small:1`);
    expect(r.upToDate).toBe(true);
    expect(r.bytesDownloaded).toBe(0);
    await c.close();
  });

  it('pulls by digest, and the digest wins over a tag', async () => {
    const c = client(join(root, 'bydigest'));
    const d = seeded.small!.digest;
    const r = await pull(c, `${reg.host}/library/small:nonexistent@${d}`);
    expect(r.reference).toBe(`${reg.host}/library/small@${d}`);
    expect(r.digest).toBe(d);
    const list = await images(c);
    expect(list.map((i) => i.tag)).toEqual(['<none>']);
    await c.close();
  });

  it('pulls a docker schema2 image', async () => {
    const c = client();
    const r = await pull(c, `${reg.host}/team/docker:v2`);
    expect(r.descriptor.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(r.digest).toBe(seeded.docker!.digest);
    await c.close();
  });

  it('picks the host platform from an index, or --platform, and skips unknown/unknown', async () => {
    const c = client(join(root, 'multi'));
    const amd = await pull(c, `${reg.host}/team/multi:1`);
    expect(amd.digest).toBe(seeded.multi!.digest);
    expect(amd.descriptor.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
    const arm = await pull(c, `${reg.host}/team/multi:1`, { platform: { os: 'linux', architecture: 'arm64' } });
    expect(arm.descriptor.platform).toMatchObject({ architecture: 'arm64' });
    const info = await inspect(c, `${reg.host}/team/multi:1`);
    expect(info.config?.architecture).toBe('arm64');
    await expect(pull(c, `${reg.host}/team/multi:1`, { platform: { os: 'windows', architecture: 'amd64' } })).rejects.toMatchObject({
      kind: 'notfound',
      hint: expect.stringContaining('linux/amd64, linux/arm64/v8'),
    });
    await c.close();
  });

  it('--all-platforms keeps the whole index; skopeo reads every platform from the store', async () => {
    const storeDir = join(root, 'all');
    const c = client(storeDir);
    const r = await pull(c, `${reg.host}/team/multi:1`, { allPlatforms: true });
    expect(r.descriptor.digest).toBe(seeded.multi!.digest);
    for (const arch of ['amd64', 'arm64']) {
      const out = execFileSync('skopeo', ['--override-arch', arch, 'inspect', `oci:${storeDir}:${reg.host}/team/multi:1`], {
        encoding: 'utf8',
      });
      expect(JSON.parse(out).Architecture).toBe(arch);
    }
    const store = await ImageStore.open(storeDir);
    expect((await store.validate()).ok).toBe(true);
    await c.close();
  });

  it('inspect --remote asks the registry without pulling', async () => {
    const c = client(join(root, 'remote-only'));
    const info = await inspect(c, `${reg.host}/library/small:1`, { remote: true });
    expect(info.digest).toBe(seeded.small!.digest);
    expect(info.config?.rootfs.diff_ids).toHaveLength(3);
    expect(await images(c)).toEqual([]);
    await c.close();
  });

  it('reports a missing image as not found', async () => {
    const c = client();
    const err = await pull(c, `${reg.host}/library/small:missing`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).kind).toBe('notfound');
    expect((err as HubctlError).message).toBe(`manifest for ${reg.host}/library/small:missing not found`);
    await c.close();
  });

  it('shares blobs between images and rmi removes only what nothing else uses', async () => {
    const storeDir = join(root, 'shared');
    const c = client(storeDir);
    await pull(c, `${reg.host}/library/small:1`);
    const d = seeded.small!.digest;
    await pull(c, `${reg.host}/library/small@${d}`);
    const before = await rmi(c, [`${reg.host}/library/small:1`]);
    expect(before.deleted).toEqual([]);
    const after = await rmi(c, [`${reg.host}/library/small@${d}`]);
    expect(after.deleted.length).toBe(5); // manifest, config, 3 layers
    const store = await ImageStore.open(storeDir);
    expect((await store.validate()).ok).toBe(true);
    await c.close();
  });
});
