/** The registry commands through the built binary: stdout shapes, --format, exit codes, delete's refusal off a terminal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, skopeoInspectText, startFaultProxy, startRegistry, type Registry } from '../harness/index.mjs';
import { hubctl, hubctlOnTerminal } from './run-cli.js';

let reg: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let digest: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-registry-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root };
  digest = await seedImage(reg, 'team/app:1', { layers: [2000, 300_000] });
  await Promise.all([seedImage(reg, 'team/app:2', { layers: [100] }), seedImage(reg, 'team/other:1', { layers: [100] })]);
}, 120_000);

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('registry commands', () => {
  it('tags: one a line, --format json, a template', async () => {
    const plain = await hubctl(['tags', `${reg.host}/team/app`], { env });
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim().split('\n').sort()).toEqual(['1', '2']);
    const json = await hubctl(['tags', '--format', 'json', `${reg.host}/team/app`], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ Repository: `${reg.host}/team/app` });
    const tpl = await hubctl(['tags', '--format', '{{.Reference}}', `${reg.host}/team/app`], { env });
    expect(tpl.stdout.trim().split('\n').sort()).toEqual([`${reg.host}/team/app:1`, `${reg.host}/team/app:2`]);
  });

  it('digest prints one line; a missing tag exits 4 with one Error line', async () => {
    const r = await hubctl(['digest', `${reg.host}/team/app:1`], { env });
    expect(r).toMatchObject({ code: 0, stdout: `${digest}\n`, stderr: '' });
    const missing = await hubctl(['digest', `${reg.host}/team/app:nope`], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr.split('\n')[0]).toBe(`Error: manifest for ${reg.host}/team/app:nope not found`);
  });

  it('manifest --raw and config --raw print the bytes skopeo reads; without --raw, indented JSON', async () => {
    const raw = await hubctl(['manifest', '--raw', `${reg.host}/team/app:1`], { env });
    expect(raw.stdout).toBe(await skopeoInspectText(`${reg.host}/team/app:1`, { registry: reg, raw: true }));
    const pretty = await hubctl(['manifest', `${reg.host}/team/app:1`], { env });
    expect(JSON.parse(pretty.stdout)).toEqual(JSON.parse(raw.stdout));
    expect(pretty.stdout).toContain('\n  "');
    const config = await hubctl(['config', '--raw', `${reg.host}/team/app:1`], { env });
    expect(config.stdout).toBe(await skopeoInspectText(`${reg.host}/team/app:1`, { registry: reg, raw: true, config: true }));
  });

  it('blob -o writes the verified bytes, stdout too; a usage error without a digest', async () => {
    const m = JSON.parse((await hubctl(['manifest', '--raw', `${reg.host}/team/app:1`], { env })).stdout) as {
      layers: { digest: string; size: number }[];
    };
    const layer = m.layers[1]!;
    const file = join(root, 'layer.tgz');
    await writeFile(file, 'old content');
    const r = await hubctl(['blob', '-o', file, `${reg.host}/team/app@${layer.digest}`], { env });
    expect(r.code).toBe(0);
    const bytes = await readFile(file);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(layer.digest);
    expect((await readdir(root)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const toDevNull = await hubctl(['blob', '-o', '/dev/null', `${reg.host}/team/app@${layer.digest}`], { env });
    expect(toDevNull.code).toBe(0);
    const bad = await hubctl(['blob', `${reg.host}/team/app:1`], { env });
    expect(bad.code).toBe(2);
    const missing = await hubctl(['blob', '-o', file, `${reg.host}/team/app@sha256:${'1'.repeat(64)}`], { env });
    expect(missing.code).toBe(4);
    expect(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    ).toBe(layer.digest.slice(7)); // left as it was
  });

  it('blob: bytes flipped on the way are an integrity error (exit 6) and the file stays as it was', async () => {
    const proxy = await startFaultProxy({ upstream: reg.host });
    try {
      const m = JSON.parse((await hubctl(['manifest', '--raw', `${reg.host}/team/app:1`], { env })).stdout) as {
        layers: { digest: string }[];
      };
      const layer = m.layers[1]!.digest;
      proxy.setRules([{ method: 'GET', path: `/blobs/${layer}`, action: { type: 'flip', at: 1000 } }]);
      const file = join(root, 'kept.txt');
      await writeFile(file, 'kept');
      const r = await hubctl(['blob', '-o', file, `${proxy.host}/team/app@${layer}`], { env });
      expect(r.code).toBe(6);
      expect(r.stderr.split('\n')[0]).toMatch(/^Error: content for sha256:\w+ has digest sha256:/);
      expect(await readFile(file, 'utf8')).toBe('kept');
      expect((await readdir(root)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const toStdout = await hubctl(['blob', `${proxy.host}/team/app@${layer}`], { env });
      expect(toStdout.code).toBe(0); // the rule fired once: the second download is whole
    } finally {
      await proxy.close();
    }
  });

  it('catalog follows pages; --limit stops early', async () => {
    const r = await hubctl(['catalog', '--page-size', '1', reg.host], { env });
    expect(r.stdout).toBe('team/app\nteam/other\n');
    const one = await hubctl(['catalog', '--limit', '1', '--format', 'json', reg.host], { env });
    expect(JSON.parse(one.stdout)).toEqual({ Registry: reg.host, Repositories: ['team/app'] });
  });

  it('delete refuses off a terminal without -f (exit 2, nothing deleted), deletes with -f', async () => {
    const doomed = await seedImage(reg, 'team/doomed:1', { layers: [100] });
    const refused = await hubctl(['delete', `${reg.host}/team/doomed:1`], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^Error: delete: stdin is not a terminal/);
    expect((await hubctl(['digest', `${reg.host}/team/doomed:1`], { env })).stdout).toBe(`${doomed}\n`);
    const r = await hubctl(['delete', '-f', `${reg.host}/team/doomed:1`], { env });
    expect(r).toMatchObject({ code: 0, stdout: `Deleted: ${reg.host}/team/doomed@${doomed}\n` });
    expect((await hubctl(['digest', `${reg.host}/team/doomed:1`], { env })).code).toBe(4);
  });

  it('delete asks on a terminal: n keeps the manifest (exit 2), y deletes it', async () => {
    const doomed = await seedImage(reg, 'team/asked:1', { layers: [100] });
    const onTerminal = (text: string) =>
      hubctlOnTerminal(['delete', `${reg.host}/team/asked:1`], { env, answer: { after: '[y/N] ', text } });
    const no = await onTerminal('n');
    expect(no.code).toBe(2);
    expect(no.screen).toContain(`Delete ${reg.host}/team/asked:1 (${doomed}) from the registry?`);
    expect(no.screen).toContain('Error: delete: cancelled, nothing was removed');
    expect((await hubctl(['digest', `${reg.host}/team/asked:1`], { env })).stdout).toBe(`${doomed}\n`);
    const yes = await onTerminal('y');
    expect(yes.code).toBe(0);
    expect(yes.screen).toContain(`Deleted: ${reg.host}/team/asked@${doomed}`);
    expect((await hubctl(['digest', `${reg.host}/team/asked:1`], { env })).code).toBe(4);
  });

  it('index create prints REF@DIGEST and --format json', async () => {
    const r = await hubctl(['index', 'create', '--format', 'json', `${reg.host}/team/multi:1`, `${reg.host}/team/app:1`], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { Reference: string; Digest: string; Manifests: { digest: string }[] };
    expect(out.Reference).toBe(`${reg.host}/team/multi:1`);
    expect(out.Manifests.map((m) => m.digest)).toEqual([digest]);
    const pushed = await hubctl(['index', 'create', '--push', `${reg.host}/team/multi:2`, `${reg.host}/team/app:1`], { env });
    expect(pushed.code).toBe(0);
    const [ref, d] = pushed.stdout.trim().split('@');
    expect(ref).toBe(`${reg.host}/team/multi:2`);
    expect((await hubctl(['digest', `${reg.host}/team/multi:2`], { env })).stdout.trim()).toBe(d);
  });
});
