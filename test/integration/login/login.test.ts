/**
 * login/logout through the library against the real distribution registry: htpasswd (Basic) and
 * token auth. Credentials are checked before anything is stored; a refresh token from the token
 * server is stored as `identitytoken`; pulls that need the login then work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../../harness/index.mjs';
import { closeAllTransports, createClient, login, logout, pull, resolveServer, type Client } from '../../../src/index.js';
import { createCredentialSource, type CredentialsOptions } from '../../../src/credentials/index.js';

let basic: Registry;
let token: Registry;
let root: string;

beforeAll(async () => {
  [basic, token] = await Promise.all([
    startRegistry({ mode: 'htpasswd' }),
    // no anonymous pulls: a pull of alice/app needs alice's login
    startRegistry({ mode: 'token', token: { anonymousPull: false } }),
  ]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-login-'));
  await Promise.all([seedImage(basic, 'alice/app:1', { layers: [1000] }), seedImage(token, 'alice/app:1', { layers: [1000, 2000] })]);
});

afterAll(async () => {
  await closeAllTransports();
  await Promise.all([basic?.stop(), token?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh home with its own docker config dir and preferences. */
async function setup(): Promise<{ home: string; creds: CredentialsOptions; configPath: string; client: Client; storeRoot: string }> {
  const home = await mkdtemp(join(root, 'home-'));
  const creds: CredentialsOptions = {
    homedir: home,
    env: { DOCKER_CONFIG: join(home, 'docker') },
    preferencesDir: join(home, 'prefs'),
    readAuthFile: false,
  };
  const storeRoot = join(home, 'store');
  return { home, creds, configPath: join(home, 'docker', 'config.json'), client: createClient({ storeRoot }), storeRoot };
}

/** A client that pulls with what is stored (as the CLI builds it). */
const pullingClient = (creds: CredentialsOptions, storeRoot: string) =>
  createClient({ storeRoot, credentials: createCredentialSource(creds) });

/** A docker config.json as these tests read it back. */
interface DockerConfigJson {
  auths: Record<string, { auth?: string; identitytoken?: string }>;
  [key: string]: unknown;
}
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as DockerConfigJson;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe("resolveServer (docker's SERVER argument)", () => {
  it.each([
    [undefined, 'docker.io', 'https://index.docker.io/v1/'],
    ['', 'docker.io', 'https://index.docker.io/v1/'],
    ['docker.io', 'docker.io', 'https://index.docker.io/v1/'],
    ['https://index.docker.io/v1/', 'docker.io', 'https://index.docker.io/v1/'],
    ['index.docker.io', 'docker.io', 'https://index.docker.io/v1/'],
    ['registry-1.docker.io', 'docker.io', 'https://index.docker.io/v1/'],
    ['localhost:5000', 'localhost:5000', 'localhost:5000'],
    ['https://localhost:5000/', 'localhost:5000', 'localhost:5000'],
    ['http://reg.example.com:8443/v2/', 'reg.example.com:8443', 'reg.example.com:8443'],
    ['reg.example.com/some/path', 'reg.example.com', 'reg.example.com'],
    ['[::1]:5000', '[::1]:5000', '[::1]:5000'],
  ])('%s -> %s (key %s)', (input, registry, key) => {
    const s = resolveServer(input);
    expect(s.registry).toBe(registry);
    expect(s.key).toBe(key);
    expect(s.display).toBe(key);
  });

  it.each(['https://', 'bad host', 'host:port:x', '-x.example'])('rejects %j as a usage error', (input) => {
    expect(() => resolveServer(input)).toThrow(expect.objectContaining({ kind: 'usage', code: 'INVALID_REGISTRY' }));
  });
});

