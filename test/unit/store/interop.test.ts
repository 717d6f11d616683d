import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageStore } from '../../../src/store/index.js';
import { randomBytesOf, tempDir, writeImage } from './helpers.js';

const exec = promisify(execFile);
const SKOPEO = '/usr/bin/skopeo';
const UMOCI = '/usr/bin/umoci';

let dir: string;
let cleanup: () => Promise<void>;
let store: ImageStore;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await ImageStore.open(join(dir, 'store'));
});
afterEach(async () => cleanup());

describe('independent readers: skopeo', () => {
  it('skopeo inspect --raw oci:<store>:docker.io/library/tiny:latest returns our manifest bytes', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(2048)] });
    await store.tag('docker.io/library/tiny:latest', img.manifest);
    const { stdout } = await exec(SKOPEO, ['inspect', '--raw', `oci:${store.root}:docker.io/library/tiny:latest`]);
    expect(stdout).toBe(img.manifestBytes.toString('utf8'));
  });

  it('skopeo reads entries named by digest reference and by registry:port reference', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(100)] });
    const digestRef = `docker.io/library/tiny@${img.manifest.digest}`;
    await store.tag(digestRef, img.manifest);
    await store.tag('127.0.0.1:5000/ns/x:1', img.manifest);
    for (const ref of [digestRef, '127.0.0.1:5000/ns/x:1']) {
      const { stdout } = await exec(SKOPEO, ['inspect', '--raw', `oci:${store.root}:${ref}`]);
      expect(stdout).toBe(img.manifestBytes.toString('utf8'));
    }
  });

  it('skopeo copies an image out of the store (every blob readable and verified)', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(5000, 3), randomBytesOf(700, 4)] });
    await store.tag('docker.io/library/tiny:latest', img.manifest);
    const out = join(dir, 'out');
    await mkdir(out);
    await exec(SKOPEO, ['copy', '--quiet', `oci:${store.root}:docker.io/library/tiny:latest`, `dir:${out}`]);
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(img.manifestBytes.toString('utf8'));
  });

  it('a store written by skopeo copy reads back through ImageStore', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(3000, 8)] });
    await store.tag('docker.io/library/tiny:latest', img.manifest);
    const other = join(dir, 'other');
    await exec(SKOPEO, [
      'copy',
      '--quiet',
      '--preserve-digests',
      `oci:${store.root}:docker.io/library/tiny:latest`,
      `oci:${other}:docker.io/library/copied:1`,
    ]);
    const s2 = await ImageStore.open(other);
    const desc = await s2.resolve('copied:1');
    expect(desc?.digest).toBe(img.manifest.digest);
    expect((await s2.validate({ verifyDigests: true })).ok).toBe(true);
  });
});

describe('independent readers: umoci', () => {
  it('umoci ls --layout <store> lists our tags', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(100)] });
    await store.tag('docker.io/library/tiny:latest', img.manifest);
    await store.tag('127.0.0.1:5000/ns/x:1', img.manifest);
    const { stdout } = await exec(UMOCI, ['ls', '--layout', store.root]);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['127.0.0.1:5000/ns/x:1', 'docker.io/library/tiny:latest']);
  });

  it('entries stored under io.hubctl.ref.name do not disturb umoci or skopeo', async () => {
    const img = await writeImage(store, { layers: [randomBytesOf(100)] });
    await store.tag('docker.io/library/tiny:_odd', img.manifest);
    await store.tag('docker.io/library/tiny:latest', img.manifest);
    const { stdout } = await exec(UMOCI, ['ls', '--layout', store.root]);
    expect(stdout.split('\n').filter(Boolean)).toEqual(['docker.io/library/tiny:latest']);
    if (existsSync(SKOPEO)) {
      const r = await exec(SKOPEO, ['inspect', '--raw', `oci:${store.root}:docker.io/library/tiny:latest`]);
      expect(r.stdout).toBe(img.manifestBytes.toString('utf8'));
    }
  });
});
