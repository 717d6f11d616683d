import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type Registry } from '../harness/index.mjs';
import { startHubStub, type HubStub } from '../integration/search/hub-stub.js';
import { seedRepos } from '../integration/search/seed-repos.js';
import { hubctl } from './run-cli.js';

let hub: HubStub;
let reg: Registry;
let bare: Server;
let barePort: number;
let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [hub, reg] = await Promise.all([startHubStub(), startRegistry({ mode: 'open' })]);
  await seedRepos(reg, ['team/web-api', 'team/web-ui', 'other/db']);
  bare = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  barePort = (bare.address() as { port: number }).port;
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-search-'));
  env = { HOME: root, DOCKER_CONFIG: join(root, 'docker'), HUBCTL_STORE: join(root, 'store') };
});

afterAll(async () => {
  await Promise.all([hub?.stop(), reg?.stop(), new Promise((r) => bare?.close(r))]);
  if (root) await rm(root, { recursive: true, force: true });
});

const search = (...args: string[]) => hubctl(['search', ...args], { env });

describe('hubctl search through the binary (Docker Hub-shaped stub on loopback)', () => {
  it("prints docker's table with [OK] and 45-column descriptions", async () => {
    const r = await search(`${hub.host}/nginx`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL$/);
    expect(lines[1]).toMatch(/^nginx\s+Official build of Nginx\.\s+20000\s+\[OK\]$/);
    const long = lines.find((l) => l.startsWith('long/nginx'))!;
    // docker flattens \r and \n to a space each, then cuts to 45 columns ending in ...
    expect(long).toMatch(/^long\/nginx\s+A very long description spanning lines {2}an\.\.\.\s+1\s*$/);
    expect(r.stderr).toBe('');
    expect(hub.problems).toEqual([]);
    expect(hub.requests.filter((q) => q.path === '/v1/search').at(-1)!.query).toEqual({ q: ['nginx'], n: ['25'] });
  });

  it('--no-trunc keeps whole descriptions on one line', async () => {
    const r = await search('--no-trunc', `${hub.host}/nginx`);
    const long = r.stdout.split('\n').find((l) => l.startsWith('long/nginx'))!;
    expect(long).toContain('tabs. end');
  });

  it('--limit pages past 100 and --filter stars/is-official all apply', async () => {
    const r = await search('--limit', '150', '--format', '{{.Name}}', `${hub.host}/many`);
    expect(r.stdout.trim().split('\n')).toHaveLength(150);
    const pages = hub.requests.filter((q) => q.path === '/v1/search' && q.query.q?.[0] === 'many').map((q) => q.query.page?.[0] ?? '1');
    expect(pages).toEqual(['1', '2']);
    const f = await search(
      '--filter',
      'stars=10',
      '--filter',
      'is-official=false',
      '--limit',
      '5',
      '--format',
      '{{.Name}} {{.StarCount}} [{{.IsOfficial}}]',
      `${hub.host}/many`,
    );
    const rows = f.stdout.trim().split('\n');
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/ 10 \[\]$/); // docker's {{.IsOfficial}} is [OK] or empty
  });

  it('--filter is-automated is accepted with a warning', async () => {
    const r = await search('--filter', 'is-automated=false', '--limit', '2', `${hub.host}/nginx`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: the "is-automated" filter/m);
    expect(r.stderr).not.toContain('WARNING: WARNING:');
  });

  it('--format table, {{json .}} and json', async () => {
    const t = await search('--format', 'table {{.Name}}\\t{{.StarCount}}', '--limit', '2', `${hub.host}/nginx`);
    expect(t.stdout.split('\n')[0]).toMatch(/^NAME\s+STARS$/);
    const j = await search('--format', '{{json .}}', '--limit', '1', `${hub.host}/nginx`);
    expect(JSON.parse(j.stdout)).toMatchObject({ Name: 'nginx', StarCount: '20000', IsOfficial: 'true' });
    const k = await search('--format', 'json', '--limit', '3', `${hub.host}/nginx`);
    expect(
      k.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Name),
    ).toEqual(['nginx', 'nginxinc/nginx-unprivileged', 'bitnami/nginx']);
  });

  it('no results: only the header, exit 0', async () => {
    const r = await search(`${hub.host}/nothing`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL$/);
  });

  it.each([
    [['--filter', 'stars=x', 'nginx'], /stars/],
    [['--filter', 'color=red', 'nginx'], /color/],
    [['--limit', '0', 'nginx'], /limit/],
    [['--limit', 'many', 'nginx'], /limit/],
    [['--format', '{{.Nope}}', 'nginx'], /Nope/],
  ])('usage error %j: exit 2, one clear line, no request', async (args, why) => {
    const before = hub.requests.length;
    const r = await search(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).toMatch(why);
    expect(hub.requests.length).toBe(before);
  });

  it('a private registry without /v1/search is searched through its catalog', async () => {
    const r = await search('--format', '{{.Name}}', `${reg.host}/web`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual([`${reg.host}/team/web-api`, `${reg.host}/team/web-ui`]);
  });

  it('a registry with neither search nor catalog: exit 4', async () => {
    const r = await search(`127.0.0.1:${barePort}/x`);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^Error: /);
  });

  it('connection refused: exit 5', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await search(`127.0.0.1:${port}/x`);
    expect(r.code).toBe(5);
  });
});
