import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import * as path from 'node:path';
import { dockerConfigPath, readDockerConfig, saveCredential, writeDockerConfig } from '../../../src/credentials/index.js';
import fc from 'fast-check';
import { b64, sandbox, type Sandbox } from './fixtures.js';

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

const docBefore = {
  currentContext: 'desktop-linux',
  auths: {
    'ghcr.io': { auth: b64('g:h'), email: 'me@example.com' },
    'https://index.docker.io/v1/': {},
  },
  psFormat: 'table {{.ID}}',
  plugins: { buildx: { hooks: 'on' } },
  proxies: { default: { httpProxy: 'http://proxy:3128' } },
  'x-unknown': [1, 'two', { three: null }],
};

describe('config.json location', () => {
  it('uses $DOCKER_CONFIG, else <home>/.docker', () => {
    expect(dockerConfigPath({ homedir: '/h', env: { DOCKER_CONFIG: '/d' } })).toBe('/d/config.json');
    expect(dockerConfigPath({ homedir: '/h', env: {} })).toBe('/h/.docker/config.json');
    expect(dockerConfigPath({ homedir: '/h' })).toBe('/h/.docker/config.json');
  });
});

describe('reading', () => {
  it('treats a missing file (and directory) as empty', async () => {
    const c = await readDockerConfig(box.opts);
    expect(c).toEqual({ path: box.configPath, exists: false, data: {} });
  });

  it.each([
    ['not JSON', '{"auths": {'],
    ['an array', '[1,2]'],
    ['auths not an object', '{"auths": "x"}'],
    ['credHelpers with a non-string', '{"credHelpers": {"ghcr.io": 1}}'],
  ])('rejects %s with CONFIG_INVALID naming the file, and never overwrites it', async (_why, text) => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, text);
    const err = await readDockerConfig(box.opts).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HubctlError', kind: 'store', code: 'CONFIG_INVALID' });
    expect((err as Error).message).toContain(box.configPath);
    expect((err as { hint: string }).hint).toContain(box.configPath);
    await expect(saveCredential('ghcr.io', { username: 'u', password: 'p' }, box.opts)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await readFile(box.configPath, 'utf8')).toBe(text);
    expect(await readdir(box.dockerDir)).toEqual(['config.json']);
  });

  it('accepts an empty file and a BOM', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, '');
    expect((await readDockerConfig(box.opts)).data).toEqual({});
    await writeFile(box.configPath, '\ufeff{"a":1}');
    expect((await readDockerConfig(box.opts)).data).toEqual({ a: 1 });
  });
});

describe('writing', () => {
  it('creates the directory 0700 and the file 0600, tab-indented', async () => {
    const r = await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    expect(r).toMatchObject({ store: 'file', plaintextWarning: true, where: box.configPath });
    expect((await stat(box.dockerDir)).mode & 0o777).toBe(0o700);
    expect((await stat(box.configPath)).mode & 0o777).toBe(0o600);
    const text = await readFile(box.configPath, 'utf8');
    expect(text).toBe(`{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "${b64('u:p')}"\n\t\t}\n\t}\n}\n`);
  });

  it('tightens an existing 0644 file to 0600 and leaves no temp files', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, '{}');
    await chmod(box.configPath, 0o644);
    await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    expect((await stat(box.configPath)).mode & 0o777).toBe(0o600);
    expect(await readdir(box.dockerDir)).toEqual(['config.json']);
  });

  it('keeps every unknown key and the key order, changing only the entry it writes', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, JSON.stringify(docBefore, null, 2));
    await saveCredential('docker.io', { username: 'hubuser', password: 'pw' }, box.opts);
    await saveCredential('ghcr.io', { username: 'g2', password: 'h2' }, box.opts);
    const after = JSON.parse(await readFile(box.configPath, 'utf8'));
    expect(Object.keys(after)).toEqual(Object.keys(docBefore));
    expect(Object.keys(after.auths)).toEqual(['ghcr.io', 'https://index.docker.io/v1/']);
    expect(after).toEqual({
      ...docBefore,
      auths: {
        'ghcr.io': { auth: b64('g2:h2'), email: 'me@example.com' },
        'https://index.docker.io/v1/': { auth: b64('hubuser:pw') },
      },
    });
  });

  it('writes through a symlinked config.json: the link stays a link, the target is updated', async () => {
    const real = path.join(box.root, 'dotfiles', 'docker-config.json');
    await mkdir(path.dirname(real), { recursive: true });
    await writeFile(real, '{"detachKeys":"ctrl-e,e"}');
    await mkdir(box.dockerDir, { recursive: true });
    await symlink('../dotfiles/docker-config.json', box.configPath);
    await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    expect((await lstat(box.configPath)).isSymbolicLink()).toBe(true);
    expect(await readlink(box.configPath)).toBe('../dotfiles/docker-config.json');
    const data = JSON.parse(await readFile(real, 'utf8'));
    expect(data).toEqual({ detachKeys: 'ctrl-e,e', auths: { 'localhost:5000': { auth: b64('u:p') } } });
    expect((await stat(real)).mode & 0o777).toBe(0o600);
    expect((await readdir(path.dirname(real))).sort()).toEqual(['docker-config.json']);
  });

  it('creates the target of a dangling symlink', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    const real = path.join(box.root, 'elsewhere.json');
    await symlink(real, box.configPath);
    await saveCredential('localhost:5000', { username: 'u', password: 'p' }, box.opts);
    expect((await lstat(box.configPath)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(real, 'utf8')).auths['localhost:5000'].auth).toBe(b64('u:p'));
  });

  it('writeDockerConfig round-trips the parsed document', async () => {
    await mkdir(box.dockerDir, { recursive: true });
    await writeFile(box.configPath, JSON.stringify(docBefore));
    const c = await readDockerConfig(box.opts);
    await writeDockerConfig(c);
    expect(JSON.parse(await readFile(box.configPath, 'utf8'))).toEqual(docBefore);
  });

  it('property: a login changes only its own auths entry; everything else and the key order survive', async () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/^\d+$/.test(k) && k !== '__proto__' && k !== 'auths');
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, json, { maxKeys: 6 }),
        fc.dictionary(fc.domain(), fc.record({ auth: fc.constant(b64('a:b')), email: fc.emailAddress() }), { maxKeys: 3 }),
        async (top, auths) => {
          const doc = { ...top, auths: { ...auths } };
          await mkdir(box.dockerDir, { recursive: true });
          await writeFile(box.configPath, JSON.stringify(doc));
          await saveCredential('new-host.test:5000', { username: 'u', password: 'p' }, box.opts);
          const after = JSON.parse(await readFile(box.configPath, 'utf8'));
          const expected = { ...doc, auths: { ...auths, 'new-host.test:5000': { auth: b64('u:p') } } };
          expect(after).toEqual(expected);
          expect(Object.keys(after)).toEqual(Object.keys(expected));
          expect(Object.keys(after.auths)).toEqual(Object.keys(expected.auths));
        },
      ),
      { numRuns: 40 },
    );
  });
});
