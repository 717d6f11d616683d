/** hubctl's settings: the schema conf enforces on writes, the plain read commands use, and the resolvers. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliRuntime } from '../../../src/cli/runtime.js';
import { readSettingsFile, resolveHubUrl, resolveStoreRoot, insecureRegistries, settingsFile } from '../../../src/cli/settings/index.js';
import { openSettingsStore } from '../../../src/cli/settings/store.js';

const dir = mkdtempSync(join(tmpdir(), 'hubctl-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rt = (env: Record<string, string>, root?: string): CliRuntime =>
  ({ env, globals: () => (root === undefined ? {} : { root }), signal: new AbortController().signal }) as unknown as CliRuntime;

describe('conf with the schema', () => {
  it('writes what fits and refuses, with ajv, what does not (even past the command checks)', async () => {
    const env = { XDG_CONFIG_HOME: join(dir, 'a') };
    const store = await openSettingsStore(env, dir);
    store.set('store', '/s');
    store.set('insecure-registries', ['x.example:5000']);
    expect(() => store.set('store', 'relative')).toThrow(expect.objectContaining({ kind: 'usage', code: 'INVALID_SETTING' }));
    expect(() => store.set('insecure-registries', ['x', 'x'])).toThrow(/INVALID_SETTING|must NOT have duplicate items/);
    expect(JSON.parse(readFileSync(settingsFile(env, dir), 'utf8'))).toEqual({ store: '/s', 'insecure-registries': ['x.example:5000'] });
    expect(store.unset('store')).toBe(true);
    expect(store.unset('store')).toBe(false);
  });
});

describe('reading the file', () => {
  it('keeps keys a newer hubctl wrote, refuses wrong types with the key named', () => {
    const file = join(dir, 'f.json');
    writeFileSync(file, JSON.stringify({ 'hub-url': 'https://hub.example', 'future-key': 1 }));
    expect(readSettingsFile(file)).toEqual({ 'hub-url': 'https://hub.example' });
    writeFileSync(file, JSON.stringify({ 'insecure-registries': 'a.example' }));
    expect(() => readSettingsFile(file)).toThrow(expect.objectContaining({ kind: 'store', code: 'SETTINGS_INVALID' }));
    writeFileSync(file, '[]');
    expect(() => readSettingsFile(file)).toThrow(/must hold a JSON object/);
    expect(readSettingsFile(join(dir, 'none.json'))).toEqual({});
  });
});

describe('resolvers: flag > env > file > default', () => {
  const cfg = join(dir, 'r');
  mkdirSync(join(cfg, 'hubctl'), { recursive: true });
  writeFileSync(
    join(cfg, 'hubctl', 'config.json'),
    JSON.stringify({ store: '/file', 'hub-url': 'https://file.example/', 'insecure-registries': ['f:1'] }),
  );
  const env = { XDG_CONFIG_HOME: cfg };

  it('store', () => {
    expect(resolveStoreRoot(rt(env, '/flag'))).toBe('/flag');
    expect(resolveStoreRoot(rt({ ...env, HUBCTL_STORE: '/env' }))).toBe('/env');
    expect(resolveStoreRoot(rt(env))).toBe('/file');
    expect(resolveStoreRoot(rt({ XDG_CONFIG_HOME: join(dir, 'none'), XDG_DATA_HOME: '/data' }))).toBe('/data/hubctl/store');
  });

  it('hub-url (for the hub commands), without a trailing slash', () => {
    expect(resolveHubUrl(rt(env), 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(resolveHubUrl(rt({ ...env, HUBCTL_HUB_URL: 'https://env.example' }))).toBe('https://env.example');
    expect(resolveHubUrl(rt(env))).toBe('https://file.example');
    expect(resolveHubUrl(rt({ XDG_CONFIG_HOME: join(dir, 'none') }))).toBe('https://hub.docker.com');
    expect(() => resolveHubUrl(rt(env), 'hub.docker.com')).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('insecure-registries', () => {
    expect(insecureRegistries(rt({ ...env, HUBCTL_INSECURE_REGISTRIES: 'a:1, b:2' }))).toEqual(['a:1', 'b:2']);
    expect(insecureRegistries(rt(env))).toEqual(['f:1']);
    expect(() => insecureRegistries(rt({ ...env, HUBCTL_INSECURE_REGISTRIES: 'a/b' }))).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});
