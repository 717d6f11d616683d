import { mkdir, symlink, writeFile, link, chmod, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildImage, openLayerSource, prepareLayers, directoryTar } from '../../../src/builder/index.js';
import { commitLayers } from '../../../src/builder/layer-writer.js';
import { ImageStore } from '../../../src/store/index.js';
import { packTar, type PackItem } from '../../../src/builder/tar-pack.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { FakeStore } from './fake-storage.js';
import { listTar, makeTar, sha, tempDir } from './helpers.js';

async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, 'etc/app'), { recursive: true });
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(join(root, 'etc/app/config.json'), '{"a":1}\n');
  await writeFile(join(root, 'bin/tool'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'bin/tool'), 0o755);
  await writeFile(join(root, 'a.txt'), 'A');
  await symlink('../etc/app/config.json', join(root, 'bin/cfg'));
  await link(join(root, 'a.txt'), join(root, 'b-hard.txt'));
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('layer sources', () => {
  it('tars a directory in byte order with root owner, fixed mtimes, modes, symlinks and hardlinks', async () => {
    const dir = await tempDir();
    await makeTree(dir);
    const entries = await listTar(await collect(directoryTar(dir, { sourceDateEpoch: 1700000000 })));
    expect(entries.map((e) => e.name)).toEqual([
      'a.txt',
      'b-hard.txt',
      'bin/',
      'bin/cfg',
      'bin/tool',
      'etc/',
      'etc/app/',
      'etc/app/config.json',
    ]);
    for (const e of entries) {
      expect(e.uid).toBe(0);
      expect(e.gid).toBe(0);
      expect(e.uname).toBe('');
      expect(e.gname).toBe('');
      expect(e.mtime).toBe(1700000000);
    }
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(byName['bin/tool']!.mode & 0o777).toBe(0o755);
    expect(byName['bin/tool']!.body).toBe('#!/bin/sh\necho hi\n');
    expect(byName['bin/cfg']!.type).toBe('symlink');
    expect(byName['bin/cfg']!.linkname).toBe('../etc/app/config.json');
    expect(byName['b-hard.txt']!.type).toBe('link');
    expect(byName['b-hard.txt']!.linkname).toBe('a.txt');
    expect(byName['etc/']!.type).toBe('directory');
  });

  it('detects tar and gzip by magic bytes, not by name', async () => {
    const dir = await tempDir();
    const t = await makeTar([{ name: 'x', body: 'y' }]);
    await writeFile(join(dir, 'looks.tgz'), t);
    await writeFile(join(dir, 'looks.tar'), gzipSync(t));
    expect((await openLayerSource(join(dir, 'looks.tgz'))).kind).toBe('tar');
    expect((await openLayerSource(join(dir, 'looks.tar'))).kind).toBe('gzip');
    await writeFile(join(dir, 'z.tar.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]));
    await expect(openLayerSource(join(dir, 'z.tar.zst'))).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER_COMPRESSION' });
    await expect(openLayerSource(join(dir, 'missing'))).rejects.toMatchObject({ code: 'LAYER_NOT_FOUND' });
  });
});

describe('layer writer', () => {
  it('computes diff_id and gzip blob for tar, tgz and directory layers', async () => {
    const dir = await tempDir();
    const tarBytes = await makeTar([
      { name: 'hello.txt', body: 'hello world\n' },
      { name: 'd', type: 'directory' },
    ]);
    const tgzBytes = gzipSync(await makeTar([{ name: 'z.txt', body: 'zzz' }]), { level: 9 });
    await writeFile(join(dir, 'l1.tar'), tarBytes);
    await writeFile(join(dir, 'l2.tgz'), tgzBytes);
    const tree = join(dir, 'tree');
    await mkdir(tree);
    await makeTree(tree);
    const store = new FakeStore();
    const result = await buildImage({ storage: store, layers: [join(dir, 'l1.tar'), join(dir, 'l2.tgz'), tree], concurrency: 2 });

    const [l1, l2, l3] = result.layers;
    expect(l1!.diffId).toBe(sha(tarBytes));
    const blob1 = store.blobs.get(l1!.digest)!;
    expect(sha(blob1)).toBe(l1!.digest);
    expect(blob1.length).toBe(l1!.size);
    expect(gunzipSync(blob1).equals(tarBytes)).toBe(true);

    // already-gzip input is stored as it is
    expect(l2!.digest).toBe(sha(tgzBytes));
    expect(l2!.size).toBe(tgzBytes.length);
    expect(l2!.diffId).toBe(sha(gunzipSync(tgzBytes)));
    expect(store.blobs.get(l2!.digest)!.equals(tgzBytes)).toBe(true);

    const blob3 = store.blobs.get(l3!.digest)!;
    expect(l3!.diffId).toBe(sha(gunzipSync(blob3)));
    // gzip header: no mtime, no file name
    expect(blob3.readUInt32LE(4)).toBe(0);
    expect(blob3[3]! & 0x08).toBe(0);

    const config = store.configJson(result.configDigest);
    expect(config.rootfs.diff_ids).toEqual([l1!.diffId, l2!.diffId, l3!.diffId]);
    expect(config.history!.map((h) => h.created_by)).toEqual([
      'hubctl build --layer l1.tar',
      'hubctl build --layer l2.tgz',
      'hubctl build --layer tree',
    ]);
    expect(config.created).toBe('1970-01-01T00:00:00Z');
    const manifest = store.manifestJson(result.manifestDescriptor.digest);
    expect(manifest.mediaType).toBe(MediaType.OciManifest);
    expect(manifest.config).toEqual({
      mediaType: MediaType.OciConfig,
      digest: result.configDigest,
      size: store.blobs.get(result.configDigest)!.length,
    });
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.OciLayerGzip, MediaType.OciLayerGzip, MediaType.OciLayerGzip]);
    // children before parents
    expect(store.writes.slice(-2)).toEqual([result.configDigest, result.manifestDescriptor.digest]);
  });

  it('refuses a corrupt gzip and a non-tar, writing nothing', async () => {
    const dir = await tempDir();
    const good = gzipSync(await makeTar([{ name: 'a', body: 'b' }]));
    await writeFile(join(dir, 'bad.tgz'), good.subarray(0, good.length - 12));
    await writeFile(join(dir, 'notatar'), 'just some text that is not a tar archive '.repeat(30));
    const store = new FakeStore();
    await expect(buildImage({ storage: store, layers: [join(dir, 'bad.tgz')] })).rejects.toMatchObject({
      kind: 'usage',
      code: 'INVALID_LAYER',
    });
    await expect(buildImage({ storage: store, layers: [join(dir, 'notatar')] })).rejects.toMatchObject({
      kind: 'usage',
      code: 'INVALID_LAYER',
    });
    expect(store.blobs.size).toBe(0);
  });

  it('gives the bytes of one-shot zlib level 6 on the tar, whatever the read and zlib buffer sizes', async () => {
    const dir = await tempDir();
    const tree = join(dir, 'tree');
    await mkdir(tree);
    // larger than one file read and many zlib output buffers; half compressible, half not
    const big = Buffer.alloc((5 << 20) + 7);
    for (let i = 0, x = 1; i < big.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      big[i] = i % (2 << 20) < 1 << 20 ? x >>> 24 : 97 + (x % 5);
    }
    await writeFile(join(tree, 'big.bin'), big);
    await writeFile(join(tree, 'small.txt'), 'small');
    await writeFile(join(tree, 'empty'), '');
    const tarBytes = await collect(directoryTar(tree));
    const store = new FakeStore();
    const r = await buildImage({ storage: store, layers: [tree, join(dir, 'tree')], concurrency: 2 });
    const blob = store.blobs.get(r.layers[0]!.digest)!;
    expect(blob.equals(gzipSync(tarBytes, { level: 6 }))).toBe(true);
    expect(r.layers[0]!.diffId).toBe(sha(tarBytes));
    expect(r.layers[1]).toEqual(r.layers[0]);
    expect((await listTar(blob)).map((e) => e.name)).toEqual(['big.bin', 'empty', 'small.txt']);
    expect(tarBytes.subarray(512, 512 + big.length).equals(big)).toBe(true);
  });

  it('moves its own temp blobs into the store by rename, and reads a gzip file used as it is without touching it', async () => {
    const dir = await tempDir();
    const root = await tempDir();
    const store = await ImageStore.open(root);
    const tmp = join(root, 'tmp-build');
    await mkdir(tmp);
    await writeFile(join(dir, 'a.tar'), await makeTar([{ name: 'a', body: 'b' }]));
    const userGz = join(dir, 'b.tar.gz');
    await writeFile(userGz, gzipSync(await makeTar([{ name: 'c', body: 'd' }])));
    const prepared = await prepareLayers([await openLayerSource(join(dir, 'a.tar')), await openLayerSource(userGz)], { tmpDir: tmp });
    const [built, given] = prepared.layers;
    expect([built!.temp, given!.temp]).toEqual([true, false]);
    const descs = await commitLayers(store, prepared.layers, MediaType.OciLayerGzip);
    // the built blob left the temp dir (renamed), the user's file is still there, both are in the store
    await expect(readFile(built!.blobPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readFile(userGz)).length).toBe(given!.size);
    for (const d of descs) expect(sha(await readFile(store.blobPath(d.digest)))).toBe(d.digest);
    await prepared.cleanup();
    await store.close();
  });

  it('removes its temp files', async () => {
    const dir = await tempDir();
    const tmp = await tempDir();
    await writeFile(join(dir, 'a.tar'), await makeTar([{ name: 'a', body: 'b' }]));
    const prepared = await prepareLayers([await openLayerSource(join(dir, 'a.tar'))], { tmpDir: tmp });
    expect((await readdir(tmp)).length).toBe(1);
    expect((await readFile(prepared.layers[0]!.blobPath)).length).toBe(prepared.layers[0]!.size);
    await prepared.cleanup();
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe('special files', () => {
  it('skips sockets in a directory layer with a warning', async () => {
    const { createServer } = await import('node:net');
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x');
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(dir, 'sock'), r));
    try {
      const warnings: string[] = [];
      const entries = await listTar(await collect(directoryTar(dir, { onWarning: (w) => warnings.push(w) })));
      expect(entries.map((e) => e.name)).toEqual(['f']);
      expect(warnings[0]).toMatch(/skipping .*sock/);
    } finally {
      server.close();
    }
  });

  it('gives the same blobs whatever the concurrency', async () => {
    const dir = await tempDir();
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) {
      await writeFile(join(dir, `${i}.tar`), await makeTar([{ name: `f${i}`, body: String(i).repeat(1000 * i) }]));
      paths.push(join(dir, `${i}.tar`));
    }
    const one = await buildImage({ storage: new FakeStore(), layers: paths, concurrency: 1 });
    const many = await buildImage({ storage: new FakeStore(), layers: paths, concurrency: 4 });
    expect(many.manifestDescriptor.digest).toBe(one.manifestDescriptor.digest);
  });
});

describe('packing ahead', () => {
  it('reads small files ahead but packs an entry of another tar before asking for the next item', async () => {
    const dir = await tempDir();
    for (let i = 0; i < 40; i++) await writeFile(join(dir, `s${i}`), `small ${i}`);
    await writeFile(join(dir, 'big'), Buffer.alloc(200_000, 7));
    // like an ADD archive: resuming the generator discards the body that was not read yet
    async function* items(): AsyncGenerator<PackItem> {
      for (let i = 0; i < 40; i++) {
        yield { name: `s${i}`, type: 'file', mode: 0o644, size: `small ${i}`.length, sourcePath: join(dir, `s${i}`) };
        if (i % 10 === 0) {
          let live = true;
          const body = `from archive ${i}`;
          yield {
            name: `a${i}`,
            type: 'file',
            mode: 0o644,
            size: body.length,
            body: (async function* () {
              if (!live) throw new Error('body read after the next item was asked for');
              yield Buffer.from(body);
            })(),
          };
          live = false;
        }
      }
      yield { name: 'big', type: 'file', mode: 0o644, size: 200_000, sourcePath: join(dir, 'big') };
    }
    const entries = await listTar(await collect(packTar(items(), { mtime: new Date(0) })));
    const expected: [string, string][] = [];
    for (let i = 0; i < 40; i++) {
      expected.push([`s${i}`, `small ${i}`]);
      if (i % 10 === 0) expected.push([`a${i}`, `from archive ${i}`]);
    }
    expect(entries.slice(0, -1).map((e) => [e.name, e.body])).toEqual(expected);
    expect(entries.at(-1)!.body).toBe(Buffer.alloc(200_000, 7).toString());
  });

  it('fails a small file that changed size since it was listed', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'grown since');
    const items = (async function* (): AsyncGenerator<PackItem> {
      yield { name: 'f', type: 'file', mode: 0o644, size: 3, sourcePath: join(dir, 'f') };
    })();
    await expect(collect(packTar(items, { mtime: new Date(0) }))).rejects.toThrow(/changed while being read/);
  });
});

