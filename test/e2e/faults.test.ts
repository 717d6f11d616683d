import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readdir, readFile, access } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startRegistry,
  seedImageDetailed,
  startFaultProxy,
  skopeoCopy,
  type Registry,
  type FaultProxy,
  type LayerBlob,
} from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { BIN, hubctl } from './run-cli.js';

let reg: Registry;
let tokenReg: Registry;
let proxy: FaultProxy;
let tokenProxy: FaultProxy;
let root: string;
let big: LayerBlob;
let small: LayerBlob;
let n = 0;

beforeAll(async () => {
  [reg, tokenReg] = await Promise.all([startRegistry({ mode: 'open' }), startRegistry({ mode: 'token' })]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-faults-'));
  const seeded = await seedImageDetailed(reg, 'library/big:1', { layers: [800_000, 3000] });
  const layers = seeded.layout.images[0]!.layers;
  big = layers.reduce((a, b) => (a.size >= b.size ? a : b));
  small = layers.reduce((a, b) => (a.size < b.size ? a : b));
  await seedImageDetailed(tokenReg, 'library/tok:1', { layers: [1000] });
  [proxy, tokenProxy] = await Promise.all([startFaultProxy({ upstream: reg.host }), startFaultProxy({ upstream: tokenReg.host })]);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), tokenProxy?.close()]);
  await Promise.all([reg?.stop(), tokenReg?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.clear();
  tokenProxy.clear();
  tokenReg.tokenServer?.setMode('ok');
});

function envFor(): NodeJS.ProcessEnv {
  const dir = join(root, `run-${++n}`);
  return { HUBCTL_STORE: join(dir, 'store'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir };
}
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );
const blobRe = (d: string) => new RegExp(`/blobs/${d}$`);

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Spawns the binary; resolves with the exit code and the output when it ends. */
function start(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, exitedAt: Date.now() });
    });
  });
  return { child, done };
}

async function tempFiles(storeRoot: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of [storeRoot, join(storeRoot, 'blobs/sha256')]) {
    for (const f of await readdir(dir).catch(() => [] as string[])) if (/\.(partial|tmp)$/.test(f)) out.push(f);
  }
  return out;
}

