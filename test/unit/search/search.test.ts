import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import {
  parseNextLink,
  parseSearchTerm,
  parseV1SearchResponse,
  searchImages,
  searchPages,
  IS_AUTOMATED_WARNING,
  parseSearchFilters,
} from '../../../src/search/index.js';
import { fakeTransport } from './fake-transport.js';

function hubPages(
  total: number,
  pageSize = 25,
  mk = (i: number) => ({ name: `user/img${i}`, star_count: i % 7, is_official: i % 10 === 0 }),
) {
  return (url: URL) => {
    const n = Number(url.searchParams.get('n'));
    const page = Number(url.searchParams.get('page') ?? '1');
    const all = Array.from({ length: total }, (_, i) => mk(i));
    const size = n || pageSize;
    return {
      body: {
        num_results: total,
        num_pages: Math.ceil(total / size),
        page,
        page_size: size,
        query: url.searchParams.get('q'),
        results: all.slice((page - 1) * size, page * size).map((r) => ({ description: 'd', pull_count: 1, is_automated: true, ...r })),
      },
    };
  };
}

describe('parseSearchTerm', () => {
  it.each([
    ['centos', 'docker.io', 'index.docker.io', 'centos'],
    ['library/centos', 'docker.io', 'index.docker.io', 'centos'],
    ['user/app', 'docker.io', 'index.docker.io', 'user/app'],
    ['docker.io/nginx', 'docker.io', 'index.docker.io', 'nginx'],
    ['index.docker.io/library/nginx', 'docker.io', 'index.docker.io', 'nginx'],
    ['localhost:5000/app', 'localhost:5000', 'localhost:5000', 'app'],
    ['localhost/app', 'localhost', 'localhost', 'app'],
    ['127.0.0.1:5000/', '127.0.0.1:5000', '127.0.0.1:5000', ''],
    ['[::1]:5000/ns/app', '[::1]:5000', '[::1]:5000', 'ns/app'],
    ['quay.io/coreos', 'quay.io', 'quay.io', 'coreos'],
  ])('%s', (input, registry, host, term) => {
    expect(parseSearchTerm(input)).toMatchObject({ registry, host, term });
  });
  it.each(['', '   ', 'docker.io/', 'https://registry/x', 'library/'])('%j is a usage error', (t) => {
    expect(() => parseSearchTerm(t)).toThrow(expect.objectContaining({ kind: 'usage' }) as Error);
  });
});

