import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/auth/index.js';
import type { RegistryTransport } from '../../../src/http/types.js';
import { formatSearchResults, parseSearchFilters, searchImages, searchPages, validateSearchOptions } from '../../../src/search/index.js';
import { startHubStub, type HubStub } from './hub-stub.js';

let stub: HubStub;
const transports: RegistryTransport[] = [];

function transport(): RegistryTransport {
  const t = createTransport({ registry: stub.host, retry: { maxAttempts: 1 } });
  transports.push(t);
  return t;
}

beforeAll(async () => {
  stub = await startHubStub();
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await stub?.stop();
});

const searches = () => stub.requests.filter((r) => r.path === '/v1/search');

describe('search against a Docker Hub stub reached as 127.0.0.1:PORT/TERM', () => {
  it("sends q and n like docker and renders docker's table", async () => {
    stub.requests.length = 0;
    const out = await searchImages({ transport: transport(), term: `${stub.host}/nginx` });
    expect(searches().map((r) => r.query)).toEqual([{ q: ['nginx'], n: ['25'] }]);
    expect(out.source).toBe('v1-search');
    expect(out.results.map((r) => r.name)).toEqual([
      'nginx',
      'nginxinc/nginx-unprivileged',
      'bitnami/nginx',
      'unicode/nginx',
      'empty/nginx',
      'long/nginx',
    ]);
    const lines = formatSearchResults(out.results);
    expect(lines[0]).toMatch(/^NAME {26}DESCRIPTION {37}STARS {5}OFFICIAL$/);
    expect(lines[1]).toBe('nginx                         Official build of Nginx.                        20000     [OK]');
    expect(lines[4]!.trimEnd()).toBe('unicode/nginx                 Nginx ünïcödé 日本語の説明 — emoji 😀 and ...   3');
    expect(lines[5]!.trimEnd()).toBe('empty/nginx                                                                   0');
    expect(lines[6]!.trimEnd()).toBe('long/nginx                    A very long description spanning lines  an...   1');
    expect(lines).toHaveLength(7);
    expect(stub.problems).toEqual([]);
  });

  it('keeps the whole flattened description with --no-trunc', async () => {
    const out = await searchImages({ transport: transport(), term: `${stub.host}/nginx`, limit: 100 });
    const long = formatSearchResults(out.results, { noTrunc: true, format: '{{.Name}}\\t{{.Description}}' }).find((l) =>
      l.startsWith('long/nginx'),
    )!;
    expect(long).not.toContain('...');
    expect(long).not.toMatch(/[\n\r]/);
    expect(long.endsWith('end')).toBe(true);
  });

  it('pages with page=2.. until --limit rows pass the filters, n = min(100, limit)', async () => {
    stub.requests.length = 0;
    const { filters } = parseSearchFilters(['stars=10']);
    // 230 hits, one in 11 has 10 stars: 20 of them in all
    const out = await searchImages({ transport: transport(), term: `${stub.host}/many`, limit: 15, filters });
    expect(out.results).toHaveLength(15);
    expect(out.results.every((r) => r.starCount >= 10)).toBe(true);
    const qs = searches().map((r) => r.query);
    expect(qs[0]).toEqual({ q: ['many'], n: ['15'] });
    expect(qs.slice(1).map((q) => q.page?.[0])).toEqual(qs.slice(1).map((_, i) => String(i + 2)));
    expect(qs.every((q) => q.n?.[0] === '15')).toBe(true);
    expect(stub.problems).toEqual([]);
  });

  it('reads every page past 100 and stops at num_pages', async () => {
    stub.requests.length = 0;
    const out = await searchImages({ transport: transport(), term: `${stub.host}/many`, limit: 1000 });
    expect(out.results).toHaveLength(230);
    expect(new Set(out.results.map((r) => r.name)).size).toBe(230);
    expect(searches().map((r) => [r.query.n?.[0], r.query.page?.[0]])).toEqual([
      ['100', undefined],
      ['100', '2'],
      ['100', '3'],
    ]);
  });

  it('combines filters: is-official and stars', async () => {
    const { filters } = parseSearchFilters(['is-official=true', 'stars=0']);
    const out = await searchImages({ transport: transport(), term: `${stub.host}/many`, limit: 100, filters });
    expect(out.results.map((r) => r.name)).toEqual([
      'user0/many-app',
      'user50/many-app',
      'user100/many-app',
      'user150/many-app',
      'user200/many-app',
    ]);
  });

  it('no results: header only', async () => {
    const out = await searchImages({ transport: transport(), term: `${stub.host}/nothing` });
    expect(out.results).toEqual([]);
    expect(formatSearchResults(out.results)).toEqual(['NAME      DESCRIPTION   STARS     OFFICIAL']);
  });

  it('--format json and table templates', async () => {
    const v = validateSearchOptions({ format: 'json', limit: '2' });
    const out = await searchImages({ transport: transport(), term: `${stub.host}/nginx`, limit: v.limit });
    expect(formatSearchResults(out.results, v)).toEqual([
      '{"Description":"Official build of Nginx.","IsAutomated":"false","IsOfficial":"true","Name":"nginx","StarCount":"20000"}',
      '{"Description":"Unprivileged NGINX Dockerfiles","IsAutomated":"false","IsOfficial":"false","Name":"nginxinc/nginx-unprivileged","StarCount":"150"}',
    ]);
    expect(formatSearchResults(out.results, { format: 'table {{.Name}}\\t{{.StarCount}}' })).toEqual([
      'NAME                          STARS',
      'nginx                         20000',
      'nginxinc/nginx-unprivileged   150',
    ]);
  });

  it('the page iterator yields typed pages', async () => {
    const pages = [];
    for await (const p of searchPages({ transport: transport(), term: `${stub.host}/many`, limit: 100 })) pages.push(p);
    expect(pages.map((p) => [p.page, p.results.length, p.totalPages, p.totalResults])).toEqual([
      [1, 100, 3, 230],
      [2, 100, 3, 230],
      [3, 30, 3, 230],
    ]);
  });

  it('treats the stub as Docker Hub when the factory maps index.docker.io to it (library/ trimmed, no catalog fallback)', async () => {
    stub.requests.length = 0;
    const asked: string[] = [];
    const out = await searchImages({
      transportFactory: (host) => {
        asked.push(host);
        return transport();
      },
      term: 'library/nginx',
      limit: 3,
    });
    expect(asked).toEqual(['index.docker.io']);
    expect(out.results.map((r) => r.name)).toEqual(['nginx', 'nginxinc/nginx-unprivileged', 'bitnami/nginx']);
    expect(searches()[0]!.query).toEqual({ q: ['nginx'], n: ['3'] });
  });
});
