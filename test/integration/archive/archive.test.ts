import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import {
  runTool,
  runUmoci,
  seedImage,
  skopeoCopy,
  skopeoDigest,
  skopeoInspect,
  startRegistry,
  type Registry,
} from '../../harness/index.mjs';
import { closeAllTransports, createClient, load, pull, push, save, tag, type Client } from '../../../src/index.js';

let reg: Registry;
let root: string;
let appDigest: string;
let c: Client;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-archive-'));
  [appDigest] = await Promise.all([
    seedImage(reg, 'library/app:1', { layers: [20_000, 9000] }),
    seedImage(reg, 'library/tool:2', { layers: [7000], format: 'v2s2' }),
    seedImage(reg, 'library/multi:1', { multiArch: true, attestation: false, layers: [3000] }),
  ]);
  c = createClient({ storeRoot: join(root, 'store') });
  await pull(c, `${reg.host}/library/app:1`);
  await pull(c, `${reg.host}/library/tool:2`);
});

afterAll(async () => {
  await c?.close();
  await closeAllTransports();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function saveTo(client: Client, file: string, refs: string[]): Promise<void> {
  const out = createWriteStream(file);
  await save(client, refs, out);
}

const tmp = (name: string) => mkdtemp(join(root, `${name}-`));

describe('hubctl save', () => {
  let saved: string;
  beforeAll(async () => {
    saved = join(await tmp('save'), 'saved.tar');
    await saveTo(c, saved, [`${reg.host}/library/app:1`, `${reg.host}/library/tool:2`]);
  });

  it('writes the OCI layout and the docker archive metadata side by side', async () => {
    const dir = await tmp('x');
    await runTool('tar', ['-xf', saved, '-C', dir]);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['blobs', 'index.json', 'manifest.json', 'oci-layout', 'repositories']);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toHaveLength(2);
    expect(manifest[0].RepoTags).toEqual([`${reg.host}/library/app:1`]);
    expect(manifest[0].Config).toMatch(/^blobs\/sha256\/[a-f0-9]{64}$/);
    expect(manifest[0].Layers).toHaveLength(2);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests[0]).toMatchObject({
      digest: appDigest,
      annotations: { 'io.containerd.image.name': `${reg.host}/library/app:1`, 'org.opencontainers.image.ref.name': '1' },
    });
    // umoci reads the extracted layout.
    const ls = await runUmoci(['ls', '--layout', dir]);
    expect(ls.stdout.split('\n')).toContain('1');
    const stat = await runUmoci(['stat', '--image', `${dir}:1`]);
    expect(stat.stdout).toContain('LAYER');
    const bundle = join(await tmp('bundle'), 'b');
    await runUmoci(['unpack', '--rootless', '--image', `${dir}:1`, bundle]);
    expect((await readdir(join(bundle, 'rootfs'))).length).toBeGreaterThan(0);
  });

  it('skopeo copy docker-archive: accepts it (gzip layers, manifest.json pointing at OCI blobs)', async () => {
    const dest = await tmp('d');
    await skopeoCopy(`docker-archive:${saved}:${reg.host}/library/app:1`, `oci:${dest}:app`);
    const cfg = await skopeoInspect(`oci:${dest}:app`, { config: true });
    const orig = await skopeoInspect(`${reg.host}/library/app:1`, { registry: reg, config: true });
    expect(cfg.rootfs.diff_ids).toEqual(orig.rootfs.diff_ids);
    const dest2 = await tmp('d');
    await skopeoCopy(`docker-archive:${saved}:${reg.host}/library/tool:2`, `oci:${dest2}:tool`);
  });

  it('skopeo copy oci-archive: accepts it and keeps the manifest digest', async () => {
    const dest = await tmp('o');
    await skopeoCopy(`oci-archive:${saved}:1`, `oci:${dest}:app`);
    expect(await skopeoDigest(`oci:${dest}:app`)).toBe(appDigest);
    // A single-image archive needs no reference.
    const single = join(await tmp('single'), 'one.tar');
    await saveTo(c, single, [`${reg.host}/library/app:1`]);
    const dest2 = await tmp('o');
    await skopeoCopy(`oci-archive:${single}`, `oci:${dest2}:app`);
    expect(await skopeoDigest(`oci:${dest2}:app`)).toBe(appDigest);
  });

  it('saves by image ID without a name, as docker does', async () => {
    const { images } = await import('../../../src/index.js');
    const row = (await images(c)).find((r) => r.reference === `${reg.host}/library/app:1`)!;
    const file = join(await tmp('byid'), 'id.tar');
    await saveTo(c, file, [row.id.slice(7, 19)]);
    const dir = await tmp('byidx');
    await runTool('tar', ['-xf', file, '-C', dir]);
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))[0].RepoTags).toBeNull();
    expect(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')).manifests[0]).toEqual(
      expect.not.objectContaining({ annotations: expect.anything() }),
    );
    await skopeoCopy(`oci-archive:${file}`, `oci:${await tmp('byido')}:x`);
  });

  it('round-trips through hubctl load into another store with the same digests', async () => {
    const other = createClient({ storeRoot: join(await tmp('rt'), 'store') });
    const r = await load(other, createReadStream(saved));
    expect(r.format).toBe('oci');
    expect(r.images.map((i) => i.reference).sort()).toEqual([`${reg.host}/library/app:1`, `${reg.host}/library/tool:2`]);
    const store = await other.store();
    expect((await store.resolve(`${reg.host}/library/app:1`))?.digest).toBe(appDigest);
    expect((await store.validate()).ok).toBe(true);
    await other.close();
  });
});