describe('htpasswd (Basic) registry', () => {
  it("an anonymous pull is refused; after login the pull works and config.json holds docker's auth entry", async () => {
    const { creds, configPath, client, storeRoot } = await setup();
    const anon = pullingClient(creds, storeRoot);
    await expect(pull(anon, `${basic.host}/alice/app:1`)).rejects.toMatchObject({ kind: 'auth' });
    await anon.close();

    const result = await login(client, basic.host, { username: 'alice', password: basic.users.alice!, credentials: creds });
    expect(result.status).toBe('Login Succeeded');
    expect(result.identityToken).toBe(false);
    expect(result.saved).toMatchObject({ store: 'file', plaintextWarning: true, path: configPath });
    const config = await readJson(configPath);
    expect(config).toEqual({ auths: { [basic.host]: { auth: b64(`alice:${basic.users.alice}`) } } });
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(configPath, '..'))).mode & 0o777).toBe(0o700);

    const c = pullingClient(creds, storeRoot);
    const pulled = await pull(c, `${basic.host}/alice/app:1`);
    expect(pulled.reference).toBe(`${basic.host}/alice/app:1`);
    await c.close();
    await client.close();
  });

  it('a wrong password is one auth error and nothing is stored (config.json unchanged byte for byte)', async () => {
    const { creds, configPath, client } = await setup();
    await mkdir(join(configPath, '..'), { recursive: true });
    const before = '{\n  "auths": {"other.example:5000": {"auth": "eDp5"}},\n  "psFormat": "table {{.ID}}",\n  "x-unknown": [1, 2]\n}\n';
    await writeFile(configPath, before, { mode: 0o600 });
    const err = await login(client, basic.host, { username: 'alice', password: 'wrong', credentials: creds }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'auth',
      code: 'UNAUTHORIZED',
      message: `login to ${basic.host} failed: incorrect username or password`,
    });
    expect(await readFile(configPath, 'utf8')).toBe(before);
    await client.close();
  });

  it('an unknown user is refused the same way', async () => {
    const { creds, configPath, client } = await setup();
    await expect(login(client, basic.host, { username: 'mallory', password: 'x', credentials: creds })).rejects.toMatchObject({
      kind: 'auth',
      code: 'UNAUTHORIZED',
    });
    await expect(stat(configPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await client.close();
  });

  it('logout erases the entry, keeps the rest, and a second logout finds nothing', async () => {
    const { creds, configPath, client, storeRoot } = await setup();
    await mkdir(join(configPath, '..'), { recursive: true });
    await writeFile(configPath, JSON.stringify({ auths: { 'keep.example': { auth: b64('k:v') } }, detachKeys: 'ctrl-x' }), { mode: 0o600 });
    await login(client, `https://${basic.host}/`, { username: 'alice', password: basic.users.alice!, credentials: creds });
    expect(Object.keys((await readJson(configPath)).auths)).toEqual(['keep.example', basic.host]);

    const out = await logout(basic.host, creds);
    expect(out).toMatchObject({ erased: true, where: [configPath], server: { display: basic.host } });
    expect(await readJson(configPath)).toEqual({ auths: { 'keep.example': { auth: b64('k:v') } }, detachKeys: 'ctrl-x' });
    expect(await logout(basic.host, creds)).toMatchObject({ erased: false, where: [] });

    const c = pullingClient(creds, storeRoot);
    await expect(pull(c, `${basic.host}/alice/app:1`)).rejects.toMatchObject({ kind: 'auth' });
    await c.close();
    await client.close();
  });
});

