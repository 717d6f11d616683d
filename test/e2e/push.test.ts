import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, skopeoDigest, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let bobEnv: NodeJS.ProcessEnv;
let digest: string;

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function dockerConfig(dir: string, user: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: b64(`${user}:${reg.users[user]}`) } } }));
  return dir;
}

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-push-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: await dockerConfig(join(root, 'alice'), 'alice'), HOME: root };
  bobEnv = { ...env, DOCKER_CONFIG: await dockerConfig(join(root, 'bob'), 'bob') };
  digest = await seedImage(reg, 'library/ubuntu:14.04', { layers: [5000, 6000] });
  const p = await hubctl(['pull', '-q', `${reg.host}/library/ubuntu:14.04`], { env });
  expect(p.code, p.stderr).toBe(0);
});

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const lines = (s: string) => s.trim().split('\n');

describe('hubctl tag and push through the binary', () => {
  it('tag: silent, exit 0; a missing source exits 4', async () => {
    const t = await hubctl(['tag', `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/ubuntu:14.04`], { env });
    expect(t).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const ls = await hubctl(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}'], { env });
    expect(ls.stdout).toContain(`${reg.host}/alice/ubuntu:14.04 ${digest}`);
    const missing = await hubctl(['tag', `${reg.host}/library/nope:1`, `${reg.host}/alice/nope:1`], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`Error: No such image: ${reg.host}/library/nope:1`);
  });

  it('tag accepts an image ID from hubctl images, like docker tag 0e5574283393 fedora/httpd:1.0', async () => {
    const ids = await hubctl(['images', '-q', `${reg.host}/library/ubuntu`], { env });
    const id = ids.stdout.trim().split('\n')[0]!;
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    const t = await hubctl(['tag', id, `${reg.host}/alice/byid:1`], { env });
    expect(t.code, t.stderr).toBe(0);
    const ls = await hubctl(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}'], { env });
    expect(ls.stdout).toContain(`${reg.host}/alice/byid:1 ${digest}`);
    expect((await hubctl(['tag', 'ffffffffffff', `${reg.host}/alice/byid:2`], { env })).code).toBe(4);
  });

  it('push mounts from the repository the image was pulled from', async () => {
    const r = await hubctl(['push', `${reg.host}/alice/ubuntu:14.04`], { env });
    expect(r.code, r.stderr).toBe(0);
    const err = lines(r.stderr);
    expect(err[0]).toBe(`The push refers to repository [${reg.host}/alice/ubuntu]`);
    expect(err.filter((l) => /^[0-9a-f]{12}: Preparing$/.test(l))).toHaveLength(2);
    expect(err.filter((l) => /^[0-9a-f]{12}: Mounted from library\/ubuntu$/.test(l))).toHaveLength(2);
    expect(err.at(-1)).toMatch(new RegExp(`^14\\.04: digest: ${digest} size: \\d+$`));
    expect(r.stdout).toBe(`${reg.host}/alice/ubuntu:14.04@${digest}\n`);
    expect(r.stderr).not.toMatch(/\u001b\[/);
    expect(await skopeoDigest(`${reg.host}/alice/ubuntu:14.04`, { registry: reg, creds: null })).toBe(digest);
  });

  it('a second push: every layer already exists', async () => {
    const r = await hubctl(['push', `${reg.host}/alice/ubuntu:14.04`], { env });
    expect(r.code).toBe(0);
    expect(lines(r.stderr).filter((l) => / Layer already exists$/.test(l))).toHaveLength(2);
  });

  it('-q prints only the digest; nothing on stderr', async () => {
    await hubctl(['tag', `${reg.host}/alice/ubuntu:14.04`, `${reg.host}/alice/quiet:1`], { env });
    const r = await hubctl(['push', '-q', `${reg.host}/alice/quiet:1`], { env });
    expect(r).toMatchObject({ code: 0, stdout: `${digest}\n`, stderr: '' });
  });

  it('uploads ("Pushed") when no repository in the store holds the layers', async () => {
    const solo = { ...env, HUBCTL_STORE: join(root, 'solo') };
    expect((await hubctl(['pull', '-q', `${reg.host}/library/ubuntu:14.04`], { env: solo })).code).toBe(0);
    expect((await hubctl(['tag', `${reg.host}/library/ubuntu:14.04`, `${reg.host}/alice/fresh:1`], { env: solo })).code).toBe(0);
    expect((await hubctl(['rmi', `${reg.host}/library/ubuntu:14.04`], { env: solo })).code).toBe(0);
    const r = await hubctl(['push', '--max-concurrent-uploads', '1', `${reg.host}/alice/fresh:1`], { env: solo });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stderr).filter((l) => /^[0-9a-f]{12}: Pushed$/.test(l))).toHaveLength(2);
  });

  it('no permission: exit 3 with one clear error', async () => {
    const r = await hubctl(['push', `${reg.host}/alice/ubuntu:14.04`], { env: bobEnv });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: denied: requested access to the resource is denied/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('not in the store: exit 4', async () => {
    const r = await hubctl(['push', `${reg.host}/alice/absent:1`], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Error: An image does not exist locally with the tag: ${reg.host}/alice/absent:1`);
  });

  it('--all-tags pushes each tag; a tag with --all-tags is a usage error', async () => {
    await hubctl(['tag', `${reg.host}/alice/ubuntu:14.04`, `${reg.host}/alice/ubuntu:latest`], { env });
    const r = await hubctl(['push', '--all-tags', `${reg.host}/alice/ubuntu`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual([`${reg.host}/alice/ubuntu:14.04@${digest}`, `${reg.host}/alice/ubuntu:latest@${digest}`]);
    expect(lines(r.stderr).filter((l) => / digest: /.test(l))).toHaveLength(2);
    expect((await hubctl(['push', '-a', `${reg.host}/alice/ubuntu:14.04`], { env })).code).toBe(2);
    expect((await hubctl(['push', '--max-concurrent-uploads', '0', `${reg.host}/alice/ubuntu:14.04`], { env })).code).toBe(2);
  });
});

describe('push with wrong or no credentials', () => {
  it('a wrong password says so (exit 3), not "denied"', async () => {
    const dir = join(root, 'wrong');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: b64('alice:wrong') } } }));
    const r = await hubctl(['push', `${reg.host}/alice/ubuntu:14.04`], { env: { ...env, DOCKER_CONFIG: dir } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('incorrect username or password');
  });

  it('anonymous: denied with a hint to log in (exit 3)', async () => {
    const r = await hubctl(['push', `${reg.host}/alice/ubuntu:14.04`], { env: { ...env, DOCKER_CONFIG: join(root, 'none') } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: denied: requested access to the resource is denied/m);
    expect(r.stderr).toContain('hubctl login');
  });
});