describe('hubctl under faults (binary)', () => {
  it('SIGINT mid-transfer: exit 130 within 1 s, no temp files, store valid; the next pull reuses the complete blobs', async () => {
    proxy.setRules([{ method: 'GET', path: blobRe(big.digest), action: { type: 'stall', afterBytes: 300_000 } }]);
    const env = envFor();
    const storeRoot = env.HUBCTL_STORE!;
    const ref = `${proxy.host}/library/big:1`;
    const run = start(['pull', ref], env);
    const partial = join(storeRoot, 'blobs/sha256', `.${big.digest.slice(7)}.partial`);
    await waitFor(
      'the stalled transfer and the complete small layer',
      async () =>
        proxy.requests('GET', blobRe(big.digest)).some((r) => r.bodyBytes === 300_000) &&
        (await exists(join(storeRoot, 'blobs/sha256', small.digest.slice(7)))) &&
        (await exists(partial)),
    );
    await new Promise((r) => setTimeout(r, 200)); // let the 300 kB reach the partial file
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.exitedAt - sentAt).toBeLessThan(1000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^interrupted$/m); // main's cleanup path ran (not the hard exit)
    expect({ files: await tempFiles(storeRoot), stderr: r.stderr }).toEqual({ files: [], stderr: expect.any(String) });
    const index = JSON.parse(await readFile(join(storeRoot, 'index.json'), 'utf8')) as { manifests: unknown[] };
    expect(index.manifests).toEqual([]);
    const store = await ImageStore.open(storeRoot);
    expect((await store.validate()).ok).toBe(true);
    await store.close();
    expect(await exists(join(storeRoot, 'blobs/sha256', small.digest.slice(7)))).toBe(true);

    proxy.clear();
    const again = await hubctl(['pull', ref], { env });
    expect(again.code).toBe(0);
    expect(proxy.requests('GET', blobRe(small.digest))).toHaveLength(0);
    const bigGets = proxy.requests('GET', blobRe(big.digest));
    expect(bigGets).toHaveLength(1);
    expect(bigGets[0]!.range).toBeUndefined(); // the partial was removed: a fresh download
    const after = await ImageStore.open(storeRoot);
    expect((await after.validate({ verifyDigests: true })).ok).toBe(true);
    await after.close();
  });

  it('SIGINT during a push: exit 130 within 1 s, and every open upload session is cancelled with DELETE on its Location', async () => {
    const env = envFor();
    expect((await hubctl(['pull', '-q', `${reg.host}/library/big:1`], { env })).code).toBe(0);
    expect((await hubctl(['tag', `${reg.host}/library/big:1`, `${proxy.host}/team/up:1`], { env })).code).toBe(0);
    // the upload sessions are open (POST answered); the requests carrying their bytes never reach the
    // registry: PATCH for the big layer (streamed), PUT ?digest= for the small one (sent whole)
    proxy.setRules([
      { method: 'PATCH', path: /\/blobs\/uploads\//, times: 100, action: { type: 'blackhole' } },
      { method: 'PUT', path: /\/blobs\/uploads\//, times: 100, action: { type: 'blackhole' } },
    ]);
    const run = start(['push', `${proxy.host}/team/up:1`], env);
    await waitFor('an upload in flight', () => proxy.requests('PATCH').length > 0);
    await new Promise((r) => setTimeout(r, 150));
    const patched = [...proxy.requests('PATCH'), ...proxy.requests('PUT')].map((r) => new URL(r.path, proxy.url).pathname);
    const uploads = join(reg.dataDir, 'docker/registry/v2/repositories/team/up/_uploads');
    for (const p of patched) expect(await exists(join(uploads, p.split('/').at(-1)!, 'startedat'))).toBe(true);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.exitedAt - sentAt).toBeLessThan(1000);
    expect(r.stderr).toMatch(/^interrupted$/m);
    const deleted = proxy.requests('DELETE').map((d) => new URL(d.path, proxy.url).pathname);
    expect(patched.length).toBeGreaterThan(0);
    for (const p of patched) expect(deleted).toContain(p);
    expect(proxy.requests('DELETE').map((d) => d.status)).toEqual(patched.map(() => 204));
    // cancelled on the registry: distribution removes the session's data and startedat files
    for (const p of patched) {
      const uuid = p.split('/').at(-1)!;
      expect(await exists(join(uploads, uuid, 'startedat'))).toBe(false);
    }
    // nothing was committed: every PUT (a small blob's bytes) was held by the proxy, none answered
    expect(proxy.requests('PUT').filter((p) => p.fault !== 'blackhole' || p.status !== undefined)).toEqual([]);
  });

  it("Docker Hub's pull limit: exit 5 and a message with limit and remaining; asked once", async () => {
    proxy.setRules([
      { method: 'GET', path: /\/manifests\/1$/, times: 100, action: { type: 'toomanyrequests', limit: '100', remaining: '0' } },
    ]);
    const r = await hubctl(['pull', `${proxy.host}/library/big:1`], { env: envFor() });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('pull rate limit reached (limit 100, remaining 0)');
    expect(r.stderr).toMatch(/hint: .*login/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(proxy.requests('GET', /\/manifests\/1$/)).toHaveLength(1);
  });

  it('flipped bytes: exit 6, the blob never enters the store', async () => {
    proxy.setRules([{ method: 'GET', path: blobRe(big.digest), action: { type: 'flip', at: 777 } }]);
    const env = envFor();
    const r = await hubctl(['pull', `${proxy.host}/library/big:1`], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(big.digest);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const files = await readdir(join(env.HUBCTL_STORE!, 'blobs/sha256'));
    expect(files.filter((f) => f.includes(big.digest.slice(7)) && !f.endsWith('.lock'))).toEqual([]);
    const store = await ImageStore.open(env.HUBCTL_STORE!);
    expect((await store.validate()).ok).toBe(true);
    await store.close();
  });

  for (const mode of ['down', 'garbage'] as const) {
    it(`token server ${mode}: a clear auth error, exit 3`, async () => {
      tokenReg.tokenServer!.setMode(mode);
      const r = await hubctl(['pull', `${tokenProxy.host}/library/tok:1`], { env: envFor() });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^Error: .*token server/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('concurrent hubctl processes on one store', () => {
  let shared: string;
  let other: string;

  beforeAll(async () => {
    shared = (await seedImageDetailed(reg, 'library/base:1', { layers: [400_000, 200_000, 1000] })).digest;
    await skopeoCopy(`${reg.host}/library/base:1`, `${reg.host}/library/same:1`, { src: { registry: reg }, dest: { registry: reg } });
    await skopeoCopy(`${reg.host}/library/base:1`, `${reg.host}/team/copy:1`, { src: { registry: reg }, dest: { registry: reg } });
    other = (await seedImageDetailed(reg, 'library/other:1', { layers: [300_000, 1000] })).digest;
  });

  async function expectValid(storeRoot: string): Promise<ImageStore> {
    const store = await ImageStore.open(storeRoot);
    const report = await store.validate({ verifyDigests: true });
    expect(report.problems).toEqual([]);
    expect(await tempFiles(storeRoot)).toEqual([]);
    return store;
  }

  it('four processes pulling overlapping images: all succeed, each reports its own image, the store is valid', async () => {
    const env = envFor();
    const refs = [`${reg.host}/library/base:1`, `${reg.host}/library/same:1`, `${reg.host}/team/copy:1`, `${reg.host}/library/other:1`];
    const results = await Promise.all(refs.map((ref) => hubctl(['pull', ref], { env })));
    results.forEach((r, i) => {
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 0,
        stderr: expect.stringContaining(`Digest: ${i === 3 ? other : shared}`),
      });
      expect(r.stdout).toBe(`${refs[i]}\n`);
    });
    const store = await expectValid(env.HUBCTL_STORE!);
    for (const ref of refs) expect(await store.resolve(ref)).toBeDefined();
    expect((await store.validate()).entries).toBe(4);
    await store.close();
  });

  for (const delayMs of [0, 150, 400]) {
    it(`a pull racing an rmi of an image sharing its blobs (manifest delayed ${delayMs} ms): both report truthfully, the store stays valid`, async () => {
      const env = envFor();
      expect((await hubctl(['pull', '-q', `${reg.host}/library/base:1`], { env })).code).toBe(0);
      proxy.setRules(delayMs > 0 ? [{ method: 'GET', path: /\/manifests\/1$/, action: { type: 'delay', ms: delayMs } }] : []);
      const pullRef = `${proxy.host}/library/same:1`;
      const [pulled, removed] = await Promise.all([
        hubctl(['pull', pullRef], { env }),
        hubctl(['rmi', `${reg.host}/library/base:1`], { env }),
      ]);
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toBe(`${pullRef}\n`);
      expect(removed.code).toBe(0);
      expect(removed.stdout).toContain(`Untagged: ${reg.host}/library/base:1`);
      const store = await expectValid(env.HUBCTL_STORE!);
      expect(await store.resolve(`${reg.host}/library/base:1`)).toBeUndefined();
      expect((await store.resolve(pullRef))?.digest).toBeDefined();
      // whatever rmi says it deleted is gone, unless the racing pull brought it back for its own image
      const entry = (await store.resolve(pullRef))!;
      const manifest = JSON.parse(await readFile(join(env.HUBCTL_STORE!, 'blobs/sha256', entry.digest.slice(7)), 'utf8')) as {
        config: { digest: string };
        layers: { digest: string }[];
      };
      const needed = new Set([entry.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]);
      for (const line of removed.stdout.split('\n').filter((l) => l.startsWith('Deleted: '))) {
        const d = line.slice('Deleted: '.length);
        if (await exists(join(env.HUBCTL_STORE!, 'blobs/sha256', d.slice(7)))) expect(needed.has(d)).toBe(true);
      }
      await store.close();
    });
  }
});

describe('bad input through the binary: a typed error and a clean exit code, never a stack trace', () => {
  const refs = [
    'UPPER/Case',
    'a@sha256:xyz',
    'a:b:c',
    '..',
    `${'x'.repeat(300)}`,
    'http://host/x',
    '[::1/x',
    'a/../b',
    'a//b',
    'name:',
    `@sha256:${'a'.repeat(64)}`,
    'ünïcode',
    'a\tb',
  ];
  for (const ref of refs) {
    it(`pull ${JSON.stringify(ref.length > 40 ? `${ref.slice(0, 20)}…` : ref)}: exit 2`, async () => {
      const r = await hubctl(['pull', ref], { env: envFor() });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: /m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  // garbage, a wrong shape, an undecodable auth entry for the registry: exit 7 naming the file
  for (const [what, text, code] of [
    ['garbage', '\u0000\u0001not json{', 7],
    ['wrong shape', '{"auths":[1,2,3]}', 7],
    ['undecodable auth', '{"auths":{"HOST":{"auth":"!!!notbase64"}}}', 7],
  ] as const) {
    it(`a ${what} config.json: exit ${code}, a typed error naming the file, never a crash`, async () => {
      const env = envFor();
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(env.DOCKER_CONFIG!, { recursive: true });
      await writeFile(join(env.DOCKER_CONFIG!, 'config.json'), text.replace('HOST', tokenProxy.host));
      // a token registry: its challenge makes hubctl read the credentials
      const r = await hubctl(['pull', `${tokenProxy.host}/library/tok:1`], { env });
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(/^Error: .*config\.json/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }
});
