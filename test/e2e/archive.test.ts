import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startRegistry, seedImage, skopeoCopy, type Registry } from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { BIN, hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let digest: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-archive-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root };
  digest = await seedImage(reg, 'library/web:1.0', { layers: [5000, 6000] });
  const p = await hubctl(['pull', '-q', `${reg.host}/library/web:1.0`], { env });
  expect(p.code, p.stderr).toBe(0);
});

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs the binary with stdout to a file (binary-safe). */
function hubctlToFile(args: string[], file: string, e: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    import('node:fs').then(({ openSync, closeSync }) => {
      const fd = openSync(file, 'w');
      const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...e }, stdio: ['ignore', fd, 'ignore'] });
      child.on('error', reject);
      child.on('close', (code) => {
        closeSync(fd);
        resolve(code);
      });
    }, reject);
  });
}

describe('hubctl save and load through the binary', () => {
  it('save -o writes a tar; load -i into another store prints docker\'s "Loaded image:" line', async () => {
    const file = join(root, 'web.tar');
    const s = await hubctl(['save', '-o', file, `${reg.host}/library/web:1.0`], { env });
    expect(s).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await stat(file)).size).toBeGreaterThan(11_000);
    const other = { ...env, HUBCTL_STORE: join(root, 'other') };
    const l = await hubctl(['load', '-i', file], { env: other });
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toBe(`Loaded image: ${reg.host}/library/web:1.0\n`);
    const store = await ImageStore.open(join(root, 'other'));
    expect((await store.resolve(`${reg.host}/library/web:1.0`))?.digest).toBe(digest);
  });

  it('save without -o streams to stdout when it is not a terminal', async () => {
    const file = join(root, 'stdout.tar');
    expect(await hubctlToFile(['save', `${reg.host}/library/web:1.0`], file, env)).toBe(0);
    const head = (await readFile(file)).subarray(0, 10).toString();
    expect(head).toBe('oci-layout');
  });

  it('save | load through a pipe (stdout to stdin)', async () => {
    const { execFile } = await import('node:child_process');
    const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'sh',
        [
          '-c',
          `"${process.execPath}" "${BIN}" save "${reg.host}/library/web:1.0" | HUBCTL_STORE="${join(root, 'piped')}" "${process.execPath}" "${BIN}" load`,
        ],
        { env: { PATH: process.env.PATH, ...env } },
        (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }),
      );
    });
    expect(out).toEqual({ code: 0, stdout: `Loaded image: ${reg.host}/library/web:1.0\n` });
  });

  it('loads a docker archive written by skopeo', async () => {
    const file = join(root, 'skopeo.tar');
    await skopeoCopy(`${reg.host}/library/web:1.0`, `docker-archive:${file}:example/web:2`, { src: { registry: reg }, all: false });
    const l = await hubctl(['load', '-i', file], { env: { ...env, HUBCTL_STORE: join(root, 'third') } });
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toBe('Loaded image: example/web:2\n');
  });

  it('errors: missing image exits 4, missing input exits 7, hostile archive exits 2, garbage exits 6', async () => {
    const missing = await hubctl(['save', '-o', join(root, 'x.tar'), 'nope:1'], { env });
    expect(missing.code).toBe(4);
    await expect(stat(join(root, 'x.tar'))).rejects.toBeTruthy();
    expect((await hubctl(['load', '-i', join(root, 'does-not-exist.tar')], { env })).code).toBe(7);
    const unwritable = await hubctl(['save', '-o', join(root, 'no', 'such', 'dir.tar'), `${reg.host}/library/web:1.0`], { env });
    expect(unwritable.code).toBe(7);
    expect(unwritable.stderr).toContain('Error: cannot write');
    const empty = await hubctl(['load'], { env, input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('not a loadable image archive');
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: '../../evil' }, 'x');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    const evil = join(root, 'evil.tar');
    await writeFile(evil, Buffer.concat(chunks));
    const before = await readFile(join(root, 'store', 'index.json'), 'utf8');
    const bad = await hubctl(['load', '-i', evil], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('archive entry "../../evil" has a ".." path component');
    expect(await readFile(join(root, 'store', 'index.json'), 'utf8')).toBe(before);
    const garbage = join(root, 'garbage.tar');
    await writeFile(garbage, Buffer.alloc(2000, 7));
    expect((await hubctl(['load', '-i', garbage], { env })).code).toBe(6);
  });
});
