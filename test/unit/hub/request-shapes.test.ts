import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { HubClient, parseHubBaseUrl } from '../../../src/hub/index.js';
import { VERSION } from '../../../src/version.js';
import { mockRegistry, type Reply, type SeenRequest } from '../auth/mock-registry.js';

const HUB = 'https://hub.docker.com';
const jwtFor = (sub: string) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, exp: 4102444800 })).toString('base64url')}.c2lnbmF0dXJl`;
const JWT = jwtFor('alice');

/** A HubClient over a MockAgent that answers the token exchange and then `handler`. */
function mocked(handler: (req: SeenRequest) => Reply, origins: string[] = [HUB]) {
  const { agent, seen } = mockRegistry(origins, (req) => {
    if (req.path === '/v2/auth/token') return { status: 200, body: { access_token: JWT } };
    return handler(req);
  });
  const lines: string[] = [];
  const hub = new HubClient({
    dispatcher: agent,
    credential: async () => ({ identifier: 'alice', secret: 'pw-secret' }),
    debug: (l) => lines.push(l),
    sleep: async () => undefined,
  });
  return { hub, seen, lines, agent };
}

const repoInfo = { name: 'app', namespace: 'alice', is_private: false };

describe('request shapes (MockAgent)', () => {
  it('exchanges the credential, then sends Bearer, JSON headers and the user agent', async () => {
    const { hub, seen } = mocked(() => ({ status: 200, body: repoInfo }));
    await hub.getRepository('alice', 'app');
    const [auth, get] = seen;
    expect(auth).toMatchObject({ method: 'POST', path: '/v2/auth/token' });
    expect(JSON.parse(auth?.body ?? '')).toEqual({ identifier: 'alice', secret: 'pw-secret' });
    expect(auth?.headers['content-type']).toBe('application/json');
    expect(auth?.headers.authorization).toBeUndefined();
    expect(get).toMatchObject({ method: 'GET', path: '/v2/namespaces/alice/repositories/app' });
    expect(get?.headers.authorization).toBe(`Bearer ${JWT}`);
    expect(get?.headers.accept).toBe('application/json');
    expect(get?.headers['user-agent']).toBe(`hubctl/${VERSION}`);
    await hub.close();
  });

  it('sends the undocumented writes exactly as the cited clients do', async () => {
    const { hub, seen } = mocked((req) => ({
      status: req.method === 'DELETE' ? 202 : 200,
      body: req.method === 'DELETE' ? undefined : repoInfo,
    }));
    await hub.updateRepository('alice', 'app', { description: 'short', fullDescription: '# README' });
    await hub.setRepositoryPrivacy('alice', 'app', true);
    await hub.deleteTag('alice', 'app', 'v1.0');
    await hub.deleteRepository('alice', 'app');
    const sent = seen.slice(1).map((r) => [r.method, r.path, r.body === undefined || r.body === '' ? undefined : JSON.parse(r.body)]);
    expect(sent).toEqual([
      ['PATCH', '/v2/repositories/alice/app/', { description: 'short', full_description: '# README' }],
      ['POST', '/v2/repositories/alice/app/privacy', { is_private: true }],
      ['DELETE', '/v2/repositories/alice/app/tags/v1.0/', undefined],
      ['DELETE', '/v2/repositories/alice/app/', undefined],
    ]);
    await hub.close();
  });

  it('follows next links on the API origin only: an http:// link stays https, another host is not contacted', async () => {
    let n = 0;
    const { hub, seen } = mocked(() => {
      n++;
      const next =
        n === 1
          ? 'http://hub.docker.com/v2/namespaces/alice/repositories?page=2'
          : n === 2
            ? 'https://evil.example/v2/namespaces/alice/repositories?page=3'
            : null;
      return { status: 200, body: { count: 3, next, previous: null, results: [{ ...repoInfo, name: `r${n}` }] } };
    });
    const got = await hub.listRepositories('alice').collect();
    expect(got.items.map((r) => r.name)).toEqual(['r1', 'r2', 'r3']);
    expect(seen.slice(1).map((r) => `${r.origin}${r.path}`)).toEqual([
      'https://hub.docker.com/v2/namespaces/alice/repositories?page_size=100',
      'https://hub.docker.com/v2/namespaces/alice/repositories?page=2',
      'https://hub.docker.com/v2/namespaces/alice/repositories?page=3',
    ]);
    await hub.close();
  });

  it('stops a next link that loops, a page without results and an answer that is not JSON', async () => {
    const loop = mocked(() => ({
      status: 200,
      body: { count: 9, next: `${HUB}/v2/namespaces/alice/repositories?page=2`, results: [repoInfo] },
    }));
    await expect(loop.hub.listRepositories('alice').collect()).rejects.toMatchObject({ kind: 'internal', code: 'HUB_PAGING_LOOP' });
    const bad = mocked(() => ({ status: 200, body: { count: 1 } }));
    await expect(bad.hub.listRepositories('alice').collect()).rejects.toMatchObject({ code: 'HUB_INVALID_PAGE' });
    const html = mocked(() => ({ status: 200, body: '<html>portal</html>', headers: { 'content-type': 'text/html' } }));
    await expect(html.hub.getRepository('alice', 'app')).rejects.toMatchObject({ kind: 'internal', code: 'HUB_INVALID_JSON' });
    for (const m of [loop, bad, html]) await m.hub.close();
  });

  it('never sends the bearer token to another origin on a redirect', async () => {
    const { hub, seen } = mocked(
      (req) => (req.origin === HUB ? { status: 302, headers: { location: 'https://cdn.example/x' } } : { status: 200, body: repoInfo }),
      [HUB, 'https://cdn.example'],
    );
    await hub.getRepository('alice', 'app');
    expect(seen.at(-1)?.origin).toBe('https://cdn.example');
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
    await hub.close();
  });

  it('posts to a build trigger URL without Authorization, and masks its token', async () => {
    const { hub, seen, lines } = mocked(() => ({ status: 202 }));
    const url = `${HUB}/api/build/v1/source/1c2d3e4f-aaaa/trigger/9f8e7d6c-bbbb/call/`;
    expect(await hub.triggerBuild(url, { branch: 'main' })).toEqual({ status: 202 });
    expect(seen.map((r) => r.path)).toEqual(['/api/build/v1/source/1c2d3e4f-aaaa/trigger/9f8e7d6c-bbbb/call/']);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ source_type: 'Branch', source_name: 'main' });
    expect(lines.join('\n')).not.toContain('9f8e7d6c-bbbb');
    await hub.close();
  });
});

describe('plain HTTP', () => {
  it('is refused for a Hub URL that is not loopback, unless insecure', () => {
    const err = (() => {
      try {
        return new HubClient({ baseUrl: 'http://hub.example.com' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HubctlError);
    expect(err).toMatchObject({ kind: 'usage', code: 'INSECURE_URL' });
    expect((err as HubctlError).hint).toContain('--insecure');
    expect(parseHubBaseUrl('http://hub.example.com', true).href).toBe('http://hub.example.com/');
    expect(parseHubBaseUrl('http://127.0.0.1:8080', false).href).toBe('http://127.0.0.1:8080/');
    expect(parseHubBaseUrl('http://[::1]:8080/prefix', false).href).toBe('http://[::1]:8080/prefix/');
    expect(parseHubBaseUrl(undefined, false).href).toBe('https://hub.docker.com/');
    expect(() => parseHubBaseUrl('ftp://hub.example.com', false)).toThrow(/unsupported scheme/);
    expect(() => parseHubBaseUrl('https://u:p@hub.example.com', false)).toThrow(/credentials/);
    expect(() => parseHubBaseUrl('not a url', false)).toThrow(/invalid Docker Hub API URL/);
  });

  it('is refused for a build trigger URL that is not loopback', async () => {
    const { hub, seen } = mocked(() => ({ status: 202 }));
    await expect(hub.triggerBuild('http://hub.example.com/api/build/v1/source/a-b/trigger/c-d/call/')).rejects.toMatchObject({
      kind: 'usage',
      code: 'INSECURE_URL',
    });
    expect(seen.length).toBe(0);
    await hub.close();
  });
});

describe("pull rate limit on Docker Hub's registry (MockAgent)", () => {
  it('fetches a pull token for ratelimitpreview/test with the Hub credential and HEADs the manifest', async () => {
    const { agent, seen } = mockRegistry(['https://registry-1.docker.io', 'https://auth.docker.io'], (req): Reply => {
      if (req.origin === 'https://auth.docker.io') return { status: 200, body: { token: 'registry-token-xyz', expires_in: 300 } };
      if (req.path === '/v2/') {
        return { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' } };
      }
      return {
        status: 200,
        headers: { 'ratelimit-limit': '200;w=21600', 'ratelimit-remaining': '199;w=21600', 'docker-ratelimit-source': 'alice-id' },
      };
    });
    const lines: string[] = [];
    const hub = new HubClient({
      dispatcher: agent,
      credential: async () => ({ identifier: 'alice', secret: 'pw-secret' }),
      debug: (l) => lines.push(l),
    });
    expect(await hub.pullRateLimit()).toMatchObject({
      limit: 200,
      remaining: 199,
      windowSeconds: 21600,
      source: 'alice-id',
      authenticated: true,
    });
    const token = seen.find((r) => r.origin === 'https://auth.docker.io');
    expect(token?.url.searchParams.get('scope')).toBe('repository:ratelimitpreview/test:pull');
    expect(token?.url.searchParams.get('service')).toBe('registry.docker.io');
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from('alice:pw-secret').toString('base64')}`);
    const head = seen.at(-1);
    expect(head).toMatchObject({ method: 'HEAD', path: '/v2/ratelimitpreview/test/manifests/latest' });
    expect(head?.headers.authorization).toBe('Bearer registry-token-xyz');
    expect(lines.join('\n')).not.toContain('pw-secret');
    await hub.close();
  });
});
