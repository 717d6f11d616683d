import { spawn, execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import { ImageStore } from '../../../src/store/index.js';
import { descOf, randomBytesOf, tempDir, writeImage } from './helpers.js';

const repo = resolve(import.meta.dirname, '../../..');
const worker = join(import.meta.dirname, 'fixtures', 'store-worker.mjs');
let build: { dir: string; cleanup: () => Promise<void> };
let compiled: string;

// Compile just src/store and what it imports into a temp dir, so the test does not depend on (or
// write to) dist/ while other parts of the tree are mid-edit.
beforeAll(async () => {
  build = await tempDir('hubctl-store-build-');
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(
    process.execPath,
    [
      tsc,
      '--outDir',
      build.dir,
      '--rootDir',
      join(repo, 'src'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--strict',
      '--skipLibCheck',
      '--types',
      'node',
      '--declaration',
      'false',
      join(repo, 'src', 'store', 'index.ts'),
    ],
    { cwd: repo },
  );
  compiled = join(build.dir, 'store', 'index.js');
}, 120_000);
afterAll(async () => build?.cleanup());

function start(root: string, mode: string, args: unknown) {
  return spawn(process.execPath, [worker, compiled, root, mode, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(root: string, mode: string, args: unknown): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [worker, compiled, root, mode, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

describe('several processes sharing one store', () => {
  it('concurrent tag() from 4 processes ends with a valid index.json holding every tag', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = await ImageStore.open(dir);
      const img = await writeImage(store, { layers: [randomBytesOf(1000)] });
      const workers = 4;
      const count = 15;
      await Promise.all(
        Array.from({ length: workers }, (_, w) => run(dir, 'tag', { prefix: `docker.io/library/w${w}`, count, desc: img.manifest })),
      );
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: unknown[] };
      expect(index.manifests).toHaveLength(workers * count);
      const refs = new Set((await store.list()).map((e) => e.ref));
      for (let w = 0; w < workers; w++) for (let i = 0; i < count; i++) expect(refs.has(`docker.io/library/w${w}:${i}`)).toBe(true);
      expect((await store.validate()).ok).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it('two processes ingesting the same blob both succeed and the blob is intact', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await ImageStore.open(dir);
      const bytes = randomBytesOf(4 * 1024 * 1024, 5);
      const file = join(dir, 'source.bin');
      await writeFile(file, bytes);
      const desc = descOf(bytes);
      const outs = await Promise.all([run(dir, 'ingest', { desc, file }), run(dir, 'ingest', { desc, file })]);
      const opens = outs.map((o) => (JSON.parse(o) as { opens: number }).opens);
      expect(opens.reduce((a, b) => a + b, 0)).toBe(1);
      expect(sha256(await readFile(join(dir, 'blobs', 'sha256', desc.digest.slice(7))))).toBe(desc.digest);
    } finally {
      await cleanup();
    }
  });

  it('a process killed while holding the index lock does not block the next tag', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = await ImageStore.open(dir, { lockTimeoutMs: 5_000 });
      const img = await writeImage(store, { layers: [randomBytesOf(100)] });
      const child = start(dir, 'hold-lock', {});
      await new Promise<void>((ok) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ok()));
      child.kill('SIGKILL');
      await new Promise((ok) => child.on('exit', ok));
      const t0 = Date.now();
      await store.tag('after-crash', img.manifest);
      expect(Date.now() - t0).toBeLessThan(4_000);
      expect(await store.resolve('after-crash')).toBeDefined();
    } finally {
      await cleanup();
    }
  });

  it('a process killed mid-download leaves a partial that the next ingest resumes', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = await ImageStore.open(dir);
      const bytes = randomBytesOf(8 * 1024 * 1024, 6);
      const file = join(dir, 'source.bin');
      await writeFile(file, bytes);
      const desc = descOf(bytes);
      const partial = join(dir, 'blobs', 'sha256', `.${desc.digest.slice(7)}.partial`);
      const child = start(dir, 'ingest', { desc, file, delayMs: 20 });
      const { stat } = await import('node:fs/promises');
      for (let i = 0; i < 400; i++) {
        const size = await stat(partial).then(
          (s) => s.size,
          () => 0,
        );
        if (size > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGKILL');
      await new Promise((ok) => child.on('exit', ok));
      const kept = (await stat(partial)).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(bytes.length);
      const offsets: number[] = [];
      const { createReadStream } = await import('node:fs');
      await store.ingest(desc, async (offset) => {
        offsets.push(offset);
        return { stream: createReadStream(file, { start: offset }), offset };
      });
      expect(offsets).toEqual([kept]);
      expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    } finally {
      await cleanup();
    }
  });

  it('pulls (write blobs, then tag) racing gc in other processes leave a valid store with every tag', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = await ImageStore.open(dir);
      const count = 20;
      const outs = await Promise.all([
        run(dir, 'pull-loop', { prefix: 'docker.io/library/p0', count }),
        run(dir, 'pull-loop', { prefix: 'docker.io/library/p1', count }),
        run(dir, 'gc-loop', { count: 40 }),
      ]);
      const v = await store.validate({ verifyDigests: true });
      expect(v.problems).toEqual([]);
      expect((await store.list()).length).toBe(2 * count);
      expect(v.blobs).toBe(2 * count * 3);
      // leases keep gc away from blobs written but not yet tagged: no pull had to retry
      expect(outs.slice(0, 2).map((o) => (JSON.parse(o) as { retries: number }).retries)).toEqual([0, 0]);
    } finally {
      await cleanup();
    }
  });
});
