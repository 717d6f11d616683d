/**
 * docker parity on the local store through the binary: rmi by ID / NAME@DIGEST / -f and its partial
 * failures, `images -q | xargs hubctl rmi`, images filters, image prune and system df.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, startRegistry, type Registry } from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let webDigest: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-store-'));
  [webDigest] = await Promise.all([
    seedImage(reg, 'team/web:1', { layers: [3000, 4000] }),
    seedImage(reg, 'team/db:1', { layers: [2000] }),
    seedImage(reg, 'team/db:2', { layers: [2500] }),
  ]);
}, 120_000);

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

let n = 0;
async function freshStore(): Promise<NodeJS.ProcessEnv> {
  const dir = join(root, `s${n++}`);
  return { HUBCTL_STORE: join(dir, 'store'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir };
}
const run = async (env: NodeJS.ProcessEnv, ...args: string[]) => hubctl(args, { env });
const ids = async (env: NodeJS.ProcessEnv, ...args: string[]) =>
  (await run(env, 'images', '-q', ...args)).stdout.split('\n').filter((l) => l !== '');
const refs = async (env: NodeJS.ProcessEnv, ...args: string[]) =>
  (await run(env, 'images', '--format', '{{.Repository}}:{{.Tag}}', ...args)).stdout.split('\n').filter((l) => l !== '');

async function pullAll(env: NodeJS.ProcessEnv): Promise<void> {
  for (const ref of ['team/web:1', 'team/db:1', 'team/db:2']) expect((await run(env, 'pull', '-q', `${reg.host}/${ref}`)).code).toBe(0);
  expect((await run(env, 'pull', '-q', `${reg.host}/team/web@${webDigest}`)).code).toBe(0); // dangling: no tag
}

async function expectEmptyValidStore(env: NodeJS.ProcessEnv): Promise<void> {
  const store = await ImageStore.open(env.HUBCTL_STORE!);
  try {
    expect(await store.list()).toEqual([]);
    expect((await store.validate()).ok).toBe(true);
  } finally {
    await store.close();
  }
  expect((await readdir(join(env.HUBCTL_STORE!, 'blobs/sha256'))).filter((f) => !f.startsWith('.'))).toEqual([]);
}

describe('rmi', () => {
  it('`hubctl images -q | xargs hubctl rmi` empties a store', async () => {
    const env = await freshStore();
    await pullAll(env);
    expect((await run(env, 'tag', `${reg.host}/team/db:1`, `${reg.host}/team/db:also`)).code).toBe(0);
    const list = await ids(env);
    expect(list.length).toBe(5); // web:1 and web@digest share one ID, db:1 and db:also another: docker prints both
    const r = await run(env, 'rmi', ...list);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Untagged: ${reg.host}/team/web@${webDigest}`);
    await expectEmptyValidStore(env);
  });

  it('removes what it can, reports each failure, exits with the failure code at the end', async () => {
    const env = await freshStore();
    await pullAll(env);
    const r = await run(env, 'rmi', `${reg.host}/team/nope:1`, `${reg.host}/team/db:1`, 'ffffffffffff');
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(`Untagged: ${reg.host}/team/db:1`);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error: '))).toEqual([
      `Error: No such image: ${reg.host}/team/nope:1`,
      'Error: No such image: ffffffffffff',
    ]);
    expect(await refs(env, `${reg.host}/team/db`)).toEqual([`${reg.host}/team/db:2`]);
  });

  it('an ID shared by several repositories needs -f; NAME@DIGEST removes that repository only', async () => {
    const env = await freshStore();
    await pullAll(env);
    expect((await run(env, 'tag', `${reg.host}/team/db:2`, `${reg.host}/other/db:2`)).code).toBe(0);
    const id = (await run(env, 'images', '-q', `${reg.host}/team/db:2`)).stdout.trim();
    const refused = await run(env, 'rmi', id);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('image is referenced in multiple repositories');
    const forced = await run(env, 'rmi', '-f', `sha256:${id}`);
    expect(forced.code).toBe(0);
    expect(await refs(env, '--filter', 'reference=*/*/db')).toEqual([`${reg.host}/team/db:1`]);
    const byDigest = await run(env, 'rmi', `${reg.host}/team/web@${webDigest}`);
    expect(byDigest.code).toBe(0);
    expect(byDigest.stdout.split('\n').filter((l) => l.startsWith('Untagged'))).toEqual([
      `Untagged: ${reg.host}/team/web:1`,
      `Untagged: ${reg.host}/team/web@${webDigest}`,
    ]);
  });
});

