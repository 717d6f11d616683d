import { existsSync } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { ImageStore, describeImages } from '../../../src/store/index.js';
import { descOf, randomBytesOf, useTempStore, writeImage, writeIndex } from './helpers.js';

let dir: string;
let store: ImageStore;
useTempStore((t) => ({ dir, store } = t));

const age = async (path: string, ms: number) => {
  const t = (Date.now() - ms) / 1000;
  await utimes(path, t, t);
};

describe('gc', () => {
  it('keeps blobs shared with another image and removes the rest', async () => {
    const shared = randomBytesOf(5_000, 1);
    const a = await writeImage(store, { layers: [shared, randomBytesOf(3_000, 2)], created: '2024-01-01T00:00:00Z' });
    const b = await writeImage(store, { layers: [shared, randomBytesOf(4_000, 3)], created: '2024-02-01T00:00:00Z' });
    await store.tag('a', a.manifest);
    await store.tag('b', b.manifest);
    expect((await store.gc()).removed).toEqual([]);

    await store.remove('a');
    const res = await store.gc();
    expect(res.removed.sort()).toEqual([a.manifest.digest, a.config.digest, a.layers[1]!.digest].sort());
    expect(res.bytesFreed).toBe(a.manifest.size + a.config.size + 3_000);
    expect(existsSync(store.blobPath(a.layers[0]!.digest))).toBe(true);
    expect((await store.validate({ verifyDigests: true })).ok).toBe(true);
    expect((await readdir(`${dir}/blobs/sha256`)).length).toBe(4);

    await store.remove('b');
    await store.gc();
    expect(await readdir(`${dir}/blobs/sha256`)).toEqual([]);
  });

  it('an index keeps its children and their blobs; an image tagged twice is kept until both tags go', async () => {
    const amd = await writeImage(store, { layers: [randomBytesOf(100, 4)], arch: 'amd64' });
    const arm = await writeImage(store, { layers: [randomBytesOf(100, 5)], arch: 'arm64' });
    const index = await writeIndex(store, [
      { desc: amd.manifest, arch: 'amd64' },
      { desc: arm.manifest, arch: 'arm64' },
    ]);
    await store.tag('multi', index);
    await store.tag('single:1', amd.manifest);
    await store.tag('single:2', amd.manifest);
    expect((await store.gc()).removed).toEqual([]);
    await store.remove('multi');
    await store.remove('single:1');
    const res = await store.gc();
    expect(res.removed.sort()).toEqual([index.digest, arm.manifest.digest, arm.config.digest, arm.layers[0]!.digest].sort());
    expect((await store.validate()).ok).toBe(true);
  });

  it('keeps young .partial files, removes old ones unless an ingest holds their lock', async () => {
    const young = `${dir}/blobs/sha256/.${'a'.repeat(64)}.partial`;
    const old = `${dir}/blobs/sha256/.${'b'.repeat(64)}.partial`;
    const locked = `${dir}/blobs/sha256/.${'c'.repeat(64)}.partial`;
    for (const p of [young, old, locked]) await writeFile(p, 'xyz');
    await age(old, 60 * 60_000);
    await age(locked, 60 * 60_000);
    await writeFile(
      `${dir}/blobs/sha256/.${'c'.repeat(64)}.lock`,
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), time: '', token: 't' }),
    );
    const res = await store.gc();
    expect(res.removedPartials).toEqual([`.${'b'.repeat(64)}.partial`]);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(locked)).toBe(true);
    expect(existsSync(old)).toBe(false);
  });

  it('graceMs keeps recently written unreferenced blobs', async () => {
    const bytes = randomBytesOf(100);
    await store.putBytes(descOf(bytes), bytes);
    await store.close();
    expect((await store.gc({ graceMs: 60_000 })).removed).toEqual([]);
    expect((await store.gc()).removed).toEqual([sha256(bytes)]);
  });

  it('blobs a live store instance wrote but has not tagged yet are leased: gc elsewhere keeps them', async () => {
    const puller = await ImageStore.open(dir);
    const bytes = randomBytesOf(100, 3);
    const layerOnly = randomBytesOf(50, 4);
    await puller.putBytes(descOf(bytes), bytes);
    await puller.putBytes(descOf(layerOnly), layerOnly);
    // another instance (as another process would) runs rmi/gc now
    expect((await store.gc()).removed).toEqual([]);
    // exists() (the copy engine's "skip it" check) leases too
    const present = randomBytesOf(70, 5);
    await store.putBytes(descOf(present), present);
    await store.close();
    expect(await puller.exists(descOf(present))).toBe(true);
    expect((await store.gc()).removed).toEqual([]);
    // tagging releases what the tag now protects; close() drops the rest
    const img = await writeImage(puller, { layers: [bytes] });
    await puller.tag('pulled', img.manifest);
    await puller.close();
    expect((await store.gc()).removed.sort()).toEqual([sha256(layerOnly), sha256(present)].sort());
    expect(existsSync(store.blobPath(sha256(bytes)))).toBe(true);
  });

  it('leases of dead processes are ignored and deleted', async () => {
    const bytes = randomBytesOf(100, 6);
    await store.putBytes(descOf(bytes), bytes);
    await store.close();
    const { mkdir } = await import('node:fs/promises');
    const { hostname } = await import('node:os');
    await mkdir(`${dir}/.hubctl/leases`, { recursive: true });
    const leaseFile = `${dir}/.hubctl/leases/dead.json`;
    await writeFile(leaseFile, `${JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname(), time: '' })}\n+${sha256(bytes)}\n`);
    expect((await store.gc()).removed).toEqual([sha256(bytes)]);
    expect(existsSync(leaseFile)).toBe(false);
  });

  it('refuses to collect when a referenced manifest is unreadable', async () => {
    const a = await writeImage(store, { layers: [randomBytesOf(100)] });
    await store.tag('a', a.manifest);
    await writeFile(store.blobPath(a.manifest.digest), Buffer.alloc(a.manifest.size, 0x20));
    await expect(store.gc()).rejects.toMatchObject({ kind: 'store', code: 'STORE_GC_UNSAFE' });
    expect(existsSync(store.blobPath(a.layers[0]!.digest))).toBe(true);
    const v = await store.validate();
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toContain(a.manifest.digest);
  });
});

