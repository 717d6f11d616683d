import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, makeGitRepo, runTool, runUmoci, skopeoCopy, skopeoDigest, startRegistry, type Registry } from '../harness/index.mjs';
import { BIN, hubctl } from './run-cli.js';

// RUN and multi-stage Dockerfiles through buildah (chroot isolation), on a base image with a shell
// that hubctl builds from Debian's static busybox. What hubctl built is pushed to the real
// registry, copied back by skopeo and unpacked by umoci: the RUN's file is read from there.

let root: string;
let env: NodeJS.ProcessEnv;
let reg: Registry;
let base: string;
let baseLayer: string;

const store = () => join(root, 'store');
const buildahDir = () => join(store(), '.hubctl', 'buildah');

async function context(name: string, dockerfile: string, files: Record<string, string> = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const [f, body] of Object.entries(files)) await writeFile(join(dir, f), body);
  return dir;
}

/** buildah itself, on the storage hubctl gave it: what is left there after a build. */
async function buildahState(): Promise<{ images: string[][]; containers: number }> {
  const driver = (await stat(join(buildahDir(), 'root', 'overlay-images')).catch(() => undefined)) ? 'overlay' : 'vfs';
  const flags = ['--root', join(buildahDir(), 'root'), '--runroot', join(buildahDir(), 'runroot'), '--storage-driver', driver];
  const images = JSON.parse((await runTool('buildah', [...flags, 'images', '--all', '--json'])).stdout || '[]') as Array<{
    names: string[] | null;
  }>;
  const containers = (JSON.parse((await runTool('buildah', [...flags, 'containers', '--all', '--json'])).stdout || '[]') ??
    []) as unknown[];
  return { images: images.map((i) => i.names ?? []), containers: containers.length };
}

/** buildah's storage holds one image, the base (under its names), and no container. */
async function expectOnlyTheBase(): Promise<void> {
  const state = await buildahState();
  expect(state.containers).toBe(0);
  expect(state.images).toHaveLength(1);
  expect(state.images[0]).toContain(base);
}

const leftovers = async () => (await readdir(join(store(), '.hubctl', 'tmp')).catch(() => [])).filter((f) => f.startsWith('hubctl-'));

