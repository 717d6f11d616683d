import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import fc from 'fast-check';
import {
  blobEntryName,
  digestOfBlobEntry,
  extractArchive,
  parseDockerArchiveManifest,
  scanLayer,
  writeArchive,
  type ArchivePlan,
} from '../../../src/archive/index.js';
import type { Descriptor } from '../../../src/oci/types.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-unit-archive-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const desc = (b: Buffer, mediaType = 'application/octet-stream'): Descriptor => ({ mediaType, digest: sha(b), size: b.length });
let n = 0;
const dir = () => mkdtemp(join(root, `d${n++}-`));

type Entry = {
  name: string;
  data?: string | Buffer;
  type?: 'file' | 'symlink' | 'link' | 'character-device' | 'directory';
  linkname?: string;
};
async function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (e.type && e.type !== 'file') p.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '' }, cb);
      else p.entry({ name: e.name }, e.data ?? '', cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('manifest.json parsing', () => {
  it('accepts docker save and skopeo entries', () => {
    const e = parseDockerArchiveManifest(
      JSON.stringify([
        { Config: 'a.json', RepoTags: ['x:1'], Layers: ['l/layer.tar'] },
        { Config: 'b', RepoTags: null, Layers: [] },
      ]),
    );
    expect(e).toHaveLength(2);
    expect(e[1]!.RepoTags).toBeNull();
  });
  it.each([
    ['not json', '{'],
    ['not a list', '{}'],
    ['no Config', '[{"Layers":[]}]'],
    ['Layers not strings', '[{"Config":"c","Layers":[1]}]'],
    ['RepoTags not strings', '[{"Config":"c","Layers":[],"RepoTags":[2]}]'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseDockerArchiveManifest(text)).toThrow(/manifest.json is invalid/);
  });
  it('blob entry names round-trip', () => {
    const d = sha('x');
    expect(digestOfBlobEntry(blobEntryName(d))).toBe(d);
    expect(digestOfBlobEntry('blobs/sha256/../../x')).toBeUndefined();
  });
});

describe('writeArchive and extractArchive', () => {
  const blobs = new Map<string, Buffer>();
  const source = {
    open: async (d: Descriptor) => ({ stream: Readable.from([blobs.get(d.digest)!]) }),
  };
  const a = Buffer.from('layer-a'.repeat(1000));
  const b = Buffer.from('config-b');
  blobs.set(sha(a), a).set(sha(b), b);
  const plan: ArchivePlan = {
    index: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha('m'),
        size: 1,
        annotations: { 'org.opencontainers.image.ref.name': '1' },
      },
    ],
    dockerManifest: [{ Config: blobEntryName(sha(b)), RepoTags: ['x:1'], Layers: [blobEntryName(sha(a))] }],
    repositories: { x: { '1': 'abc' } },
    blobs: [desc(a), desc(b)],
  };

  it('writes metadata first, then each blob once, deterministically', async () => {
    const out1 = new PassThrough();
    const [tar1] = await Promise.all([collect(out1), writeArchive(plan, source, out1)]);
    const out2 = new PassThrough();
    const [tar2] = await Promise.all([collect(out2), writeArchive(plan, source, out2)]);
    expect(tar1.equals(tar2)).toBe(true);
    const staged = await extractArchive(Readable.from([tar1]), await dir());
    expect(staged.names()).toEqual([
      'oci-layout',
      'index.json',
      'manifest.json',
      'repositories',
      blobEntryName(sha(a)),
      blobEntryName(sha(b)),
    ]);
    expect(staged.get(blobEntryName(sha(a)))).toMatchObject({ digest: sha(a), size: a.length });
    expect(JSON.parse((await staged.read('manifest.json', 1000)).toString())).toEqual(plan.dockerManifest);
    expect(JSON.parse((await staged.read('oci-layout', 100)).toString())).toEqual({ imageLayoutVersion: '1.0.0' });
  });

  it('refuses a store blob whose size differs from its descriptor', async () => {
    const bad: ArchivePlan = { ...plan, blobs: [{ ...desc(a), size: a.length + 10 }] };
    const out = new PassThrough();
    out.resume();
    await expect(writeArchive(bad, source, out)).rejects.toMatchObject({ code: 'BLOB_SIZE_MISMATCH' });
  });

  it('follows symlinks and hardlinks inside the archive (old docker save shares layers that way)', async () => {
    const tar = await tarOf([
      { name: 'aaa/layer.tar', data: 'L' },
      { name: 'bbb/layer.tar', type: 'symlink', linkname: '../aaa/layer.tar' },
      { name: 'ccc', type: 'link', linkname: 'aaa/layer.tar' },
      { name: './dir/', type: 'directory' },
    ]);
    const staged = await extractArchive(Readable.from([tar]), await dir());
    expect(staged.get('bbb/layer.tar')?.digest).toBe(sha('L'));
    expect(staged.get('./ccc')?.digest).toBe(sha('L'));
  });

  it.each<[string, Entry[], RegExp]>([
    ['..', [{ name: 'a/../../x', data: 'x' }], /"\.\." path component/],
    ['absolute path', [{ name: '/etc/passwd', data: 'x' }], /absolute path/],
    ['escaping symlink', [{ name: 'a/b', type: 'symlink', linkname: '../../x' }], /escapes/],
    ['absolute symlink', [{ name: 'a', type: 'symlink', linkname: '/etc' }], /absolute/],
    ['hardlink escaping', [{ name: 'a', type: 'link', linkname: '../x' }], /escapes/],
    ['device', [{ name: 'null', type: 'character-device' }], /character-device/],
    ['"./"+"/" symlink escaping (tar/safety normalizes .//a to /a)', [{ name: './/a', type: 'symlink', linkname: '../../etc' }], /escapes/],
  ])('refuses an archive entry: %s, writing nothing outside the staging dir', async (_what, entries, message) => {
    const d = await dir();
    await expect(extractArchive(Readable.from([await tarOf(entries)]), d)).rejects.toThrow(message);
  });

  it('random entry names never produce a file outside the staging directory', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z./]{1,12}$/), { minLength: 1, maxLength: 4 }), async (names) => {
        const d = await dir();
        const tar = await tarOf(names.map((name) => ({ name, data: 'x' }))).catch(() => undefined);
        if (!tar) return;
        const staged = await extractArchive(Readable.from([tar]), d).catch(() => undefined);
        if (!staged) return;
        for (const name of staged.names()) expect(name.split('/')).not.toContain('..');
        const { readdir } = await import('node:fs/promises');
        for (const f of await readdir(d)) expect(f).toMatch(/^\d+$/);
      }),
      { numRuns: 40 },
    );
  });
});