describe('images filters', () => {
  it('REPO:TAG, reference globs, dangling', async () => {
    const env = await freshStore();
    await pullAll(env);
    expect(await refs(env, `${reg.host}/team/db:2`)).toEqual([`${reg.host}/team/db:2`]);
    expect(await refs(env, '--filter', `reference=${reg.host}/team/d*`)).toEqual([`${reg.host}/team/db:1`, `${reg.host}/team/db:2`]);
    expect(await refs(env, '--filter', 'reference=*/team/db:1', '--filter', 'reference=*/*/web')).toEqual([
      `${reg.host}/team/db:1`,
      `${reg.host}/team/web:<none>`,
      `${reg.host}/team/web:1`,
    ]);
    expect(await refs(env, '--filter', 'dangling=true')).toEqual([`${reg.host}/team/web:<none>`]);
    expect(await refs(env, '--filter', 'dangling=false')).toHaveLength(3);
    const bad = await run(env, 'images', '--filter', 'label=x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: invalid filter 'label=x': unknown filter "label"\nhint: /);
  });

  it('before= and since= compare creation times', async () => {
    const env = await freshStore();
    const ctx = join(root, `ctx${n}`);
    await mkdir(ctx, { recursive: true });
    await writeFile(join(ctx, 'f.txt'), 'x');
    for (const [name, epoch] of [
      ['old', '1000'],
      ['mid', '2000'],
      ['new', '3000'],
    ] as const) {
      const r = await hubctl(['build', '-q', '-t', `local/${name}:1`, '--layer', ctx, '--label', `n=${name}`], {
        env: { ...env, SOURCE_DATE_EPOCH: epoch },
      });
      expect(r.code).toBe(0);
    }
    expect(await refs(env, '--filter', 'before=local/mid:1')).toEqual(['local/old:1']);
    expect(await refs(env, '--filter', 'since=local/mid:1')).toEqual(['local/new:1']);
    expect((await run(env, 'images', '--filter', 'since=local/none:1')).code).toBe(4);
  });
});

describe('image prune and system df', () => {
  it('prune refuses off a terminal without -f; removes dangling images and what only they used; df predicted it', async () => {
    const env = await freshStore();
    await pullAll(env);
    await run(env, 'rmi', `${reg.host}/team/web:1`); // web's blobs stay: the dangling web@digest entry holds them
    const df = JSON.parse((await run(env, 'system', 'df', '--format', 'json')).stdout) as Record<string, string>;
    expect(df).toMatchObject({ Type: 'Images', TotalCount: '3', Active: '2' });
    const refused = await run(env, 'image', 'prune');
    expect(refused.code).toBe(2);
    expect(await refs(env)).toHaveLength(3);
    const r = await run(env, 'image', 'prune', '-f');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`untagged: ${reg.host}/team/web@${webDigest}`);
    expect(r.stdout).toMatch(/\nTotal reclaimed space: \S+\n$/);
    expect(df.Reclaimable).toBe(`${/Total reclaimed space: (\S+)/.exec(r.stdout)![1]} (${df.Reclaimable!.split('(')[1]}`);
    expect(await refs(env)).toEqual([`${reg.host}/team/db:1`, `${reg.host}/team/db:2`]);
    const table = await run(env, 'system', 'df');
    expect(table.stdout.split('\n')[0]).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    expect(table.stdout.split('\n')[1]).toMatch(/^Images\s+2\s+2\s+\S+\s+0B \(0%\)$/);
    const all = await run(env, 'image', 'prune', '-a', '-f');
    expect(all.code).toBe(0);
    await expectEmptyValidStore(env);
  });
});
