// Tar paths that escape (`..`, absolute, writing through a symlink, hardlinks out) are refused by
// `hubctl build --layer` and `hubctl load`, through the binary: a usage exit code, no stack trace,
// nothing added to the store, nothing written outside. A symlink whose target climbs above the root
// is data inside a layer (docker keeps it; nothing follows it while building or loading): build keeps
// it as a link; as a member of the image archive itself load still refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { hubctl } from '../../e2e/run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-tar-escape-'));
  // a private TMPDIR: load stages archives there, and it must be empty again afterwards
  await mkdir(join(root, 'tmp'));
  env = { HOME: root, DOCKER_CONFIG: join(root, 'docker'), HUBCTL_STORE: join(root, 'store'), TMPDIR: join(root, 'tmp') };
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

type Entry = { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; body?: string };
async function tar(file: string, entries: Entry[]): Promise<string> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer)); // a tar-stream pack emits Buffers; streamx types them unknown
  const done = new Promise<void>((r) => p.on('end', r));
  for (const e of entries) {
    if ((e.type ?? 'file') === 'file') p.entry({ name: e.name }, e.body ?? 'x');
    else p.entry({ name: e.name, type: e.type!, ...(e.linkname ? { linkname: e.linkname } : {}), size: 0 });
  }
  p.finalize();
  await done;
  const path = join(root, file);
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

const cases: [string, Entry[]][] = [
  ['dotdot', [{ name: 'ok.txt' }, { name: '../../escape-dotdot.txt' }]],
  ['absolute', [{ name: '/tmp/escape-absolute.txt' }]],
  [
    'through-symlink',
    [
      { name: 'etc', type: 'symlink', linkname: '/etc' },
      { name: 'etc/passwd', body: 'root::0:0::/:/bin/sh' },
    ],
  ],
  ['hardlink-out', [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }]],
];

/** Symlinks climbing above the root: data in a layer, refused among an archive's own members. */
const climbing: [string, Entry[]][] = [
  ['symlink-out', [{ name: 'out', type: 'symlink', linkname: '../../..' }]],
  // `.//a` once normalized to the absolute `/a`, which let a relative symlink climb from the root
  ['dot-slash-slash-symlink', [{ name: './/a', type: 'symlink', linkname: '../../etc' }]],
];

async function storeEntries(): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(root, 'store/index.json'), 'utf8')) as { manifests: unknown[] }).manifests.length;
  } catch {
    return 0;
  }
}

describe('escaping tar paths', () => {
  for (const [name, entries] of cases) {
    it(`build --layer refuses ${name}`, async () => {
      const layer = await tar(`${name}.tar`, entries);
      const before = await storeEntries();
      const r = await hubctl(['build', '--layer', layer, '-t', `evil/${name}:1`], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: .*refusing/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await storeEntries()).toBe(before);
    });
  }

  for (const [name, entries] of climbing) {
    it(`build --layer keeps ${name} as a link (data in the layer), writing nothing outside`, async () => {
      const layer = await tar(`${name}.tar`, entries);
      const r = await hubctl(['build', '-q', '--layer', layer, '-t', `climbing/${name}:1`], { env });
      expect(r.code, r.stderr).toBe(0);
      const saved = join(root, `climbing-${name}.tar`);
      expect((await hubctl(['save', '-o', saved, `climbing/${name}:1`], { env })).code).toBe(0);
    });
  }

  for (const [name, entries] of [...cases, ...climbing]) {
    it(`load refuses an archive holding ${name}`, async () => {
      const archive = await tar(`archive-${name}.tar`, [{ name: 'manifest.json', body: '[]' }, ...entries]);
      const before = await storeEntries();
      const r = await hubctl(['load', '-i', archive], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: .*(refusing|unsafe)/im);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await storeEntries()).toBe(before);
    });
  }

  it('nothing was written outside', async () => {
    for (const f of ['escape-dotdot.txt', '../escape-dotdot.txt']) {
      expect(
        await access(join(root, f)).then(
          () => true,
          () => false,
        ),
      ).toBe(false);
    }
    expect(
      await access('/tmp/escape-absolute.txt').then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});
