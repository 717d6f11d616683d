import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../harness/index.mjs';
import { createTransport } from '../../../src/auth/index.js';
import type { Credential } from '../../../src/credentials/types.js';
import type { RegistryRequest, RegistryTransport } from '../../../src/http/types.js';
import { formatSearchResults, searchImages } from '../../../src/search/index.js';
import { seedRepos } from './seed-repos.js';

/** 250 repositories: 25 of them contain "needle". */
const REPOS = Array.from({ length: 250 }, (_, i) =>
  i % 10 === 0 ? `special/needle-${String(i).padStart(3, '0')}` : `team${i % 4}/service-${String(i).padStart(3, '0')}`,
);

let open: Registry;
let token: Registry;
const opened: RegistryTransport[] = [];

/** createTransport, with the request URLs recorded. */
function recorded(reg: Registry, credential?: Credential): RegistryTransport & { urls: string[]; reqs: RegistryRequest[] } {
  const t = createTransport({
    registry: reg.host,
    retry: { maxAttempts: 1 },
    ...(credential ? { credentials: async (r: string) => (r === reg.host ? credential : undefined) } : {}),
  });
  opened.push(t);
  const urls: string[] = [];
  const reqs: RegistryRequest[] = [];
  return {
    registry: t.registry,
    urls,
    reqs,
    baseUrl: () => t.baseUrl(),
    close: () => t.close(),
    request: (req) => {
      urls.push(req.url);
      reqs.push(req);
      return t.request(req);
    },
  };
}

beforeAll(async () => {
  [open, token] = await Promise.all([startRegistry({ mode: 'open' }), startRegistry({ mode: 'token' })]);
  await Promise.all([seedRepos(open, REPOS), seedRepos(token, REPOS)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await Promise.all([open?.stop(), token?.stop()]);
});

const needles = REPOS.filter((r) => r.includes('needle')).sort();

describe('catalog search on the distribution registry (250 repositories)', () => {
  it('open: falls back from /v1/search to /v2/_catalog and follows its relative Link pages', async () => {
    const t = recorded(open);
    const out = await searchImages({ transport: t, term: `${open.host}/needle`, limit: 1000 });
    expect(out.source).toBe('catalog');
    expect(out.results.map((r) => r.name)).toEqual(needles.map((n) => `${open.host}/${n}`));
    expect(out.results[0]).toMatchObject({ description: '', starCount: 0, isOfficial: false });
    expect(t.urls[0]).toBe('/v1/search?q=needle&n=100');
    expect(t.urls.slice(1)).toEqual([
      '/v2/_catalog?n=100',
      expect.stringMatching(/^\/v2\/_catalog\?last=.+&n=100$/),
      expect.stringMatching(/^\/v2\/_catalog\?last=.+&n=100$/),
    ]);
    expect(t.reqs.slice(1).every((r) => r.scopes.join() === 'registry:catalog:*')).toBe(true);
  });

  it('open: an empty term after the registry lists the whole catalog', async () => {
    const out = await searchImages({ transport: recorded(open), term: `${open.host}/`, limit: 1000 });
    expect(out.results).toHaveLength(250);
  });

  it('open: stops listing once --limit rows matched', async () => {
    const t = recorded(open);
    const out = await searchImages({ transport: t, term: `${open.host}/service`, limit: 5 });
    expect(out.results).toHaveLength(5);
    expect(t.urls.filter((u) => u.startsWith('/v2/_catalog'))).toHaveLength(1);
  });

  it('open: renders the table with empty descriptions', async () => {
    const out = await searchImages({ transport: recorded(open), term: `${open.host}/needle-00`, limit: 100 });
    expect(formatSearchResults(out.results).map((l) => l.trimEnd())).toEqual([
      `NAME${' '.repeat(open.host.length + '/special/needle-000'.length + 3 - 4)}DESCRIPTION   STARS     OFFICIAL`,
      `${open.host}/special/needle-000   ${' '.repeat(14)}0`,
    ]);
  });

  it('open: filters apply to catalog results (none is official)', async () => {
    const out = await searchImages({ transport: recorded(open), term: `${open.host}/needle`, limit: 10, filters: { isOfficial: true } });
    expect(out.results).toEqual([]);
  });

  it('token: with credentials the registry:catalog:* token lists the catalog', async () => {
    const t = recorded(token, { username: 'alice', password: token.users.alice! });
    token.tokenServer!.clearLog();
    const out = await searchImages({ transport: t, term: `${token.host}/needle`, limit: 1000 });
    expect(out.results.map((r) => r.name)).toEqual(needles.map((n) => `${token.host}/${n}`));
    const scopes = token.tokenServer!.log.flatMap((e) => e.scopes);
    expect(scopes).toContain('registry:catalog:*');
    expect(token.tokenServer!.log.some((e) => e.user === 'alice' && e.scopes.includes('registry:catalog:*'))).toBe(true);
  });

  it('token: without credentials the catalog is refused with an auth error', async () => {
    const err = await searchImages({ transport: recorded(token), term: `${token.host}/needle` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
  });

  it('token: wrong credentials are an auth error', async () => {
    const err = await searchImages({
      transport: recorded(token, { username: 'alice', password: 'wrong' }),
      term: `${token.host}/needle`,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
  });
});
