import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { REF_NAME_ANNOTATION } from '../../../src/oci/types.js';
import { ImageStore, defaultStoreRoot, isValidOciRefName } from '../../../src/store/index.js';
import { useTempStore, writeImage } from './helpers.js';

let dir: string;
let store: ImageStore;
useTempStore((t) => ({ dir, store } = t));

const indexJson = async () =>
  JSON.parse(await readFile(`${dir}/index.json`, 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };

describe('layout', () => {
  it('creates oci-layout, index.json and blobs/sha256 on first use, and reopens without touching them', async () => {
    expect(JSON.parse(await readFile(`${dir}/oci-layout`, 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(await indexJson()).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    const img = await writeImage(store, { layers: [Buffer.from('a')] });
    await store.tag('centos', img.manifest);
    await ImageStore.open(dir);
    expect((await indexJson()).manifests).toHaveLength(1);
  });

  it('refuses a directory whose oci-layout is not an OCI layout file', async () => {
    await writeFile(`${dir}/oci-layout`, 'hello');
    await expect(ImageStore.open(dir)).rejects.toMatchObject({ kind: 'store', code: 'STORE_LAYOUT_INVALID' });
  });

  it('defaultStoreRoot: HUBCTL_STORE, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(defaultStoreRoot({ HUBCTL_STORE: '/s', XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/s');
    expect(defaultStoreRoot({ XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/x/hubctl/store');
    expect(defaultStoreRoot({ XDG_DATA_HOME: '' }, '/home/u')).toBe('/home/u/.local/share/hubctl/store');
    expect(defaultStoreRoot({}, '/home/u')).toBe('/home/u/.local/share/hubctl/store');
  });
});

describe('index.json: tag, untag, resolve, list', () => {
  it('tags with the full normalized reference in org.opencontainers.image.ref.name', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    const b = await writeImage(store, { layers: [Buffer.from('b')] });
    await store.tag('centos', a.manifest);
    await store.tag('127.0.0.1:5000/ns/x:1', b.manifest);
    const idx = await indexJson();
    expect(idx.manifests.map((m) => m.annotations?.[REF_NAME_ANNOTATION])).toEqual([
      'docker.io/library/centos:latest',
      '127.0.0.1:5000/ns/x:1',
    ]);
    expect((await store.resolve('docker.io/library/centos:latest'))?.digest).toBe(a.manifest.digest);
    expect((await store.resolve('centos:latest'))?.digest).toBe(a.manifest.digest);
    expect((await store.resolve('127.0.0.1:5000/ns/x:1'))?.digest).toBe(b.manifest.digest);
    expect(await store.resolve('centos:7')).toBeUndefined();
    expect((await store.list()).map((e) => [e.ref, e.descriptor.digest])).toEqual([
      ['docker.io/library/centos:latest', a.manifest.digest],
      ['127.0.0.1:5000/ns/x:1', b.manifest.digest],
    ]);
  });

  it('re-tagging replaces the entry for that ref', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    const b = await writeImage(store, { layers: [Buffer.from('b')] });
    await store.tag('centos', a.manifest);
    await store.tag('docker.io/library/centos:latest', b.manifest);
    expect((await indexJson()).manifests.map((m) => m.digest)).toEqual([b.manifest.digest]);
  });

  it('untag and remove', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    await store.tag('centos', a.manifest);
    await store.tag('centos:7', a.manifest);
    expect(await store.untag('centos:7')).toBe(true);
    expect(await store.untag('centos:7')).toBe(false);
    expect((await store.remove('centos')).digest).toBe(a.manifest.digest);
    await expect(store.remove('centos')).rejects.toMatchObject({ kind: 'notfound', code: 'IMAGE_NOT_FOUND' });
    expect((await indexJson()).manifests).toEqual([]);
  });

  it('stores a digest reference as a ref.name (valid per the OCI grammar)', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    const ref = `docker.io/library/centos@${a.manifest.digest}`;
    expect(isValidOciRefName(ref)).toBe(true);
    await store.tag(`centos@${a.manifest.digest}`, a.manifest);
    expect((await indexJson()).manifests[0]!.annotations).toEqual({ [REF_NAME_ANNOTATION]: ref });
    expect((await store.resolve(ref))?.digest).toBe(a.manifest.digest);
  });

  it('refuses to tag content that is not in the store', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a'), Buffer.from('bb')] });
    await expect(store.tag('x', { mediaType: MediaType.OciManifest, digest: sha256('nope'), size: 4 })).rejects.toMatchObject({
      kind: 'store',
      code: 'STORE_CONTENT_MISSING',
    });
    const { rm } = await import('node:fs/promises');
    await rm(store.blobPath(a.layers[1]!.digest));
    await expect(store.tag('x', a.manifest)).rejects.toMatchObject({ code: 'STORE_CONTENT_MISSING' });
    expect((await indexJson()).manifests).toEqual([]);
  });

  it('keeps entries other tools wrote (names that are not docker references) and finds them raw', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    await writeFile(
      `${dir}/index.json`,
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ ...a.manifest, annotations: { [REF_NAME_ANNOTATION]: 'v1.0' } }, { ...a.manifest }],
      }),
    );
    expect((await store.list()).map((e) => e.ref)).toEqual(['v1.0', undefined]);
    expect((await store.resolve('v1.0'))?.digest).toBe(a.manifest.digest);
    await store.tag('centos', a.manifest);
    expect((await indexJson()).manifests).toHaveLength(3);
  });

  it('a corrupt index.json is a store error with a hint, and is never overwritten', async () => {
    await writeFile(`${dir}/index.json`, '{"schemaVersion": 2, "manif');
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    const err = await store.tag('centos', a.manifest).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'store', code: 'STORE_INDEX_CORRUPT' });
    expect((err as { hint: string }).hint).toContain('index.json');
    await expect(store.list()).rejects.toMatchObject({ code: 'STORE_INDEX_CORRUPT' });
    await expect(store.gc()).rejects.toMatchObject({ code: 'STORE_INDEX_CORRUPT' });
    await ImageStore.open(dir);
    expect(await readFile(`${dir}/index.json`, 'utf8')).toBe('{"schemaVersion": 2, "manif');
    expect((await store.validate()).ok).toBe(false);
    await writeFile(`${dir}/index.json`, '{"schemaVersion": 2, "manifests": {}}');
    await expect(store.list()).rejects.toMatchObject({ code: 'STORE_INDEX_CORRUPT' });
  });
});

