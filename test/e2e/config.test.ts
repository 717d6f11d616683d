/**
 * `hubctl config` through the binary: get/set/unset/list, the precedence flag > env > file > default,
 * and that commands use what is set: the store a build writes to, and an insecure registry (a TLS
 * registry whose CA hubctl does not trust is reached once it is listed in insecure-registries).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registry, seedImage, startRegistry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let root: string;
let n = 0;
/** A fresh HOME and XDG_CONFIG_HOME for each test. */
async function box(): Promise<{ env: NodeJS.ProcessEnv; file: string; home: string }> {
  const home = join(root, `home-${++n}`);
  await mkdir(home, { recursive: true });
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'cfg'), XDG_DATA_HOME: join(home, 'data'), DOCKER_CONFIG: join(home, 'docker') };
  return { env, home, file: join(home, 'cfg', 'hubctl', 'config.json') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-config-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl config', () => {
  it('lists the defaults, sets, gets, lists as JSON, unsets', async () => {
    const { env, home, file } = await box();
    const list = await hubctl(['config', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^KEY\s+VALUE\s+SOURCE$/);
    expect(list.stdout).toContain(`store                 ${join(home, 'data', 'hubctl', 'store')}   default`);
    expect(list.stdout).toMatch(/hub-url\s+https:\/\/hub\.docker\.com\s+default/);
    expect(existsSync(file)).toBe(false); // reading never creates the file

    expect((await hubctl(['config', 'set', 'insecure-registries', 'a.example:5000,b.example', 'c.example'], { env })).code).toBe(0);
    expect((await hubctl(['config', 'set', 'hub-url', 'http://127.0.0.1:9/'], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'insecure-registries': ['a.example:5000', 'b.example', 'c.example'],
      'hub-url': 'http://127.0.0.1:9/',
    });
    expect((await hubctl(['config', 'get', 'insecure-registries'], { env })).stdout).toBe('a.example:5000\nb.example\nc.example\n');
    const json = JSON.parse((await hubctl(['config', 'list', '--format', 'json'], { env })).stdout) as { key: string; source: string }[];
    expect(json.map((r) => [r.key, r.source])).toEqual([
      ['store', 'default'],
      ['insecure-registries', 'file'],
      ['hub-url', 'file'],
    ]);
    expect((await hubctl(['config', 'list', '--format', '{{.Key}}={{.Source}}'], { env })).stdout).toBe(
      'store=default\ninsecure-registries=file\nhub-url=file\n',
    );
    expect((await hubctl(['config', 'unset', 'hub-url'], { env })).code).toBe(0);
    expect((await hubctl(['config', 'get', 'hub-url'], { env })).stdout).toBe('https://hub.docker.com\n');
    const again = await hubctl(['config', 'unset', 'hub-url'], { env });
    expect(again).toMatchObject({ code: 0, stderr: expect.stringContaining('hub-url is not set') });
  });

  it('a flag wins over the environment, which wins over the file, which wins over the default', async () => {
    const { env } = await box();
    await hubctl(['config', 'set', 'store', '/from/file'], { env });
    expect((await hubctl(['config', 'get', 'store'], { env })).stdout).toBe('/from/file\n');
    expect((await hubctl(['config', 'get', 'store'], { env: { ...env, HUBCTL_STORE: '/from/env' } })).stdout).toBe('/from/env\n');
    expect((await hubctl(['--root', '/from/flag', 'config', 'get', 'store'], { env: { ...env, HUBCTL_STORE: '/from/env' } })).stdout).toBe(
      '/from/flag\n',
    );
    const warned = await hubctl(['config', 'set', 'store', '/x'], { env: { ...env, HUBCTL_STORE: '/from/env' } });
    expect(warned.stderr).toBe('WARNING: HUBCTL_STORE is set and wins over the settings file\n');
  });

  it('commands use the store setting', async () => {
    const { env, home } = await box();
    const store = join(home, 'my-store');
    const layer = join(home, 'layer');
    await mkdir(layer);
    await writeFile(join(layer, 'f'), 'x');
    await hubctl(['config', 'set', 'store', store], { env });
    const built = await hubctl(['build', '-q', '-t', 'local/app:1', '--layer', layer], { env });
    expect(built.code, built.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(store, 'index.json'), 'utf8')).manifests).toHaveLength(1);
    expect((await hubctl(['images', '-q'], { env })).stdout).toBe(`${built.stdout.replace(/^sha256:/, '').slice(0, 12)}\n`);
  });

  it('bad input: an unknown key (2), a bad value (2), a broken file (7); nothing written', async () => {
    const { env, file } = await box();
    const unknown = await hubctl(['config', 'set', 'colour', 'x'], { env });
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'Error: unknown setting "colour"\nhint: settings: store, insecure-registries, hub-url\n',
    });
    const relative = await hubctl(['config', 'set', 'store', 'relative/dir'], { env });
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(/^Error: store: "relative\/dir" is not an absolute path\n/);
    expect((await hubctl(['config', 'set', 'hub-url', 'ftp://x'], { env })).code).toBe(2);
    expect((await hubctl(['config', 'set', 'insecure-registries', 'a/b'], { env })).code).toBe(2);
    expect(existsSync(file)).toBe(false);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, '{"store": 5}');
    const broken = await hubctl(['images'], { env });
    expect(broken).toMatchObject({
      code: 7,
      stderr: expect.stringMatching(/^Error: hubctl's setting store in .*: "5" is not an absolute path\nhint: /),
    });
    expect(readFileSync(file, 'utf8')).toBe('{"store": 5}');
  });
});

describe('insecure-registries', () => {
  let tls: Registry;
  beforeAll(async () => {
    tls = await startRegistry({ mode: 'open', tls: true });
    await seedImage(tls, 'library/web:1', { layers: [300] });
  });
  afterAll(async () => tls?.stop());

  it('a registry listed there is reached without verifying its certificate, as with --insecure', async () => {
    const { env } = await box();
    const ref = `${tls.host}/library/web:1`;
    const refused = await hubctl(['pull', '-q', ref], { env });
    expect(refused.code).toBe(5);
    await hubctl(['config', 'set', 'insecure-registries', 'other.example', tls.host], { env });
    const pulled = await hubctl(['pull', '-q', ref], { env });
    expect(pulled, pulled.stderr).toMatchObject({ code: 0, stdout: `${ref}\n` });
    const viaEnv = await hubctl(['pull', '-q', ref], {
      env: { ...env, HUBCTL_INSECURE_REGISTRIES: 'nothing.example', XDG_DATA_HOME: join(root, 'd2') },
    });
    expect(viaEnv.code).toBe(5);
  });

  it('`config REF` is still the image config beside the settings subcommands (and takes the insecure-registries setting)', async () => {
    const { env } = await box();
    await hubctl(['config', 'set', 'insecure-registries', tls.host], { env });
    const image = await hubctl(['config', `${tls.host}/library/web:1`], { env });
    expect(image.code, image.stderr).toBe(0);
    expect(JSON.parse(image.stdout)).toHaveProperty('rootfs');
    const setting = await hubctl(['config', 'get', 'insecure-registries'], { env });
    expect(setting).toMatchObject({ code: 0, stdout: `${tls.host}\n` });
    const none = await hubctl(['config'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'reference'");
  });
});
