import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createCredentialSource, findCredential, openPreferences } from '../../../src/credentials/index.js';
import { b64, fakeHelper, fakeKeyring, sandbox, type Sandbox } from './fixtures.js';

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

async function writeConfig(doc: unknown): Promise<void> {
  await mkdir(box.dockerDir, { recursive: true });
  await writeFile(box.configPath, JSON.stringify(doc));
}
async function seedHelper(name: string, serverUrl: string, username: string, secret: string): Promise<void> {
  await fakeHelper(box, name);
  await mkdir(path.join(box.helperStore, name), { recursive: true });
  const file = path.join(box.helperStore, name, `${Buffer.from(serverUrl).toString('base64url')}.json`);
  await writeFile(file, JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret }));
}
const calls = async () =>
  (await readFile(path.join(box.helperStore, 'calls.log'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

describe('lookup order', () => {
  it('anonymous when nothing is configured', async () => {
    expect(await findCredential('localhost:5000', box.opts)).toBeUndefined();
  });

  it('auths: canonical Hub key, and every alias on read', async () => {
    await writeConfig({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    for (const r of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(await findCredential(r, box.opts)).toEqual({
        credential: { username: 'hub', password: 'pw' },
        source: 'file',
        key: 'https://index.docker.io/v1/',
        path: box.configPath,
      });
    }
    for (const k of [
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'https://index.docker.io/',
      'https://registry-1.docker.io/v2/',
    ]) {
      await writeConfig({ auths: { [k]: { auth: b64('alias:pw') } } });
      expect((await findCredential('docker.io', box.opts))?.key).toBe(k);
    }
  });

  it('auths: legacy https://host/ and keys with paths', async () => {
    await writeConfig({ auths: { 'https://localhost:5000/v1/': { auth: b64('a:b') }, 'http://ghcr.io/': { identitytoken: 'rt' } } });
    expect((await findCredential('localhost:5000', box.opts))?.credential).toEqual({ username: 'a', password: 'b' });
    expect((await findCredential('ghcr.io', box.opts))?.credential).toEqual({ identityToken: 'rt' });
    expect(await findCredential('localhost:5001', box.opts)).toBeUndefined();
  });

  it('skips placeholder entries and prefers the exact key', async () => {
    await writeConfig({
      auths: { 'https://localhost:5000/': { auth: b64('old:x') }, 'localhost:5000': { auth: b64('new:y') }, 'ghcr.io': {} },
    });
    expect((await findCredential('localhost:5000', box.opts))?.credential.username).toBe('new');
    expect(await findCredential('ghcr.io', box.opts)).toBeUndefined();
  });

  it('credHelpers[host] wins over credsStore and auths; credsStore is then not asked', async () => {
    await seedHelper('one', 'localhost:5000', 'fromone', 's1');
    await seedHelper('two', 'localhost:5000', 'fromtwo', 's2');
    await writeConfig({
      credsStore: 'two',
      credHelpers: { 'localhost:5000': 'one' },
      auths: { 'localhost:5000': { auth: b64('file:x') } },
    });
    expect(await findCredential('localhost:5000', box.opts)).toEqual({
      credential: { username: 'fromone', password: 's1' },
      source: 'helper',
      helper: 'one',
      key: 'localhost:5000',
      path: box.configPath,
    });
    expect(await calls()).toEqual(['get one']);
  });

  it('credsStore before auths; Hub asked as https://index.docker.io/v1/', async () => {
    await seedHelper('two', 'https://index.docker.io/v1/', '<token>', 'refresh');
    await writeConfig({ credsStore: 'two', auths: { 'https://index.docker.io/v1/': { auth: b64('file:x') } } });
    expect(await findCredential('registry-1.docker.io', box.opts)).toMatchObject({
      credential: { identityToken: 'refresh' },
      source: 'store',
      helper: 'two',
    });
  });

  it('falls back to auths when the helper has nothing (standard and pass-style "none")', async () => {
    for (const mode of ['standard', 'pass'] as const) {
      await fakeHelper(box, 'h', mode);
      await writeConfig({ credsStore: 'h', auths: { 'localhost:5000': { auth: b64('file:x') } } });
      expect(await findCredential('localhost:5000', box.opts)).toMatchObject({
        source: 'file',
        credential: { username: 'file', password: 'x' },
      });
      await writeConfig({ credsStore: 'h' });
      expect(await findCredential('localhost:5000', box.opts)).toBeUndefined();
    }
  });

  it('a broken helper is an error naming the helper and the key that chose it', async () => {
    await fakeHelper(box, 'bad', 'broken');
    await writeConfig({ credHelpers: { 'localhost:5000': 'bad' } });
    const err = await findCredential('localhost:5000', box.opts).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', code: 'CREDENTIAL_HELPER_FAILED' });
    expect((err as Error).message).toContain('docker-credential-bad');
    expect((err as Error).message).toContain('credHelpers["localhost:5000"]');
    expect((err as Error).message).toContain('boom: cannot reach keyring');
    expect((err as Error).message).not.toContain('hunter2');
    await writeConfig({ credsStore: 'missing-helper' });
    const err2 = await findCredential('localhost:5000', box.opts).catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'CREDENTIAL_HELPER_FAILED' });
    expect((err2 as Error).message).toMatch(/docker-credential-missing-helper .*credsStore.* was not found on PATH/);
    expect((err2 as { hint: string }).hint).toContain('install docker-credential-missing-helper');
  });

  it('the keychain is asked first for servers hubctl stored there', async () => {
    const keyring = fakeKeyring();
    const opts = { ...box.opts, loadKeyring: async () => keyring };
    await keyring.setPassword('hubctl', 'localhost:5000', JSON.stringify({ username: 'kc', secret: 'ks' }));
    await writeConfig({ auths: { 'localhost:5000': { auth: b64('file:x') } } });
    expect((await findCredential('localhost:5000', opts))?.source).toBe('file');
    await (await openPreferences(opts)).setStoreFor('localhost:5000', 'keychain');
    expect(await findCredential('localhost:5000', opts)).toEqual({
      credential: { username: 'kc', password: 'ks' },
      source: 'keychain',
      key: 'localhost:5000',
    });
  });

  it('a preferred keychain that cannot load is a clear error pointing to helpers', async () => {
    const opts = {
      ...box.opts,
      loadKeyring: async () => {
        throw Object.assign(new Error('x'), {});
      },
    };
    await (await openPreferences(opts)).setStoreFor('ghcr.io', 'keychain');
    // loadKeyring injected as failing: the error from the loader propagates
    await expect(findCredential('ghcr.io', opts)).rejects.toThrow();
  });
});

describe('podman/skopeo auth.json fallback', () => {
  it('reads $REGISTRY_AUTH_FILE, Hub under docker.io, exact host', async () => {
    const file = path.join(box.root, 'auth.json');
    await writeFile(
      file,
      JSON.stringify({
        auths: { 'docker.io': { auth: b64('pod:man') }, 'quay.io/ns': { auth: b64('ns:scoped') }, 'quay.io': { auth: b64('host:wide') } },
      }),
    );
    const opts = { ...box.opts, env: { ...box.opts.env, REGISTRY_AUTH_FILE: file } };
    expect(await findCredential('registry-1.docker.io', opts)).toEqual({
      credential: { username: 'pod', password: 'man' },
      source: 'authfile',
      key: 'docker.io',
      path: file,
    });
    expect((await findCredential('quay.io', opts))?.credential.username).toBe('host');
    expect((await findCredential('quay.io', { ...opts, repository: 'ns/app' }))?.credential.username).toBe('ns');
    expect(await findCredential('quay.io', { ...opts, readAuthFile: false })).toBeUndefined();
  });

  it('reads $XDG_RUNTIME_DIR/containers/auth.json, then ~/.config/containers/auth.json; docker config wins', async () => {
    const run = path.join(box.root, 'run');
    await mkdir(path.join(run, 'containers'), { recursive: true });
    await mkdir(path.join(box.home, '.config', 'containers'), { recursive: true });
    await writeFile(path.join(run, 'containers', 'auth.json'), JSON.stringify({ auths: { 'a.io': { auth: b64('run:1') } } }));
    await writeFile(
      path.join(box.home, '.config', 'containers', 'auth.json'),
      JSON.stringify({ auths: { 'a.io': { auth: b64('home:2') }, 'b.io': { auth: b64('home:3') } } }),
    );
    const opts = { ...box.opts, env: { ...box.opts.env, XDG_RUNTIME_DIR: run } };
    expect((await findCredential('a.io', opts))?.credential.username).toBe('run');
    expect((await findCredential('b.io', opts))?.credential.username).toBe('home');
    await writeConfig({ auths: { 'b.io': { auth: b64('docker:4') } } });
    expect((await findCredential('b.io', opts))?.source).toBe('file');
  });
});

describe('createCredentialSource', () => {
  it('returns the credential and asks a helper once per host', async () => {
    await seedHelper('one', 'localhost:5000', 'u', 's');
    await writeConfig({ credsStore: 'one' });
    const source = createCredentialSource(box.opts);
    expect(await source('localhost:5000')).toEqual({ username: 'u', password: 's' });
    expect(await source('localhost:5000')).toEqual({ username: 'u', password: 's' });
    expect(await source('localhost:5001')).toBeUndefined();
    expect(await calls()).toEqual(['get one', 'get one']);
  });

  it('throws helper errors by default; with onError reports them once and goes anonymous', async () => {
    await writeConfig({ credsStore: 'desktop' });
    await expect(createCredentialSource(box.opts)('docker.io')).rejects.toMatchObject({ code: 'CREDENTIAL_HELPER_FAILED' });
    const seen: Array<[string, string]> = [];
    const source = createCredentialSource({ ...box.opts, onError: (e, r) => seen.push([(e as { code: string }).code, r]) });
    expect(await source('docker.io')).toBeUndefined();
    expect(await source('registry-1.docker.io')).toBeUndefined();
    expect(seen).toEqual([['CREDENTIAL_HELPER_FAILED', 'docker.io']]);
  });
});