/** Pulls REF from the registry with skopeo into an OCI layout, unpacks it with umoci, reads FILE. */
async function fileInPushedImage(ref: string, file: string): Promise<{ text: string; layers: string[] }> {
  const layout = await mkdtemp(join(root, 'pulled-'));
  await skopeoCopy(`docker://${ref}`, `oci:${layout}:img`, { src: { registry: reg } });
  const bundle = join(layout, 'bundle');
  await runUmoci(['unpack', '--rootless', '--image', `${layout}:img`, bundle]);
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(await readFile(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  return { text: await readFile(join(bundle, 'rootfs', file), 'utf8'), layers: manifest.layers.map((l: { digest: string }) => l.digest) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-buildah-'));
  // DOCKER_CONFIG names a directory without config.json: buildah alone would fail on it ("checking authfile").
  env = { HOME: root, HUBCTL_STORE: store(), DOCKER_CONFIG: join(root, 'no-docker-config') };
  reg = await startRegistry({ mode: 'open' });
  // The base: Debian's static busybox and a few of its applets, built by hubctl from a tar.
  const rootfs = join(root, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  const busybox = findTool('busybox');
  if (!busybox) throw new Error('busybox not found: apt-get install -y busybox-static');
  await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'echo', 'mkdir', 'cat', 'sleep']) await symlink('busybox', join(rootfs, 'bin', applet));
  await runTool('tar', ['-C', rootfs, '-cf', join(root, 'rootfs.tar'), '.']);
  base = `${reg.host}/test/busybox:1`;
  const b = await hubctl(['build', '-t', base, '--from', 'scratch', '--layer', join(root, 'rootfs.tar'), '--cmd', '["/bin/sh"]'], { env });
  expect(b.code, b.stderr).toBe(0);
  baseLayer = JSON.parse((await hubctl(['inspect', '--raw', base], { env })).stdout).manifest.layers[0].digest;
  const p = await hubctl(['push', base], { env });
  expect(p.code, p.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl build through buildah', () => {
  it('RUN mkdir / RUN echo > file: built in chroot isolation, pushed, the file read back by skopeo + umoci', async () => {
    const ctx = await context(
      'run',
      [
        `FROM ${base}`,
        'RUN mkdir -p /srv/data',
        'RUN echo "hello from RUN" > /srv/data/greeting.txt',
        'CMD ["cat", "/srv/data/greeting.txt"]',
        '',
      ].join('\n'),
    );
    const ref = `${reg.host}/test/app:1`;
    const r = await hubctl(['build', '-t', ref, ctx], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(r.stderr).toContain('Step 2/4 : RUN mkdir -p /srv/data');
    expect(r.stderr).toMatch(/ ---> [0-9a-f]{11,12}\n/);
    expect(r.stderr).toContain(`Successfully tagged ${ref}`);
    expect(r.stderr).not.toMatch(/hubctl-build-|^Error/m);
    const id = r.stdout.trim();
    const inspected = JSON.parse((await hubctl(['inspect', '--raw', ref], { env })).stdout);
    expect(inspected.manifest.config.digest).toBe(id);
    expect(inspected.config.config.Cmd).toEqual(['cat', '/srv/data/greeting.txt']);
    expect(inspected.manifest.layers).toHaveLength(3); // the base, one per RUN

    const push = await hubctl(['push', ref], { env });
    expect(push.code, push.stderr).toBe(0);
    const pulled = await fileInPushedImage(ref, 'srv/data/greeting.txt');
    expect(pulled.text).toBe('hello from RUN\n');
    // The base layer is the blob hubctl already had (pushes mount it), not buildah's recompression.
    expect(pulled.layers[0]).toBe(baseLayer);

    // buildah's storage keeps only the base image; no container, no temp dir is left.
    await expectOnlyTheBase();
    expect(await leftovers()).toEqual([]);
  });

  it('multi-stage: COPY --from a stage that ran a command', async () => {
    const ctx = await context(
      'multi',
      [
        `FROM ${base} AS build`,
        'RUN mkdir /out && echo "made in the build stage" > /out/artifact',
        'FROM scratch',
        'COPY --from=build /out/artifact /artifact',
        '',
      ].join('\n'),
    );
    const ref = `${reg.host}/test/multi:1`;
    const r = await hubctl(['build', '-t', ref, ctx], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[2/2] Step 2/2 : COPY --from=build /out/artifact /artifact');
    expect((await hubctl(['push', ref], { env })).code).toBe(0);
    const pulled = await fileInPushedImage(ref, 'artifact');
    expect(pulled.text).toBe('made in the build stage\n');
    expect(pulled.layers).toHaveLength(1);
    await expectOnlyTheBase();
  });

  it('a git context with RUN: the labels and the files of the ref', async () => {
    const repo = join(root, 'repo');
    const { commit } = await makeGitRepo(
      repo,
      { Dockerfile: `FROM ${base}\nCOPY msg.txt /\nRUN cat /msg.txt /msg.txt > /double.txt\n`, 'msg.txt': 'from git\n' },
      { home: root },
    );
    const r = await hubctl(['build', '-t', 'me/fromgit:1', `file://${repo}#main`], { env });
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse((await hubctl(['inspect', '--raw', 'me/fromgit:1'], { env })).stdout).config.config;
    expect(config.Labels).toEqual({ 'org.opencontainers.image.revision': commit, 'org.opencontainers.image.source': `file://${repo}` });
    const bundle = join(root, 'fromgit-bundle');
    await runUmoci(['unpack', '--rootless', '--image', `${store()}:docker.io/me/fromgit:1`, bundle]);
    expect(await readFile(join(bundle, 'rootfs', 'double.txt'), 'utf8')).toBe('from git\nfrom git\n');
  });

  it('a base missing from the store is pulled by hubctl first (hubctl auth, one pull), then handed over', async () => {
    const other = join(root, 'other-store');
    // The hand-over layout lives in TMPDIR (a lower-case path: buildah names the image after it). A
    // layout a killed build left there (its lock names a dead pid) is removed; nothing else is touched.
    const tmp = join('/tmp', `hubctl-e2e-handover-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(join(tmp, 'hubctl-handover-0123456789ab', 'blobs'), { recursive: true });
      const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
      const lock = { pid: dead, host: hostname(), time: new Date().toISOString(), token: 'x' };
      await writeFile(join(tmp, 'hubctl-handover-0123456789ab.lock'), `${JSON.stringify(lock)}\n`);
      await mkdir(join(tmp, 'hubctl-something-else'));
      const ctx = await context('pullbase', `FROM ${base}\nRUN echo pulled > /p\n`);
      const r = await hubctl(['build', '-t', 'me/pulled:1', ctx], { env: { ...env, HUBCTL_STORE: other, TMPDIR: tmp } });
      expect(r.code, r.stderr).toBe(0);
      const images = (await hubctl(['images', '--format', '{{.Repository}}:{{.Tag}}'], { env: { ...env, HUBCTL_STORE: other } })).stdout;
      expect(images).toContain(base);
      expect(await readdir(tmp)).toEqual(['hubctl-something-else']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('FROM image@digest: pulled by digest, handed over under a tag buildah can find, lines unchanged', async () => {
    const digest = await skopeoDigest(base, { registry: reg });
    const ctx = await context(
      'pinned',
      `# pinned\nFROM --platform=linux/amd64 \\\n  ${reg.host}/test/busybox:1@${digest} AS b\nRUN echo pinned > /p && exit 4\n`,
    );
    const r = await hubctl(['build', '-t', 'me/pinned:1', ctx], { env });
    // the RUN still names its own line (4) in the user's file
    expect(r.stderr).toContain('Error: Dockerfile:4: RUN echo pinned > /p && exit 4: the command exited with status 4');
    const ok = await context('pinned-ok', `FROM ${reg.host}/test/busybox:1@${digest}\nRUN echo pinned > /p\n`);
    const r2 = await hubctl(['build', '-t', 'me/pinned:1', ok], { env });
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toContain(`Step 1/2 : FROM ${reg.host}/test/busybox:hubctl-sha256-${digest.slice(7)}`);
  });

  it('a failing RUN: one Error line with the Dockerfile line and the exit status, exit 2, nothing tagged or left', async () => {
    const ctx = await context('fail', `FROM ${base}\nRUN echo one\nRUN echo about to fail && \\\n  exit 3\n`);
    const r = await hubctl(['build', '-t', 'me/fail:1', ctx], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('about to fail');
    expect(r.stderr).toContain('Error: Dockerfile:3: RUN echo about to fail &&   exit 3: the command exited with status 3');
    expect(r.stderr.match(/^Error:/gm)).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect((await hubctl(['inspect', 'me/fail:1'], { env })).code).toBe(4);
    await expectOnlyTheBase();
    expect(await leftovers()).toEqual([]);
  });

  it('Ctrl-C during a RUN stops buildah and its command and cleans up; exit 130', async () => {
    // a duration of this run's own: the check below looks at every process of the (shared) machine
    const sleep = `sleep ${300 + Math.floor(Math.random() * 600)}`;
    const ctx = await context('slow', `FROM ${base}\nRUN echo started && ${sleep}\n`);
    const child = spawn(process.execPath, [BIN, 'build', '-t', 'me/slow:1', ctx], { env: { PATH: process.env.PATH, ...env } });
    let stderr = '';
    const started = new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('started\n')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await started;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const ps = await runTool('ps', ['-eo', 'args']);
    expect(ps.stdout.split('\n')).not.toContain(sleep);
    await expectOnlyTheBase();
    expect(await leftovers()).toEqual([]);
  });

  it('--target builds a stage; an unknown one is refused before anything runs', async () => {
    const ctx = await context('target', `FROM ${base} AS tools\nRUN echo t > /t\nFROM scratch AS final\nCOPY --from=tools /t /t\n`);
    const r = await hubctl(['build', '-t', 'me/tools:1', '--target', 'tools', ctx], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse((await hubctl(['inspect', '--raw', 'me/tools:1'], { env })).stdout).manifest.layers).toHaveLength(2);
    const bad = await hubctl(['build', '-t', 'me/tools:1', '--target', 'nope', ctx], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Error: --target nope: the Dockerfile has no stage named nope');
  });
});

describe('without buildah on PATH', () => {
  it('RUN and multi-stage are refused with the line and how to install buildah', async () => {
    const noBuildah = { ...env, PATH: join(root, 'empty-path') };
    const run = await context('norun', 'FROM scratch\nCOPY Dockerfile /\nRUN make\n');
    const r = await hubctl(['build', '-t', 'me/x:1', run], { env: noBuildah });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Error: Dockerfile:3: RUN needs a container: hubctl runs RUN through buildah, which is not installed');
    expect(r.stderr).toContain('hint: install buildah (apt-get install -y buildah)');
    const multi = await context('nomulti', 'FROM scratch AS a\nCOPY Dockerfile /\nFROM scratch\nCOPY --from=a /Dockerfile /\n');
    const m = await hubctl(['build', '-t', 'me/x:1', multi], { env: noBuildah });
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('Error: Dockerfile:3: FROM starts a second stage: multi-stage builds run through buildah');
  });
});