describe('names', () => {
  it('keeps long and non-ASCII names through a directory layer', async () => {
    const dir = await tempDir();
    const long = `${'d'.repeat(120)}/${'e'.repeat(120)}`;
    await mkdir(join(dir, long), { recursive: true });
    await writeFile(join(dir, long, `${'f'.repeat(150)}.txt`), 'long');
    await writeFile(join(dir, 'naïve-日本.txt'), 'utf8');
    await symlink('x'.repeat(150), join(dir, 'longlink'));
    const store = new FakeStore();
    const r = await buildImage({ storage: store, layers: [dir] });
    const entries = await listTar(store.blobs.get(r.layers[0]!.digest)!);
    const names = entries.map((e) => e.name);
    expect(names).toContain(`${long}/${'f'.repeat(150)}.txt`);
    expect(names).toContain('naïve-日本.txt');
    expect(entries.find((e) => e.name === 'longlink')!.linkname).toBe('x'.repeat(150));
  });
});

describe('abandoned layer streams', () => {
  it('stop reading files when the consumer goes away', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'big'), Buffer.alloc(8 << 20, 1));
    await writeFile(join(dir, 'next'), 'n');
    const stream = directoryTar(dir);
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.destroyed).toBe(true);
    if (process.platform === 'linux') {
      const { readdir: rd, readlink: rl } = await import('node:fs/promises');
      const open = await Promise.all((await rd('/proc/self/fd')).map((fd) => rl(`/proc/self/fd/${fd}`).catch(() => '')));
      expect(open.filter((p) => p === join(dir, 'big'))).toEqual([]);
    }
  });
});