describe('validate', () => {
  it('reports missing blobs and corrupt blobs', async () => {
    const a = await writeImage(store, { layers: [randomBytesOf(100, 1), randomBytesOf(100, 2)] });
    await store.tag('a', a.manifest);
    expect(await store.validate({ verifyDigests: true })).toMatchObject({ ok: true, entries: 1, blobs: 4 });
    await writeFile(store.blobPath(a.layers[0]!.digest), randomBytesOf(100, 9));
    const { rm } = await import('node:fs/promises');
    await rm(store.blobPath(a.layers[1]!.digest));
    const v = await store.validate({ verifyDigests: true });
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(2);
    expect(v.problems.join('\n')).toContain(`missing blob ${a.layers[1]!.digest}`);
    expect(v.problems.join('\n')).toContain(`blob ${a.layers[0]!.digest} is corrupt`);
  });
});

describe('describeImages', () => {
  it('lists ref, digest, config digest, created and size; for an index the local children', async () => {
    const shared = randomBytesOf(1_000, 1);
    const amd = await writeImage(store, { layers: [shared, randomBytesOf(500, 2)], arch: 'amd64', created: '2024-03-01T00:00:00Z' });
    const arm = await writeImage(store, { layers: [shared], arch: 'arm64', created: '2024-04-01T00:00:00Z' });
    const missingChild = { mediaType: MediaType.OciManifest, digest: sha256('not pulled'), size: 10 };
    const index = await writeIndex(store, [
      { desc: amd.manifest, arch: 'amd64' },
      { desc: arm.manifest, arch: 'arm64' },
      { desc: missingChild, arch: 's390x' },
    ]);
    await store.tag('img:1', amd.manifest);
    await store.tag('multi', index);
    const rows = await describeImages(store);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      ref: 'docker.io/library/img:1',
      digest: amd.manifest.digest,
      mediaType: MediaType.OciManifest,
      kind: 'image',
      configDigest: amd.config.digest,
      imageId: amd.config.digest,
      created: '2024-03-01T00:00:00Z',
      size: amd.config.size + 1_500,
      present: true,
    });
    expect(rows[1]).toMatchObject({
      ref: 'docker.io/library/multi:latest',
      digest: index.digest,
      kind: 'index',
      configDigest: undefined,
      imageId: index.digest,
      created: '2024-04-01T00:00:00Z',
      size: amd.config.size + arm.config.size + 1_500,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });
});
