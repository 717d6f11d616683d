// `save -o PATH` through the binary for every kind of PATH (src/fs/output-path.ts): a regular file is
// replaced atomically; a character device, a FIFO, /dev/stdout and a symlink are written through and
// stay what they were; a directory and a block device are refused. Runs as root (mknod).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
const IMAGE = 'out/test:1';

/** The names `tar -t` lists in an archive file (or FIFO). */
function tarNames(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Runs the binary; stdout as bytes. */
function run(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-output-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  await mkdir(join(root, 'layer', 'etc'), { recursive: true });
  await writeFile(join(root, 'layer', 'etc', 'motd'), 'hello\n'.repeat(1000));
  const b = await hubctl(['build', '-q', '-t', IMAGE, '--layer', join(root, 'layer')], { env });
  expect(b.code, b.stderr).toBe(0);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const ARCHIVE_NAMES = ['oci-layout', 'index.json', 'manifest.json'];

describe('save -o to what is not a plain new file', () => {
  it('a character device (mknod c 1 3, a /dev/null) is written through and is still that device afterwards', async () => {
    const dev = join(root, 'null');
    execFileSync('mknod', [dev, 'c', '1', '3']);
    const before = await stat(dev);
    const r = await hubctl(['save', '-o', dev, IMAGE], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const after = await lstat(dev);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(after.ino).toBe(before.ino);
  });

  it('a FIFO: its reader gets the whole tar, and the FIFO stays a FIFO', async () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<{ code: number | null; out: string }>((resolve) => {
      const t = spawn('tar', ['-tf', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      t.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const timer = setTimeout(() => t.kill('SIGKILL'), 30_000);
      t.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
    const r = await hubctl(['save', '-o', fifo, IMAGE], { env });
    const t = await reader;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(t.code).toBe(0);
    for (const n of ARCHIVE_NAMES) expect(t.out.split('\n')).toContain(n);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('-o /dev/stdout writes the archive to stdout (here a pipe) and leaves /dev/stdout alone', async () => {
    const linkBefore = await readlink('/dev/stdout');
    const r = await run(['save', '-o', '/dev/stdout', IMAGE]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const viaStdout = await run(['save', IMAGE]);
    expect(r.stdout.length).toBeGreaterThan(6000);
    expect(r.stdout.equals(viaStdout.stdout)).toBe(true);
    expect((await lstat('/dev/stdout')).isSymbolicLink()).toBe(true);
    expect(await readlink('/dev/stdout')).toBe(linkBefore);
  });

  it('a symlink to a regular file: the link stays a link, the file it names gets the archive', async () => {
    const real = join(root, 'real.tar');
    const link = join(root, 'link.tar');
    await writeFile(real, 'old');
    await chmod(real, 0o640);
    await symlink('real.tar', link);
    const r = await hubctl(['save', '-o', link, IMAGE], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real.tar');
    for (const n of ARCHIVE_NAMES) expect(tarNames(real)).toContain(n);
    expect((await stat(real)).mode & 0o777).toBe(0o640); // an existing file keeps its mode
  });

  it('a dangling symlink: the file it names is created, the link stays', async () => {
    const link = join(root, 'dangling.tar');
    await symlink('created-by-save.tar', link);
    const r = await hubctl(['save', '-o', link, IMAGE], { env });
    expect(r.code, r.stderr).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(tarNames(join(root, 'created-by-save.tar'))).toContain('index.json');
  });

  it('a regular file is replaced atomically: a failed save leaves the old content', async () => {
    const file = join(root, 'keep.tar');
    await writeFile(file, 'previous archive');
    const bad = await hubctl(['save', '-o', file, 'no/such:image'], { env });
    expect(bad.code).toBe(4);
    expect(await readFile(file, 'utf8')).toBe('previous archive');
    const ok = await hubctl(['save', '-o', file, IMAGE], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(tarNames(file)).toContain('index.json');
  });

  it('a directory and a block device are refused with one usage error; nothing changes', async () => {
    const dir = join(root, 'adir');
    await mkdir(dir);
    const d = await hubctl(['save', '-o', dir, IMAGE], { env });
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^Error: refusing to write the archive to .*adir: it is a directory$/m);
    expect(d.stderr).not.toMatch(/\n\s+at /);
    expect((await lstat(dir)).isDirectory()).toBe(true);
    const blk = join(root, 'loopdev');
    execFileSync('mknod', [blk, 'b', '7', '200']);
    const b = await hubctl(['save', '-o', blk, IMAGE], { env });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('it is a block device');
    expect((await lstat(blk)).isBlockDevice()).toBe(true);
  });
});
