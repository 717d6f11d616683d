import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  eraseCredential,
  findCredential,
  loadKeyring,
  openPreferences,
  plaintextWarningText,
  saveCredential,
  storedUsername,
} from '../../../src/credentials/index.js';
import { b64, fakeHelper, fakeKeyring, sandbox, type Sandbox } from './fixtures.js';

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

const readConfig = async () => JSON.parse(await readFile(box.configPath, 'utf8'));
async function writeConfig(doc: unknown): Promise<void> {
  await mkdir(box.dockerDir, { recursive: true });
  await writeFile(box.configPath, JSON.stringify(doc));
}

describe('saveCredential', () => {
  it('defaults to the file (plaintext warning) when no helper is configured; Hub under the v1 key', async () => {
    const r = await saveCredential('registry-1.docker.io', { username: 'me', password: 'pw' }, box.opts);
    expect(r).toEqual({ store: 'file', where: box.configPath, plaintextWarning: true, path: box.configPath });
    expect(await readConfig()).toEqual({ auths: { 'https://index.docker.io/v1/': { auth: b64('me:pw') } } });
    expect(plaintextWarningText(box.configPath)).toContain(`stored unencrypted in '${box.configPath}'`);
  });

  it('stores identity tokens as identitytoken with auth user:', async () => {
    await saveCredential('ghcr.io', { username: 'me', identityToken: 'rt' }, box.opts);
    expect((await readConfig()).auths['ghcr.io']).toEqual({ auth: b64('me:'), identitytoken: 'rt' });
    expect((await findCredential('ghcr.io', box.opts))?.credential).toEqual({ username: 'me', identityToken: 'rt' });
  });

  it("defaults to credsStore, leaving docker's {} placeholder and removing old plaintext", async () => {
    await fakeHelper(box, 'fake');
    await writeConfig({ credsStore: 'fake', auths: { 'localhost:5000': { auth: b64('old:plain'), email: 'e' } } });
    const r = await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    expect(r).toMatchObject({ store: 'helper', where: 'docker-credential-fake', helper: 'fake', plaintextWarning: false });
    expect(await readConfig()).toEqual({ credsStore: 'fake', auths: { 'localhost:5000': { email: 'e' } } });
    expect(await findCredential('localhost:5000', box.opts)).toMatchObject({
      source: 'store',
      credential: { username: 'u', password: 'p' },
    });
  });

  it('credHelpers[host] beats credsStore on write too', async () => {
    await fakeHelper(box, 'one');
    await fakeHelper(box, 'two');
    await writeConfig({ credsStore: 'two', credHelpers: { 'localhost:5000': 'one' } });
    expect(await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts)).toMatchObject({ helper: 'one' });
    expect(await readdir(path.join(box.helperStore, 'one'))).toHaveLength(1);
  });

  it('--store helper --helper NAME records credHelpers[key]', async () => {
    await fakeHelper(box, 'fake');
    await saveCredential('docker.io', { username: 'u', password: 'p' }, { ...box.opts, helper: 'fake' });
    expect(await readConfig()).toEqual({
      credHelpers: { 'https://index.docker.io/v1/': 'fake' },
      auths: { 'https://index.docker.io/v1/': {} },
    });
    expect(await findCredential('docker.io', box.opts)).toMatchObject({ source: 'helper', helper: 'fake' });
  });

  it('--store helper without any helper configured is a usage error', async () => {
    await expect(saveCredential('ghcr.io', { username: 'u', password: 'p' }, { ...box.opts, store: 'helper' })).rejects.toMatchObject({
      kind: 'usage',
      code: 'NO_CREDENTIAL_HELPER',
    });
  });

  it('--store file while a helper is configured says which key will shadow it', async () => {
    await fakeHelper(box, 'fake');
    await writeConfig({ credsStore: 'fake' });
    const r = await saveCredential('ghcr.io', { username: 'u', password: 'p' }, { ...box.opts, store: 'file' });
    expect(r).toMatchObject({ store: 'file', plaintextWarning: true, shadowedBy: 'credsStore' });
  });

  it('--store keychain stores JSON in the keychain, remembers it, and the next login goes there too', async () => {
    const keyring = fakeKeyring();
    const opts = { ...box.opts, loadKeyring: async () => keyring };
    expect(await saveCredential('localhost:5000', { username: 'u', password: 'p' }, { ...opts, store: 'keychain' })).toEqual({
      store: 'keychain',
      where: 'the OS keychain',
      plaintextWarning: false,
    });
    expect(JSON.parse((await keyring.getPassword('hubctl', 'localhost:5000'))!)).toEqual({ username: 'u', secret: 'p' });
    expect((await openPreferences(opts)).storeFor('localhost:5000')).toBe('keychain');
    expect(await saveCredential('localhost:5000', { username: 'u2', identityToken: 't' }, opts)).toMatchObject({ store: 'keychain' });
    expect(await findCredential('localhost:5000', opts)).toMatchObject({
      source: 'keychain',
      credential: { username: 'u2', identityToken: 't' },
    });
    expect(await storedUsername('localhost:5000', opts)).toBe('u2');
    await expect(stat(box.configPath)).rejects.toThrow();
  });

  it('a missing keyring module is KEYCHAIN_UNAVAILABLE pointing to credential helpers', async () => {
    const err = await loadKeyring(async () => {
      throw new Error("Cannot find package '@napi-rs/keyring'");
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect((err as { hint: string }).hint).toMatch(/credential helper/);
    expect(typeof (await loadKeyring()).getPassword).toBe('function');
  });

  it('refuses an empty credential', async () => {
    await expect(saveCredential('ghcr.io', { username: 'u' }, box.opts)).rejects.toMatchObject({ code: 'CREDENTIAL_INCOMPLETE' });
  });
});

describe('eraseCredential', () => {
  it('nothing stored: erased false, no file created', async () => {
    expect(await eraseCredential('ghcr.io', box.opts)).toEqual({ erased: false, where: [], remaining: [] });
    await expect(stat(box.configPath)).rejects.toThrow();
  });

  it('erases every auths key naming the registry and keeps the rest', async () => {
    await writeConfig({
      x: 1,
      auths: { 'docker.io': { auth: b64('a:b') }, 'https://index.docker.io/v1/': { auth: b64('c:d') }, 'ghcr.io': { auth: b64('e:f') } },
    });
    expect(await eraseCredential('docker.io', box.opts)).toEqual({ erased: true, where: [box.configPath], remaining: [] });
    expect(await readConfig()).toEqual({ x: 1, auths: { 'ghcr.io': { auth: b64('e:f') } } });
  });

  it('erases from the helper and the placeholder; a credsStore not used for the host is tidied too', async () => {
    await fakeHelper(box, 'one');
    await fakeHelper(box, 'two');
    await writeConfig({ credsStore: 'two' });
    await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    await writeConfig({ credsStore: 'two', credHelpers: { 'localhost:5000': 'one' }, auths: { 'localhost:5000': {} } });
    await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    const r = await eraseCredential('localhost:5000', box.opts);
    expect(r).toEqual({ erased: true, where: ['docker-credential-one', 'docker-credential-two'], remaining: [] });
    expect(await readConfig()).toEqual({ credsStore: 'two', credHelpers: { 'localhost:5000': 'one' }, auths: {} });
    expect(await findCredential('localhost:5000', box.opts)).toBeUndefined();
  });

  it('erases from the keychain when hubctl put it there', async () => {
    const keyring = fakeKeyring();
    const opts = { ...box.opts, loadKeyring: async () => keyring };
    await saveCredential('ghcr.io', { username: 'u', password: 'p' }, { ...opts, store: 'keychain' });
    expect(await eraseCredential('ghcr.io', opts)).toEqual({ erased: true, where: ['the OS keychain'], remaining: [] });
    expect(keyring.items.size).toBe(0);
    expect((await openPreferences(opts)).storeFor('ghcr.io')).toBeUndefined();
  });

  it('reports podman auth.json entries it does not touch', async () => {
    const file = path.join(box.root, 'auth.json');
    const text = JSON.stringify({ auths: { 'ghcr.io': { auth: b64('p:q') } } });
    await writeFile(file, text);
    const opts = { ...box.opts, env: { ...box.opts.env, REGISTRY_AUTH_FILE: file } };
    expect(await eraseCredential('ghcr.io', opts)).toEqual({ erased: false, where: [], remaining: [file] });
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('a corrupt config.json is an error and stays untouched', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, '{oops');
    await expect(eraseCredential('ghcr.io', box.opts)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await readFile(box.configPath, 'utf8')).toBe('{oops');
  });
});

describe('storedUsername', () => {
  it('returns the stored username, not <token>, and undefined on errors', async () => {
    await saveCredential('ghcr.io', { username: 'me', password: 'p' }, box.opts);
    expect(await storedUsername('ghcr.io', box.opts)).toBe('me');
    await fakeHelper(box, 'fake');
    await writeConfig({ credsStore: 'fake' });
    await saveCredential('docker.io', { identityToken: 't' }, box.opts);
    expect(await storedUsername('docker.io', box.opts)).toBeUndefined();
    await writeConfig({ credsStore: 'nope' });
    expect(await storedUsername('docker.io', box.opts)).toBeUndefined();
  });
});

describe('preferences', () => {
  it('are kept with conf in their own file, hosts with dots intact, 0600', async () => {
    const p = await openPreferences(box.opts);
    expect(p.defaultStore()).toBeUndefined();
    await p.setStoreFor('my.registry.example.com:5000', 'keychain');
    await p.setDefaultStore('file');
    const again = await openPreferences(box.opts);
    expect(again.storeFor('my.registry.example.com:5000')).toBe('keychain');
    expect(again.storeFor('docker.io')).toBeUndefined();
    expect(again.defaultStore()).toBe('file');
    expect(JSON.parse(await readFile(again.path, 'utf8'))).toEqual({
      servers: { 'my.registry.example.com:5000': 'keychain' },
      defaultStore: 'file',
    });
    expect((await stat(again.path)).mode & 0o777).toBe(0o600);
    expect(again.path).toBe(path.join(box.root, 'prefs', 'preferences.json'));
  });

  it('the default store preference is used when --store is not given', async () => {
    await fakeHelper(box, 'fake');
    await writeConfig({ credsStore: 'fake' });
    await (await openPreferences(box.opts)).setDefaultStore('file');
    expect(await saveCredential('ghcr.io', { username: 'u', password: 'p' }, box.opts)).toMatchObject({ store: 'file' });
  });

  it('a broken preference file is a store error naming it (read without conf)', async () => {
    const p = await openPreferences(box.opts);
    await mkdir(path.dirname(p.path), { recursive: true });
    await writeFile(p.path, '{"servers": ');
    expect(() => p.storeFor('ghcr.io')).toThrow(expect.objectContaining({ kind: 'store', code: 'PREFERENCES_INVALID' }));
  });

  it('lookups do not create the preference file', async () => {
    await findCredential('ghcr.io', box.opts);
    await expect(stat(path.join(box.root, 'prefs'))).rejects.toThrow();
  });
});
