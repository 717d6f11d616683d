/** `hubctl inspect`: docker's image inspect shape, -f templates, several references, --raw and --remote. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, skopeoInspect, startRegistry, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let digest: string;
let multi: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-inspect-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root };
  [digest, multi] = await Promise.all([
    seedImage(reg, 'team/app:1', { layers: [1000, 2000], labels: { tier: 'web' } }),
    seedImage(reg, 'team/multi:1', { multiArch: true, layers: [500] }),
  ]);
  for (const ref of ['team/app:1', 'team/multi:1']) expect((await hubctl(['pull', '-q', `${reg.host}/${ref}`], { env })).code).toBe(0);
  expect((await hubctl(['tag', `${reg.host}/team/app:1`, `${reg.host}/team/app:stable`], { env })).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl inspect', () => {
  it("prints docker's shape: Id is the image ID, every tag of it, the repo digest, the config", async () => {
    const r = await hubctl(['inspect', `${reg.host}/team/app:1`], { env });
    expect(r.code).toBe(0);
    const [img] = JSON.parse(r.stdout) as Record<string, unknown>[];
    const config = await skopeoInspect(`${reg.host}/team/app:1`, { registry: reg, config: true });
    const id = (await hubctl(['images', '-q', '--no-trunc', `${reg.host}/team/app:1`], { env })).stdout.trim();
    expect(Object.keys(img!).slice(0, 9)).toEqual([
      'Id',
      'RepoTags',
      'RepoDigests',
      'Parent',
      'Comment',
      'Created',
      'DockerVersion',
      'Author',
      'Config',
    ]);
    expect(img).toMatchObject({
      Id: id,
      RepoTags: [`${reg.host}/team/app:1`, `${reg.host}/team/app:stable`],
      RepoDigests: [`${reg.host}/team/app@${digest}`],
      Created: config.created,
      Architecture: 'amd64',
      Os: 'linux',
      Config: { Cmd: ['/bin/sh'], Labels: { tier: 'web' } },
      RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
      Descriptor: { digest },
    });
    expect(r.stdout).toMatch(/^\[\n {4}\{\n {8}"Id"/);
  });

  it('-f renders a Go template per image, nested fields included; several references; a missing one fails at the end', async () => {
    const r = await hubctl(['inspect', '-f', '{{.Os}}/{{.Architecture}} {{json .Config.Labels}} {{index}}', `${reg.host}/team/app:1`], {
      env,
    });
    expect(r.code).toBe(2); // index is not a function hubctl has
    const ok = await hubctl(
      [
        'inspect',
        '-f',
        '{{.Os}}/{{.Architecture}} {{json .Config.Labels}} {{.Config.Cmd}}',
        `${reg.host}/team/app:1`,
        `${reg.host}/team/multi:1`,
        'nope:1',
      ],
      { env },
    );
    expect(ok.stdout.split('\n')[0]).toMatch(/^linux\/amd64 \{"hubctl.test.salt":"[^"]+","tier":"web"\} \[\/bin\/sh\]$/);
    expect(ok.stdout.split('\n')[1]).toMatch(/^linux\/amd64 /);
    expect(ok.code).toBe(4);
    expect(ok.stderr).toBe('Error: No such image: nope:1\nhint: list the store with hubctl images, or ask the registry with --remote\n');
    const bad = await hubctl(['inspect', '-f', '{{.Config.Nope}}', `${reg.host}/team/app:1`], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("can't evaluate field Nope");
  });

  it('takes an image ID; --raw keeps the manifest and config view; --remote asks the registry', async () => {
    const id = (await hubctl(['images', '-q', `${reg.host}/team/app:1`], { env })).stdout.trim();
    const byId = await hubctl(['inspect', '-f', '{{.Id}}', id], { env });
    expect(byId.stdout.trim()).toMatch(new RegExp(`^sha256:${id}`));
    const raw = JSON.parse((await hubctl(['inspect', '--raw', `${reg.host}/team/app:1`], { env })).stdout) as {
      digest: string;
      config: unknown;
    };
    expect(raw.digest).toBe(digest);
    expect(raw.config).toBeDefined();
    const remote = await hubctl(['inspect', '--remote', '-f', '{{.Id}} {{json .RepoDigests}}', `${reg.host}/team/multi:1`], { env });
    expect(remote.stdout.trim()).toBe(`${multi} ["${reg.host}/team/multi@${multi}"]`);
  });
});
