/**
 * Round trips through the real docker-credential-pass (Debian golang-docker-credential-helpers) with a
 * throw-away passphrase-less gpg key and `pass init` in a temp HOME.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startPassStore } from '../../harness/index.mjs';
import {
  createCredentialSource,
  createHelperBackend,
  eraseCredential,
  findCredential,
  saveCredential,
  storedUsername,
  type CredentialsOptions,
} from '../../../src/credentials/index.js';

let root: string;
let env: Record<string, string>;
let opts: CredentialsOptions;
let configPath: string;
let passStore: Awaited<ReturnType<typeof startPassStore>> | undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hubctl-pass-'));
  passStore = await startPassStore(root);
  env = { ...passStore.env, DOCKER_CONFIG: path.join(root, 'docker') };
  configPath = path.join(env.DOCKER_CONFIG!, 'config.json');
  opts = { env, homedir: passStore.home, preferencesDir: path.join(root, 'prefs') };
});

afterAll(async () => {
  passStore?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

async function writeConfig(doc: unknown): Promise<void> {
  await mkdir(path.dirname(configPath), { recursive: true });
  await writeFile(configPath, JSON.stringify(doc));
}

describe('docker-credential-pass (real helper)', () => {
  it('backend protocol: unknown server is "none" (exit 0, empty fields), store/get/list/erase', async () => {
    const h = createHelperBackend({ name: 'pass', env });
    expect(await h.get('never.example:1')).toBeUndefined();
    expect(await h.erase('never.example:1')).toBe(false); // pass: "is not in the password store", rc 1
    await h.store('127.0.0.1:5001', { username: 'alice', password: 'pa:ss word' });
    expect(await h.get('127.0.0.1:5001')).toEqual({ username: 'alice', password: 'pa:ss word' });
    expect(await h.list()).toMatchObject({ '127.0.0.1:5001': 'alice' });
    expect(await h.erase('127.0.0.1:5001')).toBe(true);
    expect(await h.get('127.0.0.1:5001')).toBeUndefined();
  });

  it("via credsStore: login stores in pass with docker's {} placeholder; lookup; logout", async () => {
    await writeConfig({ credsStore: 'pass', currentContext: 'default' });
    const saved = await saveCredential('localhost:5000', { username: 'bob', password: 's3cret' }, opts);
    expect(saved).toMatchObject({ store: 'helper', where: 'docker-credential-pass', plaintextWarning: false });
    const file = await readFile(configPath, 'utf8');
    expect(JSON.parse(file)).toEqual({ credsStore: 'pass', currentContext: 'default', auths: { 'localhost:5000': {} } });
    expect(file).not.toContain('s3cret');
    const passFiles = execFileSync('find', [env.PASSWORD_STORE_DIR!, '-name', '*.gpg'], { encoding: 'utf8' });
    expect(passFiles).toContain(`docker-credential-helpers/${Buffer.from('localhost:5000').toString('base64')}/bob.gpg`);

    expect(await findCredential('localhost:5000', opts)).toMatchObject({
      source: 'store',
      helper: 'pass',
      credential: { username: 'bob', password: 's3cret' },
    });
    expect(await createCredentialSource(opts)('localhost:5000')).toEqual({ username: 'bob', password: 's3cret' });
    expect(await storedUsername('localhost:5000', opts)).toBe('bob');
    expect(await findCredential('localhost:5999', opts)).toBeUndefined();

    expect(await eraseCredential('localhost:5000', opts)).toEqual({ erased: true, where: ['docker-credential-pass'], remaining: [] });
    expect(await findCredential('localhost:5000', opts)).toBeUndefined();
    expect(await eraseCredential('localhost:5000', opts)).toEqual({ erased: false, where: [], remaining: [] });
  });

  it('via credHelpers, Docker Hub with an identity token stored as <token>', async () => {
    await writeConfig({ credHelpers: { 'https://index.docker.io/v1/': 'pass' } });
    await saveCredential('docker.io', { username: 'hubuser', identityToken: 'refresh-123' }, opts);
    const h = createHelperBackend({ name: 'pass', env });
    expect(await h.list()).toMatchObject({ 'https://index.docker.io/v1/': '<token>' });
    for (const r of ['docker.io', 'registry-1.docker.io', 'index.docker.io']) {
      expect(await findCredential(r, opts)).toMatchObject({
        source: 'helper',
        helper: 'pass',
        key: 'https://index.docker.io/v1/',
        credential: { identityToken: 'refresh-123' },
      });
    }
    expect(await storedUsername('docker.io', opts)).toBeUndefined();
    expect(await eraseCredential('docker.io', opts)).toMatchObject({ erased: true, where: ['docker-credential-pass'] });
    expect(await h.get('https://index.docker.io/v1/')).toBeUndefined();
  });

  it('a helper named in credHelpers that is not installed fails with the key that chose it', async () => {
    await writeConfig({ credHelpers: { 'ghcr.io': 'nonexistent' } });
    await expect(findCredential('ghcr.io', opts)).rejects.toThrow(
      /docker-credential-nonexistent \(chosen by credHelpers\["ghcr.io"\] in .*config.json\) failed to get credentials for ghcr.io: docker-credential-nonexistent was not found on PATH/,
    );
  });

  it('skopeo follows credHelpers hubctl wrote into pass', async () => {
    await writeConfig({});
    await saveCredential('127.0.0.1:5001', { username: 'carol', password: 'c' }, { ...opts, helper: 'pass' });
    expect(JSON.parse(await readFile(configPath, 'utf8'))).toEqual({
      credHelpers: { '127.0.0.1:5001': 'pass' },
      auths: { '127.0.0.1:5001': {} },
    });
    const login = execFileSync('skopeo', ['login', '--get-login', '--authfile', configPath, '127.0.0.1:5001'], {
      env,
      encoding: 'utf8',
    }).trim();
    expect(login).toBe('carol');
    await eraseCredential('127.0.0.1:5001', opts);
  });

  it('docker logout erases what hubctl stored via credsStore pass', async () => {
    await writeConfig({ credsStore: 'pass' });
    await saveCredential('localhost:5002', { username: 'dave', password: 'd' }, opts);
    expect(execFileSync('docker', ['logout', 'localhost:5002'], { env, encoding: 'utf8' })).toContain(
      'Removing login credentials for localhost:5002',
    );
    expect(await createHelperBackend({ name: 'pass', env }).get('localhost:5002')).toBeUndefined();
    expect(await findCredential('localhost:5002', opts)).toBeUndefined();
  });
});
