import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startRegistry, seedImage, type Registry } from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { hubctl } from './run-cli.js';

let open: Registry;
let token: Registry;
let root: string;
let env: NodeJS.ProcessEnv;
let digest: string;

beforeAll(async () => {
  [open, token] = await Promise.all([startRegistry({ mode: 'open' }), startRegistry({ mode: 'token' })]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-pull-'));
  env = { HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker'), HOME: root };
  digest = await seedImage(open, 'library/web:1.0', { layers: [5000, 6000] });
  await Promise.all([
    seedImage(token, 'private/app:1', { layers: [100], creds: { username: 'admin', password: token.users.admin! } }),
    seedImage(open, 'library/web:latest', { layers: [700] }),
  ]);
});

afterAll(async () => {
  await Promise.all([open?.stop(), token?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl pull through the binary', () => {
  it("prints docker's lines on stderr and the reference on stdout", async () => {
    const r = await hubctl(['pull', `${open.host}/library/web:1.0`], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${open.host}/library/web:1.0\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('1.0: Pulling from library/web');
    expect(lines.filter((l) => / Pull complete$/.test(l))).toHaveLength(2);
    expect(lines).toContain(`Digest: ${digest}`);
    expect(lines.at(-1)).toBe(`Status: Downloaded newer image for ${open.host}/library/web:1.0`);
    expect(r.stderr).not.toMatch(/\u001b\[/); // no escape codes off a TTY
  });

  it('says the image is up to date the second time, and "Using default tag" without a tag', async () => {
    const again = await hubctl(['pull', `${open.host}/library/web:1.0`], { env });
    expect(again.stderr).toContain(`Status: Image is up to date for ${open.host}/library/web:1.0`);
    expect(again.stderr).toContain('Already exists');
    const latest = await hubctl(['pull', `${open.host}/library/web`], { env });
    expect(latest.stderr.split('\n')[0]).toBe('Using default tag: latest');
    expect(latest.stdout).toBe(`${open.host}/library/web:latest\n`);
  });

  it('-q prints only the reference', async () => {
    const r = await hubctl(['pull', '-q', `${open.host}/library/web:1.0`], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${open.host}/library/web:1.0\n`);
    expect(r.stderr).toBe('');
  });

  it('lists, inspects and removes through the binary', async () => {
    const ls = await hubctl(['images'], { env });
    expect(ls.stdout.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(ls.stdout).toMatch(new RegExp(`${open.host}/library/web\\s+1\\.0\\s+[0-9a-f]{12}\\s`));
    const json = await hubctl(['images', '--format', 'json'], { env });
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Repository: string; Tag: string });
    expect(rows.map((r) => r.Tag).sort()).toEqual(['1.0', 'latest']);
    const tpl = await hubctl(['images', '--format', '{{.Repository}}:{{.Tag}}'], { env });
    expect(tpl.stdout.trim().split('\n').sort()).toEqual([`${open.host}/library/web:1.0`, `${open.host}/library/web:latest`]);
    const insp = await hubctl(['inspect', `${open.host}/library/web:1.0`], { env });
    expect((JSON.parse(insp.stdout) as { Descriptor: { digest: string } }[])[0]!.Descriptor.digest).toBe(digest);
    const raw = await hubctl(['inspect', '--raw', `${open.host}/library/web:1.0`], { env });
    expect(JSON.parse(raw.stdout).digest).toBe(digest);
    const rm1 = await hubctl(['rmi', `${open.host}/library/web:latest`], { env });
    expect(rm1.code).toBe(0);
    expect(rm1.stdout).toContain(`Untagged: ${open.host}/library/web:latest`);
    const store = await ImageStore.open(join(root, 'store'));
    expect((await store.validate()).ok).toBe(true);
  });

  it('not found: exit 4 with one clear line', async () => {
    const r = await hubctl(['pull', `${open.host}/library/web:nope`], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Error: manifest for ${open.host}/library/web:nope not found`);
  });

  it('auth required: exit 3 with a hint to log in', async () => {
    const r = await hubctl(['pull', `${token.host}/private/app:1`], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: .*/m);
    expect(r.stderr).toContain('hubctl login');
  });

  it('bad reference: exit 2, nothing touched', async () => {
    const before = await readFile(join(root, 'store', 'index.json'), 'utf8');
    const r = await hubctl(['pull', 'Not/Valid'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid reference "Not/Valid": repository names must be lowercase');
    expect(await readFile(join(root, 'store', 'index.json'), 'utf8')).toBe(before);
  });

  it('connection refused: exit 5 naming the host', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await hubctl(['pull', `127.0.0.1:${port}/x/y:1`], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('usage errors exit 2', async () => {
    expect((await hubctl(['pull'], { env })).code).toBe(2);
    expect((await hubctl(['nosuchcommand'], { env })).code).toBe(2);
    expect((await hubctl(['pull', '--max-concurrent-downloads', '0', 'x'], { env })).code).toBe(2);
    expect((await hubctl(['pull', '--platform', 'linux', 'x'], { env })).code).toBe(2);
  });

  it('four processes pulling into one store at once leave a valid store', async () => {
    const shared = { ...env, HUBCTL_STORE: join(root, 'race') };
    const runs = await Promise.all([
      hubctl(['pull', '-q', `${open.host}/library/web:1.0`], { env: shared }),
      hubctl(['pull', '-q', `${open.host}/library/web:latest`], { env: shared }),
      hubctl(['pull', '-q', `${open.host}/library/web:1.0`], { env: shared }),
      hubctl(['pull', '-q', `${open.host}/library/web:latest`], { env: shared }),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const store = await ImageStore.open(join(root, 'race'));
    const report = await store.validate();
    expect(report.ok).toBe(true);
    expect((await store.list()).map((e) => e.ref).sort()).toEqual([`${open.host}/library/web:1.0`, `${open.host}/library/web:latest`]);
  });
});
