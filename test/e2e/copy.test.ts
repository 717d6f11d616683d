/** `hubctl copy` and `hubctl pull -a` through the binary: stdout, stderr, exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, skopeoDigest, startRegistry, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let a: Registry;
let b: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let web: string;

beforeAll(async () => {
  [a, b] = await Promise.all([startRegistry({ mode: 'open' }), startRegistry({ mode: 'open' })]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-copy-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root };
  [web] = await Promise.all([
    seedImage(a, 'library/web:1.0', { layers: [5000, 300_000] }),
    seedImage(a, 'library/web:latest', { layers: [700] }),
    seedImage(a, 'library/web:arm', { platforms: [{ os: 'linux', architecture: 'arm64' }], layers: [600] }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl copy', () => {
  it('copies across registries: push-like lines on stderr, DST@DIGEST on stdout', async () => {
    const r = await hubctl(['copy', `${a.host}/library/web:1.0`, `${b.host}/mirror/web`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${b.host}/mirror/web:1.0@${web}\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`Copying ${a.host}/library/web:1.0 to ${b.host}/mirror/web:1.0`);
    expect(lines.filter((l) => /^[0-9a-f]{12}: Copied$/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(new RegExp(`^1\\.0: digest: ${web} size: \\d+$`));
    expect(await skopeoDigest(`${b.host}/mirror/web:1.0`, { registry: b })).toBe(web);
  });

  it('-q prints the digest alone; --format json one object per image', async () => {
    const q = await hubctl(['copy', '-q', `${a.host}/library/web:1.0`, `${b.host}/mirror/web:q`], { env });
    expect(q).toMatchObject({ code: 0, stdout: `${web}\n`, stderr: '' });
    const j = await hubctl(['copy', '--format', 'json', `${a.host}/library/web:1.0`, `${b.host}/mirror/web:j`], { env });
    expect(JSON.parse(j.stdout)).toMatchObject({ Reference: `${b.host}/mirror/web:j`, Digest: web, Source: `${a.host}/library/web:1.0` });
    const t = await hubctl(
      ['copy', '-q', '--format', '{{.Digest}} {{.Reference}}', `${a.host}/library/web:1.0`, `${b.host}/mirror/web:t`],
      {
        env,
      },
    );
    expect(t.stdout).toBe(`${web} ${b.host}/mirror/web:t\n`);
  });

  it('errors: missing source exits 4, conflicting flags and a bad template exit 2', async () => {
    const missing = await hubctl(['copy', `${a.host}/library/web:nope`, `${b.host}/x/y:1`], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`Error: manifest for ${a.host}/library/web:nope not found`);
    const both = await hubctl(['copy', '--platform', 'linux/amd64', '--all-platforms', `${a.host}/library/web:1.0`, `${b.host}/x/y:1`], {
      env,
    });
    expect(both.code).toBe(2);
    const tpl = await hubctl(['copy', '--format', '{{.Nope', `${a.host}/library/web:1.0`, `${b.host}/x/tpl:1`], { env });
    expect(tpl.code).toBe(2);
    expect((await hubctl(['copy', `${a.host}/library/web`, `${b.host}/x/all:1`, '-a'], { env })).code).toBe(2);
  });
});

describe('hubctl pull -a', () => {
  it("pulls every tag; a tag without this machine's platform is a warning and exit 4 after the others are stored", async () => {
    const r = await hubctl(['pull', '-a', '--platform', 'linux/amd64', `${a.host}/library/web`], { env });
    expect(r.code).toBe(4);
    expect(r.stdout.trim().split('\n').sort()).toEqual([`${a.host}/library/web:1.0`, `${a.host}/library/web:latest`]);
    expect(r.stderr).toMatch(/1\.0: Pulling from library\/web/);
    expect(r.stderr).toMatch(/latest: Pulling from library\/web/);
    expect(r.stderr).toMatch(/WARNING:.*web:arm: no image for platform linux\/amd64/);
    expect(r.stderr).toContain(`Error: 1 of 3 tags of ${a.host}/library/web could not be pulled: arm`);
    expect(r.stderr).not.toContain('Using default tag');
  });

  it('with a platform every tag has it exits 0; a tag in the reference is a usage error', async () => {
    const r = await hubctl(['pull', '--all-tags', '-q', '--platform', 'linux/arm64', `${a.host}/library/web`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    const tagged = await hubctl(['pull', '-a', `${a.host}/library/web:1.0`], { env });
    expect(tagged.code).toBe(2);
    expect(tagged.stderr).toContain("tag can't be used with --all-tags/-a");
  });
});
