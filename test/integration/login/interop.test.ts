/**
 * config.json interop between `hubctl login/logout` (the built binary) and independent clients:
 * skopeo reads what hubctl wrote (--authfile); the docker client on this machine reads it (no daemon
 * needed: `docker login` reads the stored username, `docker logout` erases), `docker login` writes
 * one daemonless (client-side login) that `hubctl pull` uses; one written by hand in docker's format
 * (legacy `https://host/` key, plain username/password fields) works too; unknown keys, mode 0600 and
 * a symlinked config.json survive hubctl's login and logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, type Registry } from '../../harness/index.mjs';
import { freshHome, startLoginRegistries, type LoginRegistries } from './fixture.js';
import { hubctl } from '../../e2e/run-cli.js';

let basic: Registry;
let token: Registry;
let root: string;

let fixture: LoginRegistries | undefined;
beforeAll(async () => {
  fixture = await startLoginRegistries('hubctl-login-interop-');
  ({ basic, token, root } = fixture);
});
afterAll(async () => fixture?.stop());

const fresh = () => freshHome(root);

const b64 = (s: string) => Buffer.from(s).toString('base64');
const loginArgs = (reg: Registry) => ['login', '-u', 'alice', '--password-stdin', reg.host];

async function hubctlLogin(reg: Registry, env: NodeJS.ProcessEnv) {
  const r = await hubctl(loginArgs(reg), { env, input: `${reg.users.alice}\n` });
  expect(r.code, r.stderr).toBe(0);
}

describe('skopeo reads the config.json hubctl wrote', () => {
  it.each([
    ['htpasswd', () => basic],
    ['token (identitytoken)', () => token],
  ])('%s: skopeo inspect --authfile', async (_name, reg) => {
    const { env, config, home } = await fresh();
    await hubctlLogin(reg(), env);
    // with an empty auth file skopeo is refused...
    const empty = join(home, 'empty-auth.json');
    await writeFile(empty, '{}');
    const refused = await runTool('skopeo', ['inspect', '--authfile', empty, '--tls-verify=false', `docker://${reg().host}/alice/app:1`], {
      timeoutMs: 60_000,
    }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    // ...with hubctl's file it gets in
    const out = await runTool('skopeo', ['inspect', '--authfile', config, '--tls-verify=false', `docker://${reg().host}/alice/app:1`], {
      timeoutMs: 60_000,
    });
    expect(JSON.parse(out.stdout).Name).toBe(`${reg().host}/alice/app`);
  });
});

describe('the docker client (no daemon)', () => {
  it("reads the username hubctl stored and erases hubctl's entry with docker logout", async () => {
    const { env, config } = await fresh();
    await hubctlLogin(basic, env);
    // docker tries the stored credentials first: that needs the daemon, but it shows docker read them
    const login = await runTool('docker', ['login', basic.host], { env: { PATH: process.env.PATH, ...env }, timeoutMs: 60_000 }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${login.stdout}${login.stderr}`).toContain('Authenticating with existing credentials... [Username: alice]');
    const out = await runTool('docker', ['logout', basic.host], { env: { PATH: process.env.PATH, ...env }, timeoutMs: 60_000 });
    expect(out.stdout).toContain(`Removing login credentials for ${basic.host}`);
    expect(JSON.parse(await readFile(config, 'utf8')).auths ?? {}).toEqual({});
    const pull = await hubctl(['pull', '-q', `${basic.host}/alice/app:1`], { env });
    expect(pull.code).toBe(3);
  });

  it('a config.json written by `docker login` (client-side, daemonless) is used by hubctl pull, then hubctl logout', async () => {
    const { env, config, dir } = await fresh();
    // a non-empty "auths" stops docker from picking a default credsStore (pass) for a new file
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(config, JSON.stringify({ auths: { 'placeholder.invalid': {} } }));
    const dockerEnv = { PATH: process.env.PATH, ...env };
    for (const reg of [basic, token]) {
      const r = await runTool('docker', ['login', '-u', 'alice', '--password-stdin', reg.host], {
        env: dockerEnv,
        input: reg.users.alice!,
        timeoutMs: 60_000,
      });
      expect(r.stdout).toContain('Login Succeeded');
    }
    const written = JSON.parse(await readFile(config, 'utf8'));
    expect(written.auths[basic.host].auth).toBe(b64(`alice:${basic.users.alice}`));
    expect(typeof written.auths[token.host].identitytoken).toBe('string');
    for (const reg of [basic, token]) {
      const pull = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env });
      expect(pull, reg.host).toMatchObject({ code: 0, stdout: `${reg.host}/alice/app:1\n` });
    }
    for (const reg of [basic, token]) {
      const out = await hubctl(['logout', reg.host], { env });
      expect(out.stdout).toBe(`Removing login credentials for ${reg.host}\n`);
    }
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ auths: { 'placeholder.invalid': {} } });
  });
});

describe('hand-written docker config.json', () => {
  it('legacy https://host/ key and plain username/password fields are used by hubctl pull; logout removes them', async () => {
    const { env, config, dir } = await fresh();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(
      config,
      JSON.stringify({
        auths: {
          [`https://${basic.host}/`]: { auth: b64(`alice:${basic.users.alice}`), email: 'alice@example.com' },
          [token.host]: { username: 'alice', password: token.users.alice },
        },
      }),
      { mode: 0o600 },
    );
    for (const reg of [basic, token]) {
      const pull = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env });
      expect(pull, pull.stderr).toMatchObject({ code: 0 });
    }
    const out = await hubctl(['logout', basic.host], { env });
    expect(out.stdout).toBe(`Removing login credentials for ${basic.host}\n`);
    expect(Object.keys(JSON.parse(await readFile(config, 'utf8')).auths)).toEqual([token.host]);
  });
});

describe('what hubctl keeps through login and logout', () => {
  it('unknown keys (top level and inside entries), key order, mode 0600 and a symlinked config.json', async () => {
    const { env, config, dir, home } = await fresh();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const realDir = join(home, 'dotfiles');
    await mkdir(realDir, { mode: 0o700 });
    const real = join(realDir, 'docker-config.json');
    const original = {
      psFormat: 'table {{.ID}}\t{{.Names}}',
      auths: {
        'other.example:5000': { auth: b64('bob:pw'), email: 'bob@example.com' },
        [basic.host]: { auth: b64('alice:old'), email: 'alice@example.com' },
      },
      proxies: { default: { httpProxy: 'http://proxy.invalid:3128', noProxy: '127.0.0.1' } },
      'x-vendor': { nested: [1, { deep: true }], unicode: 'ü ✓' },
      currentContext: 'default',
    };
    await writeFile(real, JSON.stringify(original, null, 2), { mode: 0o644 });
    await symlink(real, config);

    await hubctlLogin(basic, env);
    expect((await lstat(config)).isSymbolicLink()).toBe(true);
    expect(await readlink(config)).toBe(real);
    expect((await stat(real)).mode & 0o777).toBe(0o600);
    const after = JSON.parse(await readFile(real, 'utf8'));
    expect(Object.keys(after)).toEqual(Object.keys(original));
    expect(after).toEqual({
      ...original,
      auths: { ...original.auths, [basic.host]: { auth: b64(`alice:${basic.users.alice}`), email: 'alice@example.com' } },
    });

    const out = await hubctl(['logout', basic.host], { env });
    expect(out.code).toBe(0);
    expect((await lstat(config)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(real, 'utf8'))).toEqual({
      ...original,
      auths: { 'other.example:5000': original.auths['other.example:5000'] },
    });
    expect((await stat(real)).mode & 0o777).toBe(0o600);
  });

  // root reads any file: as root, hubctl runs as the unprivileged user nobody for this one
  it('a config.json hubctl cannot read is not replaced', async () => {
    const { env, config, dir } = await fresh();
    await mkdir(dir, { recursive: true });
    await writeFile(config, '{}');
    await chmod(config, 0o000);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0) for (const d of [root, join(dir, '..'), dir]) await chmod(d, 0o755);
    const r = await hubctl(loginArgs(basic), { env, input: basic.users.alice!, ...asNobody });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(config);
    expect((await stat(config)).mode & 0o777).toBe(0o000);
    expect(await readFile(config, 'utf8')).toBe('{}');
  });
});