describe('hubctl save of a multi-platform image', () => {
  it('keeps the whole index in index.json and the chosen platform in manifest.json', async () => {
    const client = createClient({
      storeRoot: join(await tmp('mp'), 'store'),
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    const pulled = await pull(client, `${reg.host}/library/multi:1`, { allPlatforms: true });
    const file = join(await tmp('mps'), 'multi.tar');
    await saveTo(client, file, [`${reg.host}/library/multi:1`]);
    const dir = await tmp('mpx');
    await runTool('tar', ['-xf', file, '-C', dir]);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([
      expect.objectContaining({ digest: pulled.digest, mediaType: 'application/vnd.oci.image.index.v1+json' }),
    ]);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toHaveLength(1);
    const config = JSON.parse(await readFile(join(dir, manifest[0].Config), 'utf8'));
    expect(config.architecture).toBe('arm64');
    // skopeo takes both views: the docker archive (one platform) and the OCI archive (the whole index).
    await skopeoCopy(`docker-archive:${file}`, `oci:${await tmp('mpd')}:m`);
    const dest = await tmp('mpo');
    await skopeoCopy(`oci-archive:${file}`, `oci:${dest}:m`);
    expect(await skopeoDigest(`oci:${dest}:m`)).toBe(pulled.digest);
    await client.close();
  });
});

describe('a platform pulled from an index by digest', () => {
  it('is found by the index digest in its store, and saved and loaded under its own manifest digest', async () => {
    const client = createClient({ storeRoot: join(await tmp('bydigest'), 'store'), platform: { os: 'linux', architecture: 'amd64' } });
    const indexDigest = await skopeoDigest(`${reg.host}/library/multi:1`, { registry: reg });
    const byIndex = `${reg.host}/library/multi@${indexDigest}`;
    const pulled = await pull(client, byIndex);
    expect(pulled.descriptor.digest).not.toBe(indexDigest);
    const store = await client.store();
    expect((await store.resolve(byIndex))?.digest).toBe(pulled.descriptor.digest);
    const file = join(await tmp('bydigest-save'), 'x.tar');
    await saveTo(client, file, [byIndex]);
    const other = createClient({ storeRoot: join(await tmp('bydigest-load'), 'store') });
    const r = await load(other, createReadStream(file));
    const platformRef = `${reg.host}/library/multi@${pulled.descriptor.digest}`;
    expect(r.images.map((i) => i.reference)).toEqual([platformRef]);
    expect((await (await other.store()).resolve(platformRef))?.digest).toBe(pulled.descriptor.digest);
    await Promise.all([client.close(), other.close()]);
  });
});

describe('hubctl load', () => {
  it('loads a docker archive made by skopeo (uncompressed layers) and tags it', async () => {
    const file = join(await tmp('da'), 'da.tar');
    await skopeoCopy(`${reg.host}/library/app:1`, `docker-archive:${file}:example/app:7`, { src: { registry: reg }, all: false });
    const client = createClient({ storeRoot: join(await tmp('l1'), 'store') });
    const events: string[] = [];
    const r = await load(client, createReadStream(file), { onEvent: (e) => e.type === 'loaded' && events.push(e.familiar) });
    expect(r.format).toBe('docker');
    expect(events).toEqual(['example/app:7']);
    const store = await client.store();
    const desc = await store.resolve('example/app:7');
    expect(desc?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const manifest = JSON.parse((await store.fetchBytes(desc!, 1 << 20)).toString());
    expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar',
      'application/vnd.docker.image.rootfs.diff.tar',
    ]);
    expect((await store.validate({ verifyDigests: true })).ok).toBe(true);
    // Independent check: pushed as it is (uncompressed layers), skopeo reads it with the original diff_ids.
    // (skopeo 1.9's oci: transport skips index.json entries of docker schema2 type, so not from the store.)
    await tag(client, 'example/app:7', `${reg.host}/loaded/app:7`);
    await push(client, `${reg.host}/loaded/app:7`);
    const cfg = await skopeoInspect(`${reg.host}/loaded/app:7`, { registry: reg, config: true });
    const orig = await skopeoInspect(`${reg.host}/library/app:1`, { registry: reg, config: true });
    expect(cfg.rootfs.diff_ids).toEqual(orig.rootfs.diff_ids);
    await client.close();
  });

  it('reads the docker view of a hubctl archive (gzip layers kept as tar.gzip, diff_ids checked through gunzip)', async () => {
    const full = join(await tmp('dv'), 'full.tar');
    await saveTo(c, full, [`${reg.host}/library/app:1`]);
    // Keep only the docker archive half: drop oci-layout and index.json.
    const dockerOnly = join(await tmp('dv'), 'docker-only.tar');
    await rewriteTar(full, dockerOnly, (name) => (name === 'oci-layout' || name === 'index.json' ? null : undefined));
    const client = createClient({ storeRoot: join(await tmp('dvs'), 'store') });
    const r = await load(client, createReadStream(dockerOnly));
    expect(r.format).toBe('docker');
    expect(r.images.map((i) => i.reference)).toEqual([`${reg.host}/library/app:1`]);
    const store = await client.store();
    const manifest = JSON.parse((await store.fetchBytes(r.images[0]!.descriptor, 1 << 20)).toString());
    expect(manifest.layers.every((l: { mediaType: string }) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe(
      true,
    );
    const orig = JSON.parse(
      (await (await c.store()).fetchBytes((await (await c.store()).resolve(`${reg.host}/library/app:1`))!, 1 << 20)).toString(),
    );
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(orig.layers.map((l: { digest: string }) => l.digest));
    expect(manifest.config.digest).toBe(orig.config.digest);
    await client.close();
  });

  it('reads a nameless OCI index with a manifest.json beside it as the docker archive (RepoTags name the images)', async () => {
    const full = join(await tmp('nl'), 'full.tar');
    await saveTo(c, full, [`${reg.host}/library/app:1`]);
    const nameless = join(await tmp('nl'), 'nameless.tar');
    await rewriteTar(full, nameless, (name, data) => {
      if (name !== 'index.json') return undefined;
      const index = JSON.parse(data.toString());
      for (const m of index.manifests) delete m.annotations;
      return Buffer.from(JSON.stringify(index));
    });
    const client = createClient({ storeRoot: join(await tmp('nls'), 'store') });
    const r = await load(client, createReadStream(nameless));
    expect(r.format).toBe('docker');
    expect(r.images.map((i) => i.familiar)).toEqual([`${reg.host}/library/app:1`]);
    await client.close();
  });

  it('loads an OCI archive made by skopeo, keeping the digest', async () => {
    const file = join(await tmp('oa'), 'oa.tar');
    await skopeoCopy(`${reg.host}/library/app:1`, `oci-archive:${file}:example.com/ns/app:3`, { src: { registry: reg }, all: false });
    const client = createClient({ storeRoot: join(await tmp('l2'), 'store') });
    const r = await load(client, createReadStream(file));
    expect(r.format).toBe('oci');
    expect(r.images.map((i) => [i.familiar, i.descriptor.digest])).toEqual([['example.com/ns/app:3', appDigest]]);
    await client.close();
  });
});

/** Copies a tar, replacing (Buffer), dropping (null) or keeping (undefined) each file entry. */
async function rewriteTar(src: string, dest: string, change: (name: string, data: Buffer) => Buffer | null | undefined): Promise<void> {
  const { extract: tarExtract } = await import('tar-stream');
  const ex = tarExtract();
  const p = tarPack();
  const out = createWriteStream(dest);
  const written = new Promise<void>((resolve) => out.on('finish', resolve));
  p.pipe(out);
  createReadStream(src).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const ch of entry) chunks.push(ch as Buffer);
    const data = Buffer.concat(chunks);
    const next = change(entry.header.name, data);
    if (next === null) continue;
    const body = next ?? data;
    await new Promise<void>((resolve, reject) =>
      p.entry({ ...entry.header, size: body.length }, body, (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  await written;
}

/** A tar from a list of entries (for hostile archives). */
async function writeTar(
  file: string,
  entries: { name: string; data?: string | Buffer; type?: 'file' | 'symlink' | 'link'; linkname?: string }[],
): Promise<void> {
  const p = tarPack();
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  p.pipe(out);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (e.type && e.type !== 'file') p.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '' }, cb);
      else p.entry({ name: e.name }, e.data ?? '', cb);
    });
  }
  p.finalize();
  await done;
}

