/**
 * `hubctl login` / `pull` / `logout` through the binary with the secret kept outside config.json:
 * - docker-credential-pass (Debian's golang-docker-credential-helpers) chosen by `credsStore`, by
 *   `credHelpers`, and by `--helper pass`, with a throw-away passphrase-less gpg key and `pass init`;
 * - the OS keychain (`--store keychain`, keytar over the Secret Service) and
 *   docker-credential-secretservice, both against gnome-keyring on a private D-Bus session.
 * Each is checked with the helper itself (or a pull that needs the login), and logout from each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKeyringSession, startPassStore, type Registry } from '../../harness/index.mjs';
import { startLoginRegistries, type LoginRegistries } from './fixture.js';
import { hubctl } from '../../e2e/run-cli.js';

let basic: Registry;
let token: Registry;
let root: string;
let n = 0;

let fixture: LoginRegistries | undefined;
beforeAll(async () => {
  fixture = await startLoginRegistries('hubctl-login-stores-');
  ({ basic, token, root } = fixture);
});
afterAll(async () => fixture?.stop());

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** What these tests read back: a docker config.json (auths) or hubctl's preferences.json (servers). */
interface JsonFile {
  auths?: Record<string, { auth?: string }>;
  servers?: Record<string, string>;
  [key: string]: unknown;
}
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as JsonFile;

/** Runs a docker-credential-* helper directly (the independent check of what hubctl stored). */
function helper(name: string, action: string, input: string, env: NodeJS.ProcessEnv): { code: number; stdout: string } {
  try {
    return {
      code: 0,
      stdout: execFileSync(`docker-credential-${name}`, [action], { env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }),
    };
  } catch (e) {
    const err = e as { status?: number; stdout?: string };
    return { code: err.status ?? 1, stdout: err.stdout ?? '' };
  }
}

// ---------- docker-credential-pass ----------

describe('docker-credential-pass', () => {
  let env: Record<string, string>;
  let base: string;

  let passStore: Awaited<ReturnType<typeof startPassStore>> | undefined;

  beforeAll(async () => {
    base = join(root, 'pass');
    passStore = await startPassStore(base);
    env = { ...passStore.env, XDG_CONFIG_HOME: join(passStore.home, '.config'), HUBCTL_STORE: join(base, 'images') };
  });

  afterAll(() => passStore?.stop());

  /** A new docker config dir holding `config`. */
  async function dockerDir(config: object | undefined) {
    const dir = join(base, `docker-${++n}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (config !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    return { e: { ...env, DOCKER_CONFIG: dir }, config: join(dir, 'config.json') };
  }

  it("credsStore: pass -> the secret goes to pass, config.json gets docker's {} placeholder, no plaintext warning; pull; logout", async () => {
    const { e, config } = await dockerDir({ credsStore: 'pass', auths: { [basic.host]: { auth: b64('alice:stale') } } });
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env: e, input: `${basic.users.alice}\n` });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await readJson(config)).toEqual({ credsStore: 'pass', auths: { [basic.host]: {} } });
    const got = helper('pass', 'get', basic.host, e);
    expect(JSON.parse(got.stdout)).toMatchObject({ Username: 'alice', Secret: basic.users.alice });

    const pull = await hubctl(['pull', '-q', `${basic.host}/alice/app:1`], { env: e });
    expect(pull.code, pull.stderr).toBe(0);

    const out = await hubctl(['logout', basic.host], { env: e });
    expect(out).toMatchObject({ code: 0, stdout: `Removing login credentials for ${basic.host}\n` });
    expect(JSON.parse(helper('pass', 'get', basic.host, e).stdout)).toMatchObject({ Username: '', Secret: '' }); // pass 0.6.4: "none" is exit 0 + empty
    expect(await readJson(config)).toEqual({ credsStore: 'pass', auths: {} });
    const again = await hubctl(['logout', basic.host], { env: e });
    expect(again).toMatchObject({ code: 0, stdout: `Not logged in to ${basic.host}\n` });
  });

  it('credHelpers[host]: pass -> identity token from the token server stored as Username <token>; pull; logout', async () => {
    const { e, config } = await dockerDir({ credHelpers: { [token.host]: 'pass' }, detachKeys: 'ctrl-q' });
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', token.host], { env: e, input: token.users.alice! });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    const got = JSON.parse(helper('pass', 'get', token.host, e).stdout);
    expect(got.Username).toBe('<token>');
    expect(token.tokenServer!.refreshTokensOf('alice')).toContain(got.Secret);
    expect(await readJson(config)).toEqual({ credHelpers: { [token.host]: 'pass' }, detachKeys: 'ctrl-q', auths: { [token.host]: {} } });

    const pull = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env: e });
    expect(pull.code, pull.stderr).toBe(0);

    const out = await hubctl(['logout', token.host], { env: e });
    expect(out.stdout).toBe(`Removing login credentials for ${token.host}\n`);
    expect(JSON.parse(helper('pass', 'get', token.host, e).stdout).Secret).toBe('');
    const pullAfter = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env: e });
    expect(pullAfter.code).toBe(3);
  });

  it('--helper pass records credHelpers[host] in a config that had none', async () => {
    const { e, config } = await dockerDir(undefined);
    const r = await hubctl(['login', '--helper', 'pass', '-u', 'alice', '--password-stdin', basic.host], {
      env: e,
      input: basic.users.alice!,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await readJson(config)).toEqual({ credHelpers: { [basic.host]: 'pass' }, auths: { [basic.host]: {} } });
    expect(JSON.parse(helper('pass', 'list', '', e).stdout)).toMatchObject({ [basic.host]: 'alice' });
    const out = await hubctl(['logout', basic.host], { env: e });
    expect(out.stdout).toBe(`Removing login credentials for ${basic.host}\n`);
  });

  it('--store file with a credsStore configured: plaintext, with the warning and a note that the helper is asked first', async () => {
    const { e, config } = await dockerDir({ credsStore: 'pass' });
    const r = await hubctl(['login', '--store', 'file', '-u', 'alice', '--password-stdin', basic.host], {
      env: e,
      input: basic.users.alice!,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WARNING! Your credentials are stored unencrypted in '${config}'.`);
    expect(r.stderr).toContain('credsStore in it is asked first');
    expect((await readJson(config)).auths![basic.host]!.auth).toBe(b64(`alice:${basic.users.alice}`));
    const out = await hubctl(['logout', basic.host], { env: e });
    expect(out.stdout).toBe(`Removing login credentials for ${basic.host}\n`);
  });
});

