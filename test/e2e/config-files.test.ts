// Configuration files that are not regular files, through the binary (as root, for mknod): hubctl
// refuses them with their path (exit 7) without reading them (a /dev/zero) or blocking on them (a
// FIFO), and never writes over them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let n = 0;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'htpasswd' });
  await seedImage(reg, 'alice/app:1', { layers: [1000] });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-config-'));
});

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh docker config dir whose config.json is made by `make`. */
async function configWith(make: (path: string, dir: string) => Promise<void> | void): Promise<{ env: NodeJS.ProcessEnv; path: string }> {
  const dir = join(root, `run-${++n}`);
  await mkdir(join(dir, 'docker'), { recursive: true });
  const path = join(dir, 'docker', 'config.json');
  await make(path, dir);
  return { path, env: { HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), HUBCTL_STORE: join(dir, 'store') } };
}

const KINDS: [string, (path: string, dir: string) => Promise<void> | void, RegExp][] = [
  ['a symlink to /dev/zero', (p) => symlink('/dev/zero', p), /is a character device, not a regular file/],
  ['a character device (mknod c 1 5)', (p) => void execFileSync('mknod', [p, 'c', '1', '5']), /is a character device, not a regular file/],
  ['a FIFO', (p) => void execFileSync('mkfifo', [p]), /is a FIFO, not a regular file/],
  ['a directory', (p) => mkdir(p).then(() => undefined), /is a directory, not a regular file/],
  [
    'a symlink loop',
    async (p, dir) => {
      await symlink(join(dir, 'b'), p);
      await symlink(p, join(dir, 'b'));
    },
    /too many levels of symbolic links/,
  ],
];

describe('config.json that is not a regular file', () => {
  for (const [what, make, message] of KINDS) {
    it(`${what}: pull is refused with the path, exit 7, at once`, async () => {
      const { env, path } = await configWith(make);
      const r = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env, timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(new RegExp(`^Error: .*${path.replace(/[.]/g, '\\.')}.*`, 'm'));
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }

  it('login does not write over config.json that links to a character device; the device stays a device', async () => {
    const { env, path } = await configWith(async (p, dir) => {
      execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
      await symlink(join(dir, 'zero'), p);
    });
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 'alice-secret\n', timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain('not a regular file');
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect((await stat(path)).isCharacterDevice()).toBe(true);
  });

  it("containers' auth.json that is a FIFO (REGISTRY_AUTH_FILE): refused with its path, no hang", async () => {
    const { env } = await configWith(() => undefined);
    const fifo = join(root, `auth-${n}.json`);
    execFileSync('mkfifo', [fifo]);
    const r = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env: { ...env, REGISTRY_AUTH_FILE: fifo }, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`containers auth file ${fifo} is a FIFO`);
  });

  it('--ca-file that is a FIFO: refused with its path, no hang', async () => {
    const { env } = await configWith(() => undefined);
    const fifo = join(root, `ca-${n}.pem`);
    execFileSync('mkfifo', [fifo]);
    const r = await hubctl(['pull', '-q', '--ca-file', fifo, `${reg.host}/alice/app:1`], { env, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`CA file ${fifo} is a FIFO`);
  });

  it("hubctl's settings file (XDG_CONFIG_HOME/hubctl/config.json) and preferences file that are FIFOs: refused with their path, no hang", async () => {
    const { env } = await configWith(() => undefined);
    const xdg = join(root, `xdg-${n}`);
    await mkdir(join(xdg, 'hubctl'), { recursive: true });
    const settings = join(xdg, 'hubctl', 'config.json');
    execFileSync('mkfifo', [settings]);
    const r = await hubctl(['images'], { env: { ...env, XDG_CONFIG_HOME: xdg }, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`hubctl settings file ${settings} is a FIFO`);
    const set = await hubctl(['config', 'set', 'hub-url', 'https://hub.example'], {
      env: { ...env, XDG_CONFIG_HOME: xdg },
      timeoutMs: 20_000,
    });
    expect(set.code, set.stderr).toBe(7);
    expect((await lstat(settings)).isFIFO()).toBe(true);
    await rm(settings);
    const prefs = join(xdg, 'hubctl', 'preferences.json');
    execFileSync('mkfifo', [prefs]);
    const login = await hubctl(['logout', reg.host], { env: { ...env, XDG_CONFIG_HOME: xdg }, timeoutMs: 20_000 });
    expect(login.stderr).toContain(`hubctl preferences file ${prefs} is a FIFO`);
    expect((await lstat(prefs)).isFIFO()).toBe(true);
  });
});