describe('token-auth registry', () => {
  it('asks for a refresh token, stores it as identitytoken (not the password), and pulls with it', async () => {
    const { creds, configPath, client, storeRoot } = await setup();
    const ts = token.tokenServer!;
    const anon = pullingClient(creds, storeRoot);
    await expect(pull(anon, `${token.host}/alice/app:1`)).rejects.toMatchObject({ kind: 'auth' });
    await anon.close();

    ts.clearLog();
    const result = await login(client, token.host, { username: 'alice', password: token.users.alice!, credentials: creds });
    expect(result.identityToken).toBe(true);
    expect(ts.log).toHaveLength(1);
    expect(ts.log[0]).toMatchObject({ method: 'GET', basic: true, user: 'alice', authOk: true, status: 200 });
    expect(ts.log[0]!.query).toMatchObject({ offline_token: 'true', client_id: 'hubctl', account: 'alice' });

    const entry = (await readJson(configPath)).auths[token.host]!;
    expect(entry.auth).toBe(b64('alice:')); // docker: the password is blanked when an identity token is stored
    expect(ts.refreshTokensOf('alice')).toContain(entry.identitytoken);
    expect(await readFile(configPath, 'utf8')).not.toContain(token.users.alice!);

    ts.clearLog();
    const c = pullingClient(creds, storeRoot);
    await pull(c, `${token.host}/alice/app:1`);
    await c.close();
    // the pull traded the refresh token (OAuth2 POST), never the password
    expect(ts.log.length).toBeGreaterThan(0);
    expect(ts.log.every((e) => e.method === 'POST' && e.grantType === 'refresh_token' && e.status === 200)).toBe(true);
    await client.close();
  });

  it('a wrong password is refused by the token server and nothing is stored', async () => {
    const { creds, configPath, client } = await setup();
    await expect(login(client, token.host, { username: 'alice', password: 'nope', credentials: creds })).rejects.toMatchObject({
      kind: 'auth',
      code: 'UNAUTHORIZED',
      message: `login to ${token.host} failed: incorrect username or password`,
    });
    await expect(stat(configPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await client.close();
  });

  it('a corrupt config.json fails before any request and is left alone', async () => {
    const { creds, configPath, client } = await setup();
    await mkdir(join(configPath, '..'), { recursive: true });
    await writeFile(configPath, '{"auths": {', { mode: 0o600 });
    token.tokenServer!.clearLog();
    await expect(login(client, token.host, { username: 'alice', password: token.users.alice!, credentials: creds })).rejects.toMatchObject({
      kind: 'store',
      code: 'CONFIG_INVALID',
    });
    expect(token.tokenServer!.log).toHaveLength(0);
    expect(await readFile(configPath, 'utf8')).toBe('{"auths": {');
    await client.close();
  });
});

describe('errors before storing', () => {
  it('an unreachable registry is a network error and nothing is stored', async () => {
    const { creds, configPath, client } = await setup();
    await expect(login(client, '127.0.0.1:1', { username: 'a', password: 'b', credentials: creds })).rejects.toMatchObject({
      kind: 'network',
    });
    await expect(stat(configPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await client.close();
  });

  it('empty username or password are usage errors', async () => {
    const { creds, client } = await setup();
    await expect(login(client, basic.host, { username: ' ', password: 'x', credentials: creds })).rejects.toMatchObject({
      kind: 'usage',
      code: 'USERNAME_REQUIRED',
    });
    await expect(login(client, basic.host, { username: 'alice', password: '', credentials: creds })).rejects.toMatchObject({
      kind: 'usage',
      code: 'PASSWORD_REQUIRED',
    });
    await client.close();
  });

  it('--store helper without a configured helper, and --helper with --store file, fail before any request', async () => {
    const { creds, client } = await setup();
    await expect(
      login(client, basic.host, { username: 'alice', password: 'x', credentials: creds, store: 'helper' }),
    ).rejects.toMatchObject({
      kind: 'usage',
      code: 'NO_CREDENTIAL_HELPER',
    });
    await expect(
      login(client, basic.host, { username: 'alice', password: 'x', credentials: creds, store: 'file', helper: 'pass' }),
    ).rejects.toMatchObject({
      kind: 'usage',
      code: 'CONFLICTING_FLAGS',
    });
    await client.close();
  });

  it('--store keychain without a keychain binding is a clear store error pointing to a helper', async () => {
    const { creds, client } = await setup();
    const { loadKeyring } = await import('../../../src/credentials/index.js');
    const failing = {
      ...creds,
      loadKeyring: () =>
        loadKeyring(async () => {
          throw new Error("Cannot find package '@napi-rs/keyring'");
        }),
    };
    await expect(
      login(client, basic.host, { username: 'alice', password: basic.users.alice!, credentials: failing, store: 'keychain' }),
    ).rejects.toMatchObject({
      kind: 'store',
      code: 'KEYCHAIN_UNAVAILABLE',
      hint: expect.stringContaining('credential helper'),
    });
    await client.close();
  });
});
