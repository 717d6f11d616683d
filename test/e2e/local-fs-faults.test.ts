// Local filesystem faults through the binary (as root): a full disk (a 2 MiB tmpfs mounted for the
// test), a read-only store (a read-only bind mount), permissions (an unprivileged user), a file where
// a directory belongs, a bad proxy variable. Each is exit 7 (2 for the variable) with the path and
// the cause, never "internal error", never blamed on the archive or the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let full: string; // a 2 MiB tmpfs
let ro: string; // a read-only view of a store
let n = 0;
const mounted: string[] = [];

function mount(args: string[], dir: string): void {
  execFileSync('mount', [...args, dir]);
  mounted.push(dir);
}

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  await seedImage(reg, 'library/big:1', { layers: [3 << 20, 1000] });
  await seedImage(reg, 'library/small:1', { layers: [1000] });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-localfs-'));
  await chmod(root, 0o755); // the unprivileged user below must reach the binary's store paths
  full = join(root, 'full');
  await mkdir(full);
  mount(['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs'], full);
  // a store with an image in it, then a read-only bind mount of it
  const src = join(root, 'rw-store');
  expect((await hubctl(['pull', '-q', `${reg.host}/library/small:1`], { env: { HUBCTL_STORE: src, HOME: root } })).code).toBe(0);
  ro = join(root, 'ro-store');
  await mkdir(ro);
  mount(['--bind', src], ro);
  execFileSync('mount', ['-o', 'remount,bind,ro', ro]);
  // a layer for builds and a 3 MiB archive for loads
  await mkdir(join(root, 'layer'));
  await writeFile(join(root, 'layer', 'blob'), randomBytes(3 << 20));
  const other = { HUBCTL_STORE: join(root, 'archive-store'), HOME: root };
  expect((await hubctl(['pull', '-q', `${reg.host}/library/big:1`], { env: other })).code).toBe(0);
  expect((await hubctl(['save', '-o', join(root, 'big.tar'), `${reg.host}/library/big:1`], { env: other })).code).toBe(0);
});

afterAll(async () => {
  for (const dir of mounted.reverse()) {
    try {
      execFileSync('umount', [dir]);
    } catch {
      execFileSync('umount', ['-l', dir]);
    }
  }
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function envIn(dir: string): NodeJS.ProcessEnv {
  const d = join(dir, `run-${++n}`);
  return { HUBCTL_STORE: join(d, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root, TMPDIR: join(root, 'tmp') };
}

function expectLocalError(r: { code: number | null; stderr: string }, path: RegExp | string, cause: string): void {
  expect(r.code, r.stderr).toBe(7);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  const line = r.stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? '';
  if (typeof path === 'string') expect(line).toContain(path);
  else expect(line).toMatch(path);
  expect(line).toContain(cause);
}

async function leftovers(store: string): Promise<string[]> {
  const blobs = await readdir(join(store, 'blobs', 'sha256')).catch(() => [] as string[]);
  const tmp = await readdir(join(store, '.hubctl', 'tmp')).catch(() => [] as string[]);
  return [...blobs.filter((f) => /\.(partial|tmp)$/.test(f)), ...tmp];
}

describe('a full disk (2 MiB tmpfs)', () => {
  it('pull of a 3 MiB layer: exit 7 naming the blob file and "no space left on device"; no empty .partial left', async () => {
    const env = envIn(full);
    const r = await hubctl(['pull', `${reg.host}/library/big:1`], { env });
    expectLocalError(r, `${env.HUBCTL_STORE}/blobs/sha256/`, 'no space left on device');
    expect(await leftovers(env.HUBCTL_STORE!)).toEqual([]);
    const store = await ImageStore.open(env.HUBCTL_STORE!);
    expect((await store.validate()).ok).toBe(true);
    await store.close();
    await rm(join(env.HUBCTL_STORE!, '..'), { recursive: true, force: true });
  });

  it('build of a 3 MiB layer: exit 7 naming the staging directory; nothing left', async () => {
    const env = envIn(full);
    const r = await hubctl(['build', '-t', 'x/y:1', '--layer', join(root, 'layer')], { env });
    expectLocalError(r, `${env.HUBCTL_STORE}/.hubctl/tmp/hubctl-build-`, 'no space left on device');
    expect(await leftovers(env.HUBCTL_STORE!)).toEqual([]);
    await rm(join(env.HUBCTL_STORE!, '..'), { recursive: true, force: true });
  });

  it('load of a 3 MiB archive: exit 7 naming the staging directory, not "not a (complete) tar archive"', async () => {
    const env = envIn(full);
    const r = await hubctl(['load', '-i', join(root, 'big.tar')], { env });
    expectLocalError(r, `${env.HUBCTL_STORE}/.hubctl/tmp/hubctl-load-`, 'no space left on device');
    expect(r.stderr).not.toContain('tar archive');
    expect(await leftovers(env.HUBCTL_STORE!)).toEqual([]);
    await rm(join(env.HUBCTL_STORE!, '..'), { recursive: true, force: true });
  });

  it('save -o to the full disk: exit 7 naming the output file, not the store; no temp file left', async () => {
    for (const f of await readdir(full)) await rm(join(full, f), { recursive: true, force: true });
    const env = { HUBCTL_STORE: join(root, 'archive-store'), HOME: root };
    const out = join(full, 'big.tar');
    const r = await hubctl(['save', '-o', out, `${reg.host}/library/big:1`], { env });
    expectLocalError(r, `cannot write ${out}`, 'no space left on device');
    expect(r.stderr).not.toContain('local store');
    expect(await readdir(full)).toEqual([]);
  });
});

describe('a store that cannot be written', () => {
  it('a read-only store (ro bind mount): pull is exit 7 "read-only file system"; images still works', async () => {
    const env = { HUBCTL_STORE: ro, HOME: root };
    const r = await hubctl(['pull', `${reg.host}/library/big:1`], { env });
    expectLocalError(r, ro, 'read-only file system');
    const list = await hubctl(['images'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('library/small');
  });

  it('a store owned by root, used by an unprivileged user: exit 7 "permission denied" naming the path', async () => {
    const env = { HUBCTL_STORE: join(root, 'rw-store'), HOME: root };
    const r = await hubctl(['pull', `${reg.host}/library/big:1`], { env, uid: 65534, gid: 65534 });
    expectLocalError(r, join(root, 'rw-store'), 'permission denied');
  });

  it('a file where the store keeps a directory (.hubctl): exit 7 naming it', async () => {
    const env = envIn(root);
    expect((await hubctl(['images'], { env })).code).toBe(0);
    await writeFile(join(env.HUBCTL_STORE!, '.hubctl'), 'not a directory');
    const r = await hubctl(['pull', `${reg.host}/library/small:1`], { env });
    expectLocalError(r, join(env.HUBCTL_STORE!, '.hubctl'), 'not a directory');
  });
});

describe('environment', () => {
  for (const name of ['HTTP_PROXY', 'https_proxy']) {
    it(`a bad ${name} value is a usage error naming the variable`, async () => {
      const r = await hubctl(['pull', 'registry.example.com/x:1'], { env: { ...envIn(root), [name]: 'http://[not a proxy' } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^Error: ${name}="http://\\[not a proxy" is not a proxy URL`, 'm'));
    });
  }
});
