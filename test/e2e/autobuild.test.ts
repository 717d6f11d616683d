import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findTool,
  runSkopeo,
  runTool,
  runUmoci,
  seedImage,
  skopeoCopy,
  skopeoDigest,
  skopeoInspect,
  startRegistry,
  type Registry,
} from '../harness/index.mjs';
import { startCli, waitUntil } from './background-cli.js';
import { acquireLock } from '../../src/store/lock.js';
import { GitFixture } from './git-fixture.js';
import { hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
let one: Registry;
let two: Registry;
let repo: GitFixture;
let state: string;

const RULES = ['--rule', 'branch=main:tag=latest', '--rule', 'tag=/^v([0-9.]+)$/:tag={\\1}'];
const autobuild = (...extra: string[]) =>
  hubctl(['autobuild', repo.dir, '--image', `${one.host}/team/app,${two.host}/team/app`, ...RULES, '--state', state, ...extra], { env });

async function listTags(reg: Registry, repository: string): Promise<string[]> {
  const r = await runSkopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/${repository}`]);
  return (JSON.parse(r.stdout).Tags as string[]).sort();
}

interface Row {
  ID: string;
  Ref: string;
  Commit: string;
  Tags: string;
  Status: string;
  Reason: string;
  Digest: string;
  Log: string;
  Error: string;
}
async function history(path = state): Promise<Row[]> {
  const r = await hubctl(['autobuild', 'history', '--state', path, '--format', 'json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-autobuild-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), XDG_DATA_HOME: join(root, 'data') };
  state = join(root, 'state.json');
  [one, two] = await Promise.all([startRegistry(), startRegistry()]);
  repo = await GitFixture.init(join(root, 'repo'));
  await repo.commit({ Dockerfile: 'FROM scratch\nCOPY app/ /app/\nCMD ["/app/run"]\n', 'app/run': 'v1\n' }, 'first');
  repo.git('tag', '-a', 'v1.2', '-m', 'release 1.2');
  repo.git('tag', 'not-a-version');
});

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl autobuild against real registries', () => {
  it('--once builds main as latest and v1.2 as 1.2, pushed to both registries; again builds nothing', async () => {
    const r = await autobuild('--once');
    expect(r.code, r.stderr).toBe(0);
    for (const reg of [one, two]) expect(await listTags(reg, 'team/app')).toEqual(['1.2', 'latest']);
    const digest = await skopeoDigest(`${one.host}/team/app:latest`);
    expect(await skopeoDigest(`${two.host}/team/app:1.2`)).toBe(digest);
    expect(r.stdout.trim().split('\n').sort()).toEqual(
      [`${one.host}/team/app:latest`, `${two.host}/team/app:latest`, `${one.host}/team/app:1.2`, `${two.host}/team/app:1.2`]
        .map((x) => `${x}@${digest}`)
        .sort(),
    );
    expect(r.stderr).toContain('same commit, context and Dockerfile as #1');
    const inspected = (await skopeoInspect(`${two.host}/team/app:latest`)) as { Labels?: Record<string, string>; Created?: string };
    expect(inspected.Labels).toEqual({
      'org.opencontainers.image.revision': repo.git('rev-parse', 'HEAD'),
      'org.opencontainers.image.source': pathToFileURL(repo.dir).href,
    });
    expect(inspected.Created).toBe('2024-01-02T03:04:05Z');
    const rows = await history();
    expect(rows.map((x) => [x.Ref, x.Tags, x.Status, x.Digest])).toEqual([
      ['v1.2', '1.2', 'success', digest],
      ['main', 'latest', 'success', digest],
    ]);
    expect(await readFile(rows[1]!.Log, 'utf8')).toContain(`success: ${digest}`);

    const again = await autobuild('--once');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('nothing to build (2 up to date)');
    expect(await history()).toHaveLength(2);
  });

  it('a new commit on main is built once, and only main', async () => {
    const commit = await repo.commit({ 'app/run': 'v2\n' }, 'second');
    const r = await autobuild('--once', '-q');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    const rows = await history();
    expect(rows[0]).toMatchObject({ Ref: 'main', Commit: commit, Status: 'success', Reason: 'new commit' });
    expect(rows).toHaveLength(3);
    expect(await skopeoDigest(`${one.host}/team/app:latest`)).toBe(rows[0]!.Digest);
    expect(await skopeoDigest(`${one.host}/team/app:1.2`)).toBe(rows[1]!.Digest);
    expect((await autobuild('--once')).stderr).toContain('nothing to build');
  });

  it('a failing Dockerfile is recorded as error with its log; the other builds go on; exit non-zero', async () => {
    repo.git('checkout', '-q', '-b', 'broken');
    await repo.commit({ Dockerfile: 'FROM scratch\nCOPY missing.txt /\n' }, 'broken');
    repo.git('checkout', '-q', 'main');
    const fixed = await repo.commit({ 'app/run': 'v3\n' }, 'third');
    const r = await autobuild('--rule', 'branch=broken:tag=broken', '--once');
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(1);
    expect(r.stderr).toMatch(/Error: 1 of 2 builds failed; first: #\d+ branch broken: /);
    const rows = await history();
    const broken = rows.find((x) => x.Ref === 'broken')!;
    expect(broken.Status).toBe('error');
    expect(broken.Error).toContain('missing.txt');
    expect(await readFile(broken.Log, 'utf8')).toMatch(/error: .*missing\.txt/);
    expect(rows.find((x) => x.Commit === fixed)?.Status).toBe('success');
    // not retried until the branch moves (or --retry-failed)
    const again = await autobuild('--rule', 'branch=broken:tag=broken', '--once');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/branch broken \([0-9a-f]{12}\): failed in #\d+, not retried/);
    const retry = await autobuild('--rule', 'branch=broken:tag=broken', '--once', '--retry-failed');
    expect(retry.code).not.toBe(0);
    expect((await history()).filter((x) => x.Ref === 'broken')).toHaveLength(2);
  });

  it('two runs at once on one state file build a new commit once', async () => {
    const commit = await repo.commit({ 'app/run': 'v4\n' }, 'fourth');
    const [a, b] = await Promise.all([autobuild('--once'), autobuild('--once')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect((await history()).filter((x) => x.Commit === commit)).toHaveLength(1);
    expect([a.stdout, b.stdout].filter((s) => s !== '')).toHaveLength(1);
  });

  it('a run waits while another live process holds the state lock, then goes on', async () => {
    const commit = await repo.commit({ 'app/run': 'v4.1\n' }, 'held');
    const held = await acquireLock(`${state}.lock`);
    const cli = startCli(
      ['autobuild', repo.dir, '--image', `${one.host}/team/app,${two.host}/team/app`, ...RULES, '--state', state, '-q'],
      env,
    );
    try {
      await cli.waitForStderr(new RegExp(`waiting for the autobuild run of pid ${process.pid} on `));
      expect((await history()).some((x) => x.Commit === commit)).toBe(false);
      await held.release();
      expect(await cli.exited()).toBe(0);
      expect((await history()).filter((x) => x.Commit === commit)).toHaveLength(1);
    } finally {
      await held.release();
      cli.kill();
    }
  });

  it("takes over the lock of a run that died and builds what it left 'building'", async () => {
    const commit = await repo.commit({ 'app/run': 'v5\n' }, 'fifth');
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '']);
      c.on('exit', () => resolve(c.pid!));
    });
    const s = JSON.parse(await readFile(state, 'utf8'));
    s.builds.push({ ...s.builds.at(-1), id: s.nextId++, commit, status: 'building', pid: dead, digest: undefined, reason: 'new commit' });
    await writeFile(state, JSON.stringify(s));
    await writeFile(`${state}.lock`, JSON.stringify({ pid: dead, host: hostname(), time: new Date().toISOString(), token: 'x' }));
    const r = await autobuild('--once');
    expect(r.code, r.stderr).toBe(0);
    const rows = (await history()).filter((x) => x.Commit === commit);
    expect(rows.map((x) => [x.Status, x.Reason])).toEqual([
      ['success', 'interrupted before'],
      ['error', 'new commit'],
    ]);
    expect(rows[1]!.Error).toContain(`pid ${dead}`);
  });

  it('--rebuild-on-base-change rebuilds when the FROM image moved', async () => {
    await seedImage(one, 'base/os:1', { layers: [1024] });
    const base = await GitFixture.init(join(root, 'based'));
    await base.commit({ Dockerfile: `FROM ${one.host}/base/os:1\nCOPY f /f\n`, f: 'x' });
    const baseState = join(root, 'base-state.json');
    const run = (...extra: string[]) =>
      hubctl(
        ['autobuild', base.dir, '--image', `${two.host}/team/based`, '--rule', 'branch=main:tag=latest', '--state', baseState, ...extra],
        { env },
      );
    expect((await run()).code).toBe(0);
    expect((await run('--rebuild-on-base-change')).stderr).toContain('nothing to build');
    const moved = await seedImage(one, 'base/os:1', { layers: [2048] });
    expect((await run()).stderr).toContain('nothing to build');
    const r = await run('--rebuild-on-base-change');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`base image ${one.host}/base/os:1 changed (${moved})`);
    const rows = await history(baseState);
    expect(rows[0]).toMatchObject({ Status: 'success', Reason: `base image changed: ${one.host}/base/os:1` });
    expect(rows[0]!.Digest).not.toBe(rows[1]!.Digest);
    const log = await readFile(rows[0]!.Log, 'utf8');
    expect(log).toContain(`base image ${one.host}/base/os:1: ${moved}`);
  });

  it('--watch builds new commits as they come and stops cleanly on SIGTERM', async () => {
    const watched = await GitFixture.init(join(root, 'watched'));
    await watched.commit({ Dockerfile: 'FROM scratch\nCOPY f /f\n', f: '1' });
    const watchState = join(root, 'watch-state.json');
    const cli = startCli(
      [
        'autobuild',
        watched.dir,
        '--image',
        `${one.host}/team/watched`,
        '--rule',
        'branch=/.*/:tag={sourceref}',
        '--state',
        watchState,
        '--watch',
        '1s',
        '-q',
      ],
      env,
    );
    try {
      await cli.waitForStderr(/#1 success/);
      watched.git('checkout', '-q', '-b', 'feature/y');
      await watched.commit({ f: '2' });
      await cli.waitForStderr(/#2 success/);
      expect(await listTags(one, 'team/watched')).toEqual(['feature-y', 'main']);
      cli.child.kill('SIGTERM');
      expect(await cli.exited()).toBe(0);
      expect(cli.stderr()).toMatch(/stopped\n$/);
    } finally {
      cli.kill();
    }
  });

  it('history shows every state file of the data directory, and the usage errors are clear', async () => {
    const def = await hubctl(['autobuild', repo.dir, '--image', `${one.host}/team/default`, '--once', '-q'], { env });
    expect(def.code, def.stderr).toBe(0);
    expect(await listTags(one, 'team/default')).toEqual(['latest']);
    const table = await hubctl(['autobuild', 'history'], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +REF +COMMIT +TAGS +STATUS +DIGEST +STARTED +DURATION$/);
    await waitUntil('a row', () => table.stdout.includes('latest'));
    const bad = await hubctl(['autobuild', repo.dir, '--image', 'x/y', '--rule', 'branch=main:tag={\\1}'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Error: --rule "branch=main:tag={\\1}": {\\1} but the source regex has 0 capture group(s)');
    const noImage = await hubctl(['autobuild', repo.dir], { env });
    expect(noImage.code).toBe(2);
    const missing = await hubctl(['autobuild', join(root, 'nope'), '--image', 'x/y'], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`Error: no git repository at ${join(root, 'nope')}`);
    expect((await hubctl(['autobuild', 'history', '--state', join(root, 'none.json')], { env })).code).toBe(4);
  });
});

describe('hubctl autobuild with RUN (through buildah)', () => {
  it('builds a Dockerfile with RUN on a busybox base; the file RUN wrote is in the pushed image', async () => {
    const rootfs = join(root, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    const busybox = findTool('busybox');
    if (!busybox) throw new Error('busybox not found: apt-get install -y busybox-static');
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'echo', 'mkdir']) await symlink('busybox', join(rootfs, 'bin', applet));
    await runTool('tar', ['-C', rootfs, '-cf', join(root, 'rootfs.tar'), '.']);
    const base = `${one.host}/test/busybox:1`;
    for (const args of [
      ['build', '-t', base, '--from', 'scratch', '--layer', join(root, 'rootfs.tar')],
      ['push', base],
    ]) {
      const r = await hubctl(args, { env });
      expect(r.code, r.stderr).toBe(0);
    }
    const app = await GitFixture.init(join(root, 'with-run'));
    const commit = await app.commit({
      'docker/Dockerfile': `FROM ${base}\nRUN mkdir /out && echo built by autobuild > /out/msg\n`,
    });
    const r = await hubctl(
      [
        'autobuild',
        app.dir,
        '--image',
        `${one.host}/team/run`,
        '--rule',
        'branch=main:tag=latest:context=docker',
        '--state',
        join(root, 'run.json'),
      ],
      { env, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const layout = join(root, 'pulled');
    await skopeoCopy(`docker://${one.host}/team/run:latest`, `oci:${layout}:img`, { src: { registry: one } });
    await runUmoci(['unpack', '--rootless', '--image', `${layout}:img`, join(layout, 'bundle')]);
    expect(await readFile(join(layout, 'bundle', 'rootfs', 'out', 'msg'), 'utf8')).toBe('built by autobuild\n');
    const [row] = await history(join(root, 'run.json'));
    expect(row).toMatchObject({ Commit: commit, Status: 'success' });
  }, 150_000);
});
