/**
 * The OS keychain for real: @napi-rs/keyring and docker-credential-secretservice against
 * gnome-keyring's Secret Service, on a private D-Bus session started with dbus-run-session.
 *
 * The keyring reads the bus address from this process's environment (it cannot be given one), so
 * the test sets DBUS_SESSION_BUS_ADDRESS for this worker process only and restores it afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyringSession } from '../../harness/index.mjs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createHelperBackend,
  createKeychainBackend,
  eraseCredential,
  findCredential,
  keychainBackend,
  loadKeyring,
  saveCredential,
  storedUsername,
  type CredentialsOptions,
} from '../../../src/credentials/index.js';

let root: string;
let keyring: Awaited<ReturnType<typeof startKeyringSession>> | undefined;
let env: Record<string, string>;
let opts: CredentialsOptions;
const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
const SERVICE = `hubctl-test-${process.pid}`;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hubctl-kc-'));
  keyring = await startKeyringSession(root);
  env = { ...keyring.env, DOCKER_CONFIG: path.join(root, 'docker') };
  // the keyring in this test process reads the bus address from process.env
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
  opts = { env, homedir: keyring.home, preferencesDir: path.join(root, 'prefs'), keychainService: SERVICE };
});

afterAll(async () => {
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  await keyring?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('OS keychain via @napi-rs/keyring (Secret Service)', () => {
  it('backend round trip: get/store/list/erase, JSON items', async () => {
    const kc = createKeychainBackend({ service: SERVICE });
    expect(await kc.get('localhost:5000')).toBeUndefined();
    await kc.store('localhost:5000', { username: 'kim', password: 'p:w' });
    await kc.store('https://index.docker.io/v1/', { username: 'hub', identityToken: 'rt' });
    expect(await kc.get('localhost:5000')).toEqual({ username: 'kim', password: 'p:w' });
    expect(await kc.get('https://index.docker.io/v1/')).toEqual({ username: 'hub', identityToken: 'rt' });
    expect(await kc.list()).toEqual({ 'localhost:5000': 'kim', 'https://index.docker.io/v1/': 'hub' });
    const keytar = await loadKeyring();
    expect(JSON.parse((await keytar.getPassword(SERVICE, 'localhost:5000'))!)).toEqual({ username: 'kim', secret: 'p:w' });
    expect(await kc.erase('localhost:5000')).toBe(true);
    expect(await kc.erase('localhost:5000')).toBe(false);
    expect(await kc.erase('https://index.docker.io/v1/')).toBe(true);
  });

  it('login --store keychain, pull lookup, logout; config.json untouched', async () => {
    const saved = await saveCredential('ghcr.io', { username: 'octo', password: 'tok' }, { ...opts, store: 'keychain' });
    expect(saved).toEqual({ store: 'keychain', where: 'the OS keychain', plaintextWarning: false });
    expect(await findCredential('ghcr.io', opts)).toEqual({
      source: 'keychain',
      key: 'ghcr.io',
      credential: { username: 'octo', password: 'tok' },
    });
    expect(await storedUsername('ghcr.io', opts)).toBe('octo');
    await expect(readFile(path.join(env.DOCKER_CONFIG!, 'config.json'))).rejects.toThrow();
    expect(await eraseCredential('ghcr.io', opts)).toEqual({ erased: true, where: ['the OS keychain'], remaining: [] });
    expect(await findCredential('ghcr.io', opts)).toBeUndefined();
  });
});

describe("items keytar wrote (hubctl <= 0.1), written here by libsecret's secret-tool as keytar's libsecret did", () => {
  const keytarWrite = (account: string, secret: string) =>
    execFileSync('secret-tool', ['store', `--label=${SERVICE}/${account}`, 'service', SERVICE, 'account', account], { env, input: secret });
  // secret-tool prints the attributes on stderr and the secrets on stdout
  const keytarItems = () =>
    spawnSync('secret-tool', ['search', '--all', 'service', SERVICE], { env, encoding: 'utf8' })
      .stderr.split('\n')
      .filter((l) => l.startsWith('attribute.account = '))
      .map((l) => l.slice('attribute.account = '.length))
      .sort();

  it('are found, listed, and moved to the keyring layout on first read', async () => {
    keytarWrite('old.example:5000', JSON.stringify({ username: 'olduser', secret: 'oldpw' }));
    keytarWrite('https://index.docker.io/v1/', JSON.stringify({ username: 'hubuser', identitytoken: 'refresh-1' }));
    expect(keytarItems()).toEqual(['https://index.docker.io/v1/', 'old.example:5000']);
    const kc = keychainBackend(opts);
    expect(await kc.list()).toMatchObject({ 'old.example:5000': 'olduser', 'https://index.docker.io/v1/': 'hubuser' });
    // the keyring module alone does not see them (it searches `username`, keytar wrote `account`)
    expect(await (await loadKeyring()).getPassword(SERVICE, 'old.example:5000')).toBeNull();

    expect(await kc.get('old.example:5000')).toEqual({ username: 'olduser', password: 'oldpw' });
    expect(keytarItems()).toEqual(['https://index.docker.io/v1/']); // moved
    expect(JSON.parse((await (await loadKeyring()).getPassword(SERVICE, 'old.example:5000'))!)).toEqual({
      username: 'olduser',
      secret: 'oldpw',
    });
    expect(await kc.get('old.example:5000')).toEqual({ username: 'olduser', password: 'oldpw' });
    expect(await findCredential('docker.io', opts)).toBeUndefined(); // the resolver asks the keychain only for servers hubctl put there
  });

  it('a logout erases them, a new login replaces them', async () => {
    const kc = keychainBackend(opts);
    expect(await kc.erase('https://index.docker.io/v1/')).toBe(true);
    expect(keytarItems()).toEqual([]);
    keytarWrite('again.example', JSON.stringify({ username: 'u', secret: 'old' }));
    await kc.store('again.example', { username: 'u', password: 'new' });
    expect(keytarItems()).toEqual([]);
    expect(await kc.get('again.example')).toEqual({ username: 'u', password: 'new' });
    expect(await kc.erase('again.example')).toBe(true);
    expect(await kc.erase('old.example:5000')).toBe(true);
  });
});

describe('docker-credential-secretservice (real helper)', () => {
  it('round trip via credsStore: unknown -> none, store, get, list, erase', async () => {
    const h = createHelperBackend({ name: 'secretservice', env });
    expect(await h.get('never.example:1')).toBeUndefined();
    await mkdir(env.DOCKER_CONFIG!, { recursive: true });
    await writeFile(path.join(env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ credsStore: 'secretservice' }));
    expect(await saveCredential('127.0.0.1:5001', { username: 'sam', password: 'xyz' }, opts)).toMatchObject({
      store: 'helper',
      where: 'docker-credential-secretservice',
    });
    expect(await findCredential('127.0.0.1:5001', opts)).toMatchObject({
      source: 'store',
      helper: 'secretservice',
      credential: { username: 'sam', password: 'xyz' },
    });
    expect(await h.list()).toMatchObject({ '127.0.0.1:5001': 'sam' });
    await saveCredential('docker.io', { identityToken: 'refresh-9' }, opts);
    expect(await findCredential('docker.io', opts)).toMatchObject({ credential: { identityToken: 'refresh-9' } });
    expect(await eraseCredential('127.0.0.1:5001', opts)).toMatchObject({ erased: true, where: ['docker-credential-secretservice'] });
    expect(await eraseCredential('docker.io', opts)).toMatchObject({ erased: true });
    expect(await h.get('127.0.0.1:5001')).toBeUndefined();
  });
});