describe('index.json lock', () => {
  it('waits for a held lock, then fails with STORE_LOCKED after the timeout', async () => {
    const s = await ImageStore.open(dir, { lockTimeoutMs: 300 });
    await writeFile(
      `${dir}/index.json.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), time: new Date().toISOString(), token: 'x' }),
    );
    const a = await writeImage(s, { layers: [Buffer.from('a')] });
    const t0 = Date.now();
    const err = await s.tag('centos', a.manifest).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(err).toMatchObject({ kind: 'store', code: 'STORE_LOCKED' });
    expect((err as Error).message).toContain(`pid ${process.pid}`);
  });

  it('breaks a stale lock held by a dead pid', async () => {
    await writeFile(
      `${dir}/index.json.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), time: new Date().toISOString(), token: 'dead' }),
    );
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    await store.tag('centos', a.manifest);
    expect((await store.list()).map((e) => e.ref)).toEqual(['docker.io/library/centos:latest']);
  });

  it('breaks a lock older than the stale age even if its pid looks alive (another host)', async () => {
    await writeFile(
      `${dir}/index.json.lock`,
      JSON.stringify({ pid: process.pid, host: 'elsewhere', time: '2020-01-01T00:00:00Z', token: 'old' }),
    );
    const old = (Date.now() - 120_000) / 1000;
    await utimes(`${dir}/index.json.lock`, old, old);
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    await store.tag('centos', a.manifest);
    expect(await store.resolve('centos')).toBeDefined();
  });

  it('a garbage lock file is stale once old', async () => {
    await writeFile(`${dir}/index.json.lock`, '');
    const old = (Date.now() - 120_000) / 1000;
    await utimes(`${dir}/index.json.lock`, old, old);
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    await store.tag('centos', a.manifest);
  });

  it('many concurrent tag() calls in one process all land', async () => {
    const imgs = await Promise.all(Array.from({ length: 6 }, (_, i) => writeImage(store, { layers: [Buffer.from(`l${i}`)] })));
    await Promise.all(imgs.flatMap((img, i) => [store.tag(`repo${i}:a`, img.manifest), store.tag(`repo${i}:b`, img.manifest)]));
    expect((await store.list()).length).toBe(12);
    expect((await store.validate()).ok).toBe(true);
  });
});

describe('ref names', () => {
  it('normalized docker references (tag or digest) are valid OCI ref.names unless they use `__`, `---` or edge separators', async () => {
    const fc = (await import('fast-check')).default;
    const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:(?:[._]|-{1,2})[a-z0-9]{1,8}){0,2}$/);
    const registry = fc.constantFrom('docker.io/', 'localhost:5000/', '127.0.0.1:5000/', 'ghcr.io/', 'my-reg.example.com/');
    // Tags whose separators sit between letters/digits (docker also allows `_x`, `x-`, `a..b`, which
    // the OCI grammar does not: those go to io.hubctl.ref.name, tested below).
    const tag = fc.stringMatching(/^[A-Za-z0-9]{1,6}(?:[._-][A-Za-z0-9]{1,6}){0,3}$/);
    const hex = fc.stringMatching(/^[a-f0-9]{64}$/);
    const { normalizeRefName } = await import('../../../src/store/index.js');
    fc.assert(
      fc.property(registry, fc.array(component, { minLength: 1, maxLength: 3 }), fc.option(tag), fc.option(hex), (reg, path, t, h) => {
        let input = reg + path.join('/');
        if (h !== null) input += `@sha256:${h}`;
        else if (t !== null) input += `:${t}`;
        const name = normalizeRefName(input);
        return isValidOciRefName(name);
      }),
    );
  });
});

describe('refs that are not valid OCI ref.names', () => {
  it('are stored under io.hubctl.ref.name and still resolve', async () => {
    const a = await writeImage(store, { layers: [Buffer.from('a')] });
    for (const ref of ['centos:_weird', 'centos:v1-', '[::1]:5000/ns/x:1', 'a__b/c---d:1']) {
      await store.tag(ref, a.manifest);
      expect((await store.resolve(ref))?.digest).toBe(a.manifest.digest);
    }
    const entries = (await indexJson()).manifests.map((m) => m.annotations);
    expect(entries).toEqual([
      { 'io.hubctl.ref.name': 'docker.io/library/centos:_weird' },
      { 'io.hubctl.ref.name': 'docker.io/library/centos:v1-' },
      { 'io.hubctl.ref.name': '[::1]:5000/ns/x:1' },
      { 'io.hubctl.ref.name': 'docker.io/a__b/c---d:1' },
    ]);
    expect((await store.list()).map((e) => e.ref)).toEqual([
      'docker.io/library/centos:_weird',
      'docker.io/library/centos:v1-',
      '[::1]:5000/ns/x:1',
      'docker.io/a__b/c---d:1',
    ]);
    expect(await store.untag('centos:v1-')).toBe(true);
  });
});