// ---------- the Secret Service: keychain (@napi-rs/keyring) and docker-credential-secretservice ----------

describe('Secret Service on a private D-Bus session', () => {
  let keyring: Awaited<ReturnType<typeof startKeyringSession>> | undefined;
  let env: Record<string, string> & { XDG_CONFIG_HOME: string };
  let base: string;

  beforeAll(async () => {
    base = join(root, 'kc');
    keyring = await startKeyringSession(base);
    // the binary (and the keyring in it) reads the bus address from its own environment
    env = { ...keyring.env, XDG_CONFIG_HOME: join(keyring.home, '.config'), HUBCTL_STORE: join(base, 'images') };
  });

  afterAll(async () => keyring?.stop());

  async function dockerDir(config: object | undefined) {
    const dir = join(base, `docker-${++n}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (config !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    return { e: { ...env, DOCKER_CONFIG: dir }, config: join(dir, 'config.json') };
  }

  it('--store keychain: nothing in config.json, the pull finds it, hubctl remembers the choice; logout', async () => {
    const { e, config } = await dockerDir(undefined);
    const r = await hubctl(['login', '--store', 'keychain', '-u', 'alice', '--password-stdin', token.host], {
      env: e,
      input: token.users.alice!,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    await expect(readFile(config)).rejects.toMatchObject({ code: 'ENOENT' });
    const prefs = await readJson(join(e.XDG_CONFIG_HOME, 'hubctl', 'preferences.json'));
    expect(prefs.servers).toEqual({ [token.host]: 'keychain' });

    const pull = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env: e });
    expect(pull, pull.stderr).toMatchObject({ code: 0 });

    // a later login without --store stays in the keychain
    const again = await hubctl(['login', '-u', 'alice', '--password-stdin', token.host], { env: e, input: token.users.alice! });
    expect(again).toMatchObject({ code: 0, stderr: '' });
    await expect(readFile(config)).rejects.toMatchObject({ code: 'ENOENT' });

    const out = await hubctl(['logout', token.host], { env: e });
    expect(out).toMatchObject({ code: 0, stdout: `Removing login credentials for ${token.host}\n` });
    const pullAfter = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env: e });
    expect(pullAfter.code).toBe(3);
    expect((await hubctl(['logout', token.host], { env: e })).stdout).toBe(`Not logged in to ${token.host}\n`);
  });

  it('credsStore: secretservice round trip through the real helper', async () => {
    const { e, config } = await dockerDir({ credsStore: 'secretservice' });
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env: e, input: basic.users.alice! });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await readJson(config)).toEqual({ credsStore: 'secretservice', auths: { [basic.host]: {} } });
    expect(JSON.parse(helper('secretservice', 'get', basic.host, e).stdout)).toMatchObject({
      Username: 'alice',
      Secret: basic.users.alice,
    });
    const pull = await hubctl(['pull', '-q', `${basic.host}/alice/app:1`], { env: e });
    expect(pull.code, pull.stderr).toBe(0);
    const out = await hubctl(['logout', basic.host], { env: e });
    expect(out.stdout).toBe(`Removing login credentials for ${basic.host}\n`);
    expect(helper('secretservice', 'get', basic.host, e).code).not.toBe(0); // credentials not found in native keychain
  });
});
