import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, gitTestEnv, runTool, runUmoci } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

// Git build contexts against real repositories made with the git CLI: a local path, a file:// URL,
// and git:// from `git daemon` on a loopback port. umoci reads what hubctl stored.

let root: string;
let env: NodeJS.ProcessEnv;
let daemon: ChildProcess | undefined;
let daemonUrl: string;
const commits: Record<string, string> = {};

const gitEnv = () => gitTestEnv(root);
const git = async (args: string[]) => (await runTool('git', ['-C', join(root, 'repo'), ...args], { env: gitEnv() })).stdout.trim();

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`git daemon did not listen on ${port}`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-git-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  const repo = join(root, 'repo');
  await mkdir(join(repo, 'app'), { recursive: true });
  await runTool('git', ['init', '-q', '-b', 'main', repo], { env: gitEnv() });
  await writeFile(join(repo, 'app', 'Dockerfile'), 'FROM scratch\nCOPY version.txt /app/version.txt\n');
  await writeFile(join(repo, 'app', 'version.txt'), 'v1\n');
  await symlink('/etc', join(repo, 'escape'));
  await git(['add', '.']);
  await git(['commit', '-q', '-m', 'one']);
  await git(['tag', '-a', 'v1.2', '-m', 'release 1.2']);
  commits.v1 = await git(['rev-parse', 'HEAD']);
  await writeFile(join(repo, 'app', 'version.txt'), 'v2\n');
  await git(['commit', '-q', '-am', 'two']);
  commits.main = await git(['rev-parse', 'HEAD']);
  await git(['checkout', '-q', '-b', 'feature']);
  await writeFile(join(repo, 'app', 'version.txt'), 'v3\n');
  await git(['commit', '-q', '-am', 'three']);
  commits.feature = await git(['rev-parse', 'HEAD']);
  await git(['checkout', '-q', 'main']);
  await git(['remote', 'add', 'origin', 'https://alice:s3cret@git.example.com/team/repo.git']);

  const port = await freePort();
  daemon = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${port}`, root], {
    env: gitEnv(),
    stdio: 'ignore',
    // `git daemon` runs git-daemon as a child: a group of its own, so afterAll ends both
    detached: true,
  });
  await waitForPort(port);
  daemonUrl = `git://127.0.0.1:${port}/repo`;
});

afterAll(async () => {
  if (daemon?.pid !== undefined) {
    try {
      process.kill(-daemon.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (root) await rm(root, { recursive: true, force: true });
});

/** The file hubctl stored at /app/version.txt of an image, read by umoci from the store. */
async function versionIn(ref: string): Promise<string> {
  const bundle = await mkdtemp(join(root, 'bundle-'));
  await rm(bundle, { recursive: true });
  await runUmoci(['unpack', '--rootless', '--image', `${join(root, 'store')}:${ref}`, bundle]);
  return readFile(join(bundle, 'rootfs', 'app', 'version.txt'), 'utf8');
}

const labelsOf = async (ref: string) =>
  JSON.parse((await hubctl(['inspect', '--raw', ref], { env })).stdout).config.config.Labels as Record<string, string>;

const leftovers = async () =>
  (await readdir(join(root, 'store', '.hubctl', 'tmp')).catch(() => [])).filter((f) => f.startsWith('hubctl-git-'));

describe('hubctl build from a git context', () => {
  it('./repo#v1.2:app builds the files of that tag, labelled with its commit and source (no credentials)', async () => {
    const r = await hubctl(['build', '-t', 'me/app:1.2', './repo#v1.2:app'], { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(r.stderr).toContain(`Checked out ${commits.v1} (v1.2)`);
    expect(r.stderr).toContain('Successfully tagged me/app:1.2');
    expect(r.stderr).not.toContain('s3cret');
    expect(await versionIn('docker.io/me/app:1.2')).toBe('v1\n');
    expect(await labelsOf('me/app:1.2')).toEqual({
      'org.opencontainers.image.revision': commits.v1,
      'org.opencontainers.image.source': 'https://git.example.com/team/repo.git',
    });
    expect(await leftovers()).toEqual([]);
  });

  it('a file:// URL with a branch; --label wins over the git labels', async () => {
    const r = await hubctl(
      ['build', '-t', 'me/app:feature', '--label', 'org.opencontainers.image.source=mine', `file://${root}/repo#feature:app`],
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(await versionIn('docker.io/me/app:feature')).toBe('v3\n');
    expect(await labelsOf('me/app:feature')).toEqual({
      'org.opencontainers.image.revision': commits.feature,
      'org.opencontainers.image.source': 'mine',
    });
  });

  it('git:// from git daemon on loopback: the default branch, a commit by its full id, -f inside the context', async () => {
    const r = await hubctl(['build', '-t', 'me/app:main', `${daemonUrl}#:app`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(await versionIn('docker.io/me/app:main')).toBe('v2\n');
    expect((await labelsOf('me/app:main'))['org.opencontainers.image.source']).toBe(daemonUrl);

    const bySha = await hubctl(['build', '-t', 'me/app:sha', '-f', 'app/Dockerfile', `${daemonUrl}#${commits.v1}`], { env });
    // -f is read inside the context (the repository root here), so its COPY version.txt misses: the context is right
    expect(bySha.code).toBe(2);
    expect(bySha.stderr).toMatch(/Dockerfile:2: COPY failed: "version\.txt" not found in the build context/);
    const ok = await hubctl(['build', '-t', 'me/app:sha', `${daemonUrl}#${commits.v1}:app`], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect((await labelsOf('me/app:sha'))['org.opencontainers.image.revision']).toBe(commits.v1);
  });

  it('an abbreviated commit falls back to a full fetch', async () => {
    const r = await hubctl(['build', '-t', 'me/app:short', `file://${root}/repo#${commits.v1!.slice(0, 10)}:app`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(await versionIn('docker.io/me/app:short')).toBe('v1\n');
  });

  it('a missing ref is exit 4 with one Error line; nothing is left behind', async () => {
    const r = await hubctl(['build', '-t', 'me/app:x', `${daemonUrl}#nope:app`], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Error: nope is not a branch, tag or commit of ${daemonUrl}`);
    expect(r.stderr).toContain('hint: list what there is with: git ls-remote');
    const sub = await hubctl(['build', '-t', 'me/app:x', `${daemonUrl}#main:nodir`], { env });
    expect(sub.code).toBe(4);
    expect(sub.stderr).toMatch(/the repository has no directory nodir/);
    expect(await leftovers()).toEqual([]);
  });

  it('a SUBDIR that is a link out of the repository is refused', async () => {
    const r = await hubctl(['build', '-t', 'me/app:x', `${daemonUrl}#main:escape`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/escape is a link that leaves the repository/);
  });

  it('credentials in a URL are never printed, and git never prompts', async () => {
    const port = await freePort();
    const r = await hubctl(['build', '-t', 'me/app:x', `http://alice:s3cret@127.0.0.1:${port}/team/repo.git#main`], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: git could not fetch http:\/\/127\.0\.0\.1:\d+\/team\/repo\.git/m);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('a hostile ref cannot become a git option', async () => {
    const r = await hubctl(['build', '-t', 'me/app:x', `${daemonUrl}#--upload-pack=touch ${root}/pwned`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a branch, tag or commit name/);
    await expect(readFile(join(root, 'pwned'))).rejects.toThrow();
  });
});