async function layerTar(entries: Parameters<typeof writeTar>[1]): Promise<Buffer> {
  const f = join(await tmp('layer'), 'l.tar');
  await writeTar(f, entries);
  return readFile(f);
}

async function storeSnapshot(storeRoot: string): Promise<string> {
  const index = await readFile(join(storeRoot, 'index.json'), 'utf8');
  const blobs = (await readdir(join(storeRoot, 'blobs', 'sha256'))).sort();
  return JSON.stringify({ index, blobs });
}

describe('hostile archives are refused and the store is unchanged', () => {
  const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

  async function dockerArchiveWithLayer(layer: Buffer, extra: Parameters<typeof writeTar>[1] = []): Promise<string> {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] } });
    const file = join(await tmp('evil'), 'evil.tar');
    await writeTar(file, [
      { name: 'cfg.json', data: config },
      { name: 'l1/layer.tar', data: layer },
      { name: 'manifest.json', data: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['evil/app:1'], Layers: ['l1/layer.tar'] }]) },
      ...extra,
    ]);
    return file;
  }

  let client: Client;
  let storeRoot: string;
  beforeAll(async () => {
    storeRoot = join(await tmp('victim'), 'store');
    client = createClient({ storeRoot });
    // Something in the store to compare against.
    await load(client, createReadStream(await dockerArchiveWithLayer(await layerTar([{ name: 'ok.txt', data: 'fine' }]))));
  });
  afterAll(() => client.close());

  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      'an archive entry with ..',
      async () => dockerArchiveWithLayer(await layerTar([{ name: 'a', data: 'x' }]), [{ name: '../escape', data: 'x' }]),
      /\.\./,
    ],
    [
      'an absolute archive entry',
      async () => dockerArchiveWithLayer(await layerTar([{ name: 'a', data: 'x' }]), [{ name: '/etc/evil', data: 'x' }]),
      /absolute/,
    ],
    [
      'an archive symlink escaping',
      async () =>
        dockerArchiveWithLayer(await layerTar([{ name: 'a', data: 'x' }]), [{ name: 'up', type: 'symlink', linkname: '../../..' }]),
      /escapes/,
    ],
    [
      'a layer entry with ..',
      async () =>
        dockerArchiveWithLayer(
          await layerTar([
            { name: 'ok', data: 'x' },
            { name: '../../etc/passwd', data: 'root::0:0' },
          ]),
        ),
      /\.\./,
    ],
    [
      'a layer hardlink escaping',
      async () => dockerArchiveWithLayer(await layerTar([{ name: 'h', type: 'link', linkname: '../../etc/shadow' }])),
      /escapes/,
    ],
    [
      'a layer writing through its own symlink',
      async () =>
        dockerArchiveWithLayer(
          await layerTar([
            { name: 'd', type: 'symlink', linkname: '/etc' },
            { name: 'd/passwd', data: 'x' },
          ]),
        ),
      /symlink/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await storeSnapshot(storeRoot);
      const err = await load(client, createReadStream(await make())).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'usage' });
      expect(String((err as Error).message)).toMatch(message);
      expect(await storeSnapshot(storeRoot)).toBe(before);
    });
  }

  it('refuses a layer whose content does not match the config diff_id', async () => {
    const layer = await layerTar([{ name: 'a', data: 'x' }]);
    const other = await layerTar([{ name: 'b', data: 'y' }]);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(other)] } });
    const file = join(await tmp('evil'), 'mismatch.tar');
    await writeTar(file, [
      { name: 'cfg.json', data: config },
      { name: 'l.tar', data: layer },
      { name: 'manifest.json', data: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['evil/app:2'], Layers: ['l.tar'] }]) },
    ]);
    const before = await storeSnapshot(storeRoot);
    await expect(load(client, createReadStream(file))).rejects.toMatchObject({ kind: 'integrity', code: 'DIFF_ID_MISMATCH' });
    expect(await storeSnapshot(storeRoot)).toBe(before);
  });

  it('refuses a truncated archive', async () => {
    const file = await dockerArchiveWithLayer(await layerTar([{ name: 'a', data: 'x'.repeat(5000) }]));
    const buf = await readFile(file);
    const cut = join(await tmp('cut'), 'cut.tar');
    await mkdir(join(cut, '..'), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(cut, buf.subarray(0, 3000));
    const before = await storeSnapshot(storeRoot);
    await expect(load(client, createReadStream(cut))).rejects.toBeTruthy();
    expect(await storeSnapshot(storeRoot)).toBe(before);
  });
});
