/**
 * config.json written by hubctl, read by independent clients that need no daemon and no registry:
 * the docker CLI (`docker logout` parses the file, erases the entry and rewrites it) and skopeo
 * (`skopeo login --get-login --authfile`). Registry-based interop (skopeo inspect --authfile, a file
 * written by `docker login`) needs a running registry and lives in the registry integration suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findCredential, saveCredential, type CredentialsOptions } from '../../../src/credentials/index.js';

let root: string;
let opts: CredentialsOptions;
let configPath: string;
let env: Record<string, string>;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hubctl-interop-'));
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(root, 'home'), DOCKER_CONFIG: path.join(root, 'docker') };
  opts = { env, homedir: env.HOME!, preferencesDir: path.join(root, 'prefs'), readAuthFile: false };
  configPath = path.join(env.DOCKER_CONFIG!, 'config.json');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skopeo reads what hubctl wrote', () => {
  it('login --get-login finds the user for a host and for Docker Hub', async () => {
    await saveCredential('localhost:5000', { username: 'alice', password: 'p:w' }, opts);
    await saveCredential('docker.io', { username: 'hubuser', password: 'pw' }, opts);
    const get = (server: string) =>
      execFileSync('skopeo', ['login', '--get-login', '--authfile', configPath, server], { env, encoding: 'utf8' }).trim();
    expect(get('localhost:5000')).toBe('alice');
    expect(get('docker.io')).toBe('hubuser');
  });
});

describe('the docker CLI reads what hubctl wrote (no daemon needed for logout)', () => {
  it("docker logout finds and removes hubctl's entries, Hub under docker's own key", async () => {
    await saveCredential('localhost:5000', { username: 'alice', password: 'pw' }, opts);
    await saveCredential('registry-1.docker.io', { username: 'hubuser', identityToken: 'rt' }, opts);
    const out = execFileSync('docker', ['logout', 'localhost:5000'], { env, encoding: 'utf8' });
    expect(out).toContain('Removing login credentials for localhost:5000');
    expect(Object.keys(JSON.parse(await readFile(configPath, 'utf8')).auths)).toEqual(['https://index.docker.io/v1/']);
    expect(await findCredential('docker.io', opts)).toMatchObject({ credential: { username: 'hubuser', identityToken: 'rt' } });
    execFileSync('docker', ['logout'], { env, encoding: 'utf8' });
    expect(JSON.parse(await readFile(configPath, 'utf8')).auths).toEqual({});
    expect(await findCredential('docker.io', opts)).toBeUndefined();
  });

  it('hubctl reads the file docker rewrote', async () => {
    await saveCredential('localhost:5000', { username: 'alice', password: 'pw' }, opts);
    await saveCredential('ghcr.io', { username: 'octo', password: 'tok' }, opts);
    execFileSync('docker', ['logout', 'ghcr.io'], { env });
    expect(await findCredential('localhost:5000', opts)).toMatchObject({
      source: 'file',
      credential: { username: 'alice', password: 'pw' },
    });
    expect(await findCredential('ghcr.io', opts)).toBeUndefined();
  });
});