describe('Docker Hub /v1/search', () => {
  it('asks the factory for index.docker.io and sends q and n like docker', async () => {
    const hosts: string[] = [];
    const t = fakeTransport('index.docker.io', hubPages(3));
    const out = await searchImages({ transportFactory: (h) => (hosts.push(h), t), term: 'library/centos', limit: 10 });
    expect(hosts).toEqual(['index.docker.io']);
    expect(t.requests.map((r) => r.url)).toEqual(['/v1/search?q=centos&n=10']);
    expect(t.requests[0]!.scopes).toEqual(['registry:catalog:search']);
    expect(out.results).toHaveLength(3);
    expect(out.source).toBe('v1-search');
    expect(out.results[0]).toEqual({
      name: 'user/img0',
      description: 'd',
      starCount: 0,
      pullCount: 1,
      isOfficial: true,
      isAutomated: false,
    });
  });

  it('pages until the limit is met after filtering', async () => {
    const t = fakeTransport('index.docker.io', hubPages(1000));
    const out = await searchImages({ transport: t, term: 'x y', limit: 30, filters: { minStars: 6 } });
    // one row in 7 has 6 stars: 30 rows need 210 raw rows = 7 pages of 30
    expect(out.results).toHaveLength(30);
    expect(out.results.every((r) => r.starCount >= 6)).toBe(true);
    expect(t.requests.map((r) => r.url)).toEqual([
      '/v1/search?q=x+y&n=30',
      ...[2, 3, 4, 5, 6, 7].map((p) => `/v1/search?q=x+y&n=30&page=${p}`),
    ]);
  });

  it('uses n=100 past 100 and stops at the last page', async () => {
    const t = fakeTransport('index.docker.io', hubPages(250));
    const out = await searchImages({ transport: t, term: 'a', limit: 1000 });
    expect(out.results).toHaveLength(250);
    expect(t.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('n'))).toEqual(['100', '100', '100']);
  });

  it('stops on an empty page when num_pages is missing, and on a server that ignores page', async () => {
    const t = fakeTransport('index.docker.io', (url) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      return { body: { results: page <= 2 ? Array.from({ length: 5 }, (_, i) => ({ name: `p${page}/r${i}` })) : [] } };
    });
    expect((await searchImages({ transport: t, term: 'a', limit: 5, filters: { isOfficial: true } })).results).toEqual([]);
    expect(t.requests).toHaveLength(3);
    const same = fakeTransport('index.docker.io', () => ({ body: { results: [{ name: 'a' }, { name: 'b' }] } }));
    const out = await searchImages({ transport: same, term: 'a', limit: 2, filters: { isOfficial: true } });
    expect(out.results).toEqual([]);
    expect(same.requests).toHaveLength(2);
  });

  it('stops when a page is shorter than n and num_pages is missing', async () => {
    const t = fakeTransport('index.docker.io', () => ({ body: { results: [{ name: 'a' }] } }));
    expect((await searchImages({ transport: t, term: 'a', limit: 50 })).results).toHaveLength(1);
    expect(t.requests).toHaveLength(1);
  });

  it('caps the number of pages with a warning', async () => {
    const t = fakeTransport('index.docker.io', hubPages(100000));
    const warnings: string[] = [];
    const out = await searchImages({
      transport: t,
      term: 'a',
      limit: 5,
      filters: { minStars: 1000 },
      maxPages: 4,
      onWarning: (w) => warnings.push(w),
    });
    expect(t.requests).toHaveLength(4);
    expect(out.capped).toBe(true);
    expect(out.warnings).toEqual(warnings);
    expect(warnings[0]).toMatch(/stopped after 4 pages/);
  });

  it('is-automated=true yields nothing without a request, as docker', async () => {
    const t = fakeTransport('index.docker.io', hubPages(3));
    const { filters, warnings } = parseSearchFilters(['is-automated=true']);
    expect(warnings).toEqual([IS_AUTOMATED_WARNING]);
    expect((await searchImages({ transport: t, term: 'a', filters })).results).toEqual([]);
    expect(t.requests).toHaveLength(0);
  });

  it('a Hub 404 is an error, not a catalog fallback', async () => {
    const t = fakeTransport('index.docker.io', () => ({ status: 404, body: 'nope' }));
    await expect(searchImages({ transport: t, term: 'a' })).rejects.toMatchObject({ kind: 'notfound' });
    expect(t.requests).toHaveLength(1);
  });

  it.each([
    ['not json', 'INVALID_SEARCH_RESPONSE'],
    [[], 'INVALID_SEARCH_RESPONSE'],
    [{ results: {} }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [null] }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [{ description: 'x' }] }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [{ name: 'a', star_count: '5' }] }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [{ name: 'a', is_official: 'yes' }] }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [{ name: 'a', description: 5 }] }, 'INVALID_SEARCH_RESPONSE'],
    [{ results: [], num_pages: -1 }, 'INVALID_SEARCH_RESPONSE'],
  ])('garbage %j is a typed error', async (body, code) => {
    const t = fakeTransport('index.docker.io', () => ({ body }));
    const err = await searchImages({ transport: t, term: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).code).toBe(code);
  });

  it('tolerates missing counts and null results', () => {
    expect(parseV1SearchResponse({ results: null }, 'r').results).toEqual([]);
    expect(parseV1SearchResponse({ results: [{ name: 'a', description: null }] }, 'r').results[0]).toEqual({
      name: 'a',
      description: '',
      starCount: 0,
      pullCount: 0,
      isOfficial: false,
      isAutomated: false,
    });
  });

  it('searchPages yields filtered pages with totals', async () => {
    const t = fakeTransport('index.docker.io', hubPages(60));
    const pages = [];
    for await (const p of searchPages({ transport: t, term: 'a', limit: 25, filters: { isOfficial: true } })) pages.push(p);
    expect(pages.map((p) => [p.page, p.fetched, p.results.length, p.totalPages, p.totalResults])).toEqual([
      [1, 25, 3, 3, 60],
      [2, 25, 2, 3, 60],
      [3, 10, 1, 3, 60],
    ]);
  });

  it('an aborted signal gives an interrupted error', async () => {
    const ac = new AbortController();
    ac.abort();
    const t = fakeTransport('index.docker.io', hubPages(3));
    await expect(searchImages({ transport: t, term: 'a', signal: ac.signal })).rejects.toMatchObject({ kind: 'interrupted' });
  });
});