describe('scanLayer', () => {
  it('gives the same diff_id for a tar and its gzip, counting the entries', async () => {
    const tar = await tarOf([
      { name: 'etc/hosts', data: '127.0.0.1 localhost' },
      { name: 'bin/sh', type: 'symlink', linkname: '/usr/bin/dash' },
    ]);
    const d = await dir();
    await writeFile(join(d, 'plain'), tar);
    await writeFile(join(d, 'gz'), gzipSync(tar));
    const plain = await scanLayer(join(d, 'plain'), 'plain');
    const gz = await scanLayer(join(d, 'gz'), 'gz');
    expect(plain).toEqual({ compression: 'none', diffId: sha(tar), entries: 2 });
    expect(gz).toEqual({ compression: 'gzip', diffId: sha(tar), entries: 2 });
    expect(await readFile(join(d, 'plain'))).toEqual(tar);
  });

  it('refuses unsafe entries inside a layer, naming the layer', async () => {
    const d = await dir();
    await writeFile(join(d, 'evil'), gzipSync(await tarOf([{ name: 'x/../../etc/passwd', data: 'x' }])));
    await expect(scanLayer(join(d, 'evil'), 'l1/layer.tar')).rejects.toMatchObject({
      code: 'UNSAFE_LAYER',
      message: expect.stringContaining('l1/layer.tar'),
    });
  });

  it('keeps a symlink climbing above the layer root (".//a -> ../../etc") as data, and the root entry "/"', async () => {
    const d = await dir();
    await writeFile(
      join(d, 'l'),
      await tarOf([
        { name: '/', type: 'directory' },
        { name: './/a', type: 'symlink', linkname: '../../etc' },
      ]),
    );
    expect((await scanLayer(join(d, 'l'), 'l.tar')).entries).toBe(2);
  });

  it('still refuses writing through such a link inside the layer', async () => {
    const d = await dir();
    await writeFile(
      join(d, 'evil'),
      await tarOf([
        { name: 'a', type: 'symlink', linkname: '../../etc' },
        { name: 'a/passwd', data: 'x' },
      ]),
    );
    await expect(scanLayer(join(d, 'evil'), 'l.tar')).rejects.toThrow(/below the symlink "a"/);
  });

  it('a corrupt gzip is an integrity error', async () => {
    const d = await dir();
    const gz = gzipSync(await tarOf([{ name: 'a', data: 'x'.repeat(3000) }]));
    gz[gz.length - 6]! ^= 0xff; // break the CRC
    await writeFile(join(d, 'bad'), gz);
    await expect(scanLayer(join(d, 'bad'), 'bad')).rejects.toMatchObject({ kind: 'integrity', code: 'INVALID_LAYER' });
  });
});
