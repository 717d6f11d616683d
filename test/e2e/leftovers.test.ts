// A hubctl killed at several points of build, load and pull (SIGKILL: no clean-up at all; SIGHUP: a
// closed terminal) leaves nothing for good: SIGHUP cleans up like SIGINT, and what a SIGKILL leaves
// (staging directories, blob locks, lease files) is removed by the next ordinary command. The one
// exception by design: a `.partial` download stays for the next pull to resume.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, hubctl } from './run-cli.js';
import { useProxiedRegistry } from './proxied-registry.js';

const t = useProxiedRegistry('library/big:1', [900_000, 2000], 'hubctl-e2e-leftovers-');

beforeAll(async () => {
  // two layers of incompressible data: compressing them takes a moment to kill hubctl in
  for (const l of ['l1', 'l2']) {
    await mkdir(join(t.root, 'src', l), { recursive: true });
    await writeFile(join(t.root, 'src', l, 'data'), randomBytes(24 << 20));
  }
});

function envFor(): NodeJS.ProcessEnv {
  const env = t.envFor();
  return { ...env, TMPDIR: join(env.HOME!, 'tmp') };
}

function start(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, done };
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
const staging = async (store: string) => (await list(join(store, '.hubctl', 'tmp'))).filter((f) => f.startsWith('hubctl-'));
const leases = (store: string) => list(join(store, '.hubctl', 'leases'));
const blobFiles = async (store: string, re: RegExp) => (await list(join(store, 'blobs', 'sha256'))).filter((f) => re.test(f));

/** Bytes under the staging directories (has the work really started?). */
async function stagedBytes(store: string): Promise<number> {
  let total = 0;
  for (const d of await staging(store)) {
    const dir = join(store, '.hubctl', 'tmp', d);
    const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
    for (const f of files)
      total += await stat(join(dir, f)).then(
        (s) => (s.isFile() ? s.size : 0),
        () => 0,
      );
  }
  return total;
}

/** After the kill: one ordinary command (`images`), then nothing of the killed process is left. */
async function expectSweptBy(env: NodeJS.ProcessEnv): Promise<void> {
  const store = env.HUBCTL_STORE!;
  const r = await hubctl(['images'], { env });
  expect(r.code, r.stderr).toBe(0);
  expect(await staging(store)).toEqual([]);
  expect(await blobFiles(store, /\.lock$/)).toEqual([]);
  expect(await leases(store)).toEqual([]);
  expect(await list(env.TMPDIR!)).toEqual([]);
}

async function killAt(args: string[], env: NodeJS.ProcessEnv, signal: 'SIGKILL' | 'SIGHUP', moment: string, when: () => Promise<boolean>) {
  await mkdir(env.TMPDIR!, { recursive: true });
  const run = start(args, env);
  await waitFor(moment, when);
  run.child.kill(signal);
  const r = await run.done;
  if (signal === 'SIGKILL') expect(r.signal).toBe('SIGKILL');
  else {
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^interrupted$/m);
  }
  return r;
}

describe('build killed', () => {
  const buildArgs = () => ['build', '-q', '-t', 'left/over:1', '--layer', join(t.root, 'src', 'l1'), '--layer', join(t.root, 'src', 'l2')];
  for (const signal of ['SIGKILL', 'SIGHUP'] as const) {
    for (const [moment, threshold] of [
      ['just after its staging directory appeared', 0],
      ['with compressed layers in its staging directory', 8 << 20],
    ] as const) {
      it(`${signal} ${moment}: the next command leaves no staging directory`, async () => {
        const env = envFor();
        const store = env.HUBCTL_STORE!;
        await killAt(
          buildArgs(),
          env,
          signal,
          moment,
          async () => (await staging(store)).length > 0 && (await stagedBytes(store)) >= threshold,
        );
        if (signal === 'SIGHUP')
          expect(await staging(store)).toEqual([]); // it cleaned up itself
        else expect((await staging(store)).length).toBeGreaterThan(0); // what the kill left
        await expectSweptBy(env);
      });
    }
  }
});

describe('load killed', () => {
  let archive: string;
  beforeAll(async () => {
    const env = envFor();
    const b = await hubctl(
      ['build', '-q', '-t', 'left/archive:1', '--layer', join(t.root, 'src', 'l1'), '--layer', join(t.root, 'src', 'l2')],
      {
        env,
      },
    );
    expect(b.code, b.stderr).toBe(0);
    archive = join(t.root, 'archive.tar');
    const s = await hubctl(['save', '-o', archive, 'left/archive:1'], { env });
    expect(s.code, s.stderr).toBe(0);
  });

  for (const signal of ['SIGKILL', 'SIGHUP'] as const) {
    for (const [moment, threshold] of [
      ['while unpacking the archive', 4 << 20],
      ['with most of the archive unpacked', 30 << 20],
    ] as const) {
      it(`${signal} ${moment}: the next command leaves no staging directory, nothing in $TMPDIR`, async () => {
        const env = envFor();
        const store = env.HUBCTL_STORE!;
        await killAt(['load', '-i', archive], env, signal, moment, async () => (await stagedBytes(store)) >= threshold);
        if (signal === 'SIGHUP') expect(await staging(store)).toEqual([]);
        await expectSweptBy(env);
      });
    }
  }
});

describe('pull killed mid-download', () => {
  const partialRe = (d: string) => new RegExp(`^\\.${d.slice(7)}\\.partial$`);
  for (const signal of ['SIGKILL', 'SIGHUP'] as const) {
    it(`${signal} while a layer downloads: the next command removes its lock and lease; the next pull resumes and completes`, async () => {
      t.proxy.setRules([{ method: 'GET', path: new RegExp(`/blobs/${t.big.digest}$`), action: { type: 'stall', afterBytes: 400_000 } }]);
      const env = envFor();
      const store = env.HUBCTL_STORE!;
      const ref = `${t.proxy.host}/library/big:1`;
      await killAt(['pull', ref], env, signal, 'a stalled download holding its blob lock', async () => {
        const partial = await stat(join(store, 'blobs', 'sha256', `.${t.big.digest.slice(7)}.partial`)).catch(() => undefined);
        return (partial?.size ?? 0) >= 400_000 && (await blobFiles(store, /\.lock$/)).length > 0;
      });
      if (signal === 'SIGKILL') {
        expect(await blobFiles(store, /\.lock$/)).not.toEqual([]);
        expect(await leases(store)).not.toEqual([]);
      }
      await expectSweptBy(env);
      // the partial stays after SIGKILL (the next pull resumes it); SIGHUP removes it like SIGINT
      expect(await blobFiles(store, partialRe(t.big.digest))).toHaveLength(signal === 'SIGKILL' ? 1 : 0);
      t.proxy.clear();
      const again = await hubctl(['pull', '-q', ref], { env });
      expect(again.code, again.stderr).toBe(0);
      if (signal === 'SIGKILL') expect(t.proxy.requests('GET', new RegExp(`/blobs/${t.big.digest}$`))[0]?.range).toMatch(/^bytes=\d+-$/);
      expect(await blobFiles(store, /\.(partial|lock)$/)).toEqual([]);
    });
  }
});