describe('other registries', () => {
  const catalog =
    (repos: string[], size = 100) =>
    (url: URL) => {
      if (url.pathname === '/v1/search') return { status: 404, body: '404 page not found', headers: { 'content-type': 'text/plain' } };
      const n = Number(url.searchParams.get('n') ?? size);
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : repos.indexOf(last) + 1;
      const page = repos.slice(start, start + n);
      const headers: Record<string, string> = {};
      if (start + n < repos.length) headers.link = `</v2/_catalog?last=${encodeURIComponent(page[page.length - 1]!)}&n=${n}>; rel="next"`;
      return { body: { repositories: page }, headers };
    };

  it('uses /v1/search when the registry answers it, names as sent (as docker)', async () => {
    const t = fakeTransport('reg.example:5000', () => ({ body: { results: [{ name: 'team/app', star_count: 2 }] } }));
    const out = await searchImages({ transport: t, term: 'reg.example:5000/app' });
    expect(out.results.map((r) => r.name)).toEqual(['team/app']);
    expect(t.requests[0]!.url).toBe('/v1/search?q=app&n=25');
  });

  it('falls back to the catalog, following relative Link headers, substring match', async () => {
    const repos = Array.from({ length: 250 }, (_, i) => `ns${i % 3}/repo${String(i).padStart(3, '0')}`).sort();
    const t = fakeTransport('localhost:5000', catalog(repos));
    const out = await searchImages({ transportFactory: () => t, term: 'localhost:5000/NS1/', limit: 1000 });
    expect(out.source).toBe('catalog');
    expect(out.results).toHaveLength(repos.filter((r) => r.startsWith('ns1/')).length);
    expect(out.results[0]).toEqual({
      name: 'localhost:5000/ns1/repo001',
      description: '',
      starCount: 0,
      pullCount: 0,
      isOfficial: false,
      isAutomated: false,
    });
    expect(t.requests.map((r) => r.url)).toEqual([
      '/v1/search?q=NS1%2F&n=100',
      '/v2/_catalog?n=100',
      `/v2/_catalog?last=${encodeURIComponent(repos[99]!)}&n=100`,
      `/v2/_catalog?last=${encodeURIComponent(repos[199]!)}&n=100`,
    ]);
    expect(t.requests[1]!.scopes).toEqual(['registry:catalog:*']);
  });

  it('stops listing once the limit matched', async () => {
    const repos = Array.from({ length: 500 }, (_, i) => `r${i}`);
    const t = fakeTransport('localhost:5000', catalog(repos));
    const out = await searchImages({ transport: t, term: 'localhost:5000/r', limit: 3 });
    expect(out.results.map((r) => r.name)).toEqual(['localhost:5000/r0', 'localhost:5000/r1', 'localhost:5000/r2']);
    expect(t.requests).toHaveLength(2);
  });

  it('falls back when /v1/search answers a web page', async () => {
    const t = fakeTransport('ui.example', (url) =>
      url.pathname === '/v1/search'
        ? { body: '<html>portal</html>', headers: { 'content-type': 'text/html' } }
        : { body: { repositories: ['a/b'] } },
    );
    expect((await searchImages({ transport: t, term: 'ui.example/b' })).results.map((r) => r.name)).toEqual(['ui.example/a/b']);
  });

  it('neither endpoint: SEARCH_UNSUPPORTED (notfound)', async () => {
    const t = fakeTransport('bare.example', () => ({ status: 404, body: '' }));
    const err = await searchImages({ transport: t, term: 'bare.example/x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'notfound', code: 'SEARCH_UNSUPPORTED' });
    expect((err as Error).message).toContain('bare.example does not support search');
  });

  it('refuses a next link to another origin and a looping link, with warnings', async () => {
    const cross = fakeTransport('a.example', (url) =>
      url.pathname === '/v1/search'
        ? { status: 405 }
        : { body: { repositories: ['x'] }, headers: { link: '<https://evil.example/v2/_catalog?n=1>; rel="next"' } },
    );
    const out = await searchImages({ transport: cross, term: 'a.example/x' });
    expect(out.results).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/another origin/);
    const loop = fakeTransport('a.example', (url) =>
      url.pathname === '/v1/search'
        ? { status: 405 }
        : { body: { repositories: ['x'] }, headers: { link: '</v2/_catalog?n=100>; rel="next"' } },
    );
    const out2 = await searchImages({ transport: loop, term: 'a.example/x', limit: 10 });
    expect(out2.results).toHaveLength(1);
    expect(out2.warnings[0]).toMatch(/repeats/);
  });

  it('a catalog auth failure passes through as an auth error', async () => {
    const t = fakeTransport('tok.example', (url) => (url.pathname === '/v1/search' ? { status: 404 } : { status: 401 }));
    await expect(searchImages({ transport: t, term: 'tok.example/x' })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('garbage catalog is a typed error', async () => {
    const t = fakeTransport('g.example', (url) => (url.pathname === '/v1/search' ? { status: 404 } : { body: { repositories: [1, 2] } }));
    await expect(searchImages({ transport: t, term: 'g.example/x' })).rejects.toMatchObject({ code: 'INVALID_CATALOG_RESPONSE' });
  });
});

describe('parseNextLink', () => {
  it.each([
    ['</v2/_catalog?last=a&n=1>; rel="next"', '/v2/_catalog?last=a&n=1'],
    ['<https://r/v2/_catalog?n=1>;rel=next', 'https://r/v2/_catalog?n=1'],
    ['<a>; rel="prev", <b>; rel="next"', 'b'],
    ['<b>; title="x, y"; rel="prev next"', 'b'],
    ['<a>; rel="prev"', undefined],
    ['', undefined],
  ])('%s', (h, want) => expect(parseNextLink(h)).toBe(want));
});

describe('page caps', () => {
  it('caps catalog listing with a warning and capped=true', async () => {
    let i = 0;
    const t = fakeTransport('c.example', (url) =>
      url.pathname === '/v1/search'
        ? { status: 404 }
        : { body: { repositories: [`r${i}`] }, headers: { link: `</v2/_catalog?last=r${i++}&n=100>; rel="next"` } },
    );
    const out = await searchImages({ transport: t, term: 'c.example/zzz', maxPages: 3 });
    expect(out.capped).toBe(true);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/after 3 pages/);
    expect(t.requests.filter((r) => r.url.startsWith('/v2/_catalog'))).toHaveLength(3);
  });
});
