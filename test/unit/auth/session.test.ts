import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/auth/session.js';
import { HubctlError } from '../../../src/errors.js';
import type { Credential } from '../../../src/credentials/types.js';
import { HUB_CHALLENGE, mockRegistry, type Reply, type SeenRequest } from './mock-registry.js';

const REG = 'https://registry.example.com';
const AUTH = 'https://auth.example.com';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const agents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function setup(handler: (r: SeenRequest) => Reply, credential?: Credential, extra: Record<string, unknown> = {}) {
  const m = mockRegistry([REG, AUTH, 'https://storage.example.net'], handler);
  agents.push(m.agent);
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const transport = createTransport({
    registry: 'registry.example.com',
    dispatcher: m.agent,
    credentials: async () => credential,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { ...m, transport, sleeps, advance: (ms: number) => (clock += ms) };
}

/** A bearer registry: /v2/ challenges, token server hands out tokens naming their scopes. */
function bearerRegistry(
  opts: { tokenField?: 'token' | 'access_token'; expiresIn?: number; onToken?: (r: SeenRequest) => Reply | undefined } = {},
) {
  let n = 0;
  return (r: SeenRequest): Reply => {
    if (r.origin === AUTH) {
      const custom = opts.onToken?.(r);
      if (custom) return custom;
      n++;
      const scopes =
        r.method === 'POST' ? (new URLSearchParams(r.body).get('scope')?.split(' ') ?? []) : r.url.searchParams.getAll('scope');
      const tok = `tok${n}|${scopes.join(' ')}`;
      const body: Record<string, unknown> = { [opts.tokenField ?? 'token']: tok };
      if (opts.expiresIn !== undefined) body.expires_in = opts.expiresIn;
      return { status: 200, body };
    }
    const auth = r.headers.authorization;
    if (r.path === '/v2/')
      return auth?.startsWith('Bearer ') ? { status: 200 } : { status: 401, headers: { 'www-authenticate': HUB_CHALLENGE } };
    if (!auth?.startsWith('Bearer ')) return { status: 401, headers: { 'www-authenticate': HUB_CHALLENGE } };
    return { status: 200, body: { ok: true, auth } };
  };
}

describe('bearer flow', () => {
  it('GETs a token with one scope= per scope, Basic credentials and account', async () => {
    const { transport, seen } = setup(bearerRegistry(), { username: 'alice', password: 's3cret' });
    const res = await transport.request({
      method: 'GET',
      url: '/v2/a/b/manifests/latest',
      scopes: ['repository:a/b:pull', 'repository:c/d:pull'],
    });
    expect(res.status).toBe(200);
    const tokenReq = seen.find((r) => r.origin === AUTH)!;
    expect(tokenReq.method).toBe('GET');
    expect(tokenReq.url.pathname).toBe('/token');
    expect(tokenReq.url.searchParams.get('service')).toBe('registry.example.com');
    expect(tokenReq.url.searchParams.getAll('scope')).toEqual(['repository:a/b:pull', 'repository:c/d:pull']);
    expect(tokenReq.url.searchParams.get('account')).toBe('alice');
    expect(tokenReq.headers.authorization).toBe(basic('alice', 's3cret'));
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer tok1|repository:a/b:pull repository:c/d:pull');
    expect(await transport.baseUrl()).toBe(REG);
    await transport.close();
  });

  it('fetches anonymously without credentials', async () => {
    const { transport, seen } = setup(bearerRegistry());
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    const tokenReq = seen.find((r) => r.origin === AUTH)!;
    expect(tokenReq.headers.authorization).toBeUndefined();
    expect(tokenReq.url.searchParams.has('account')).toBe(false);
  });

  it('uses the POST refresh flow with an identity token', async () => {
    const { transport, seen } = setup(bearerRegistry({ tokenField: 'access_token' }), { identityToken: 'refresh-abc' });
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull', 'repository:y:pull'] });
    const post = seen.find((r) => r.origin === AUTH)!;
    expect(post.method).toBe('POST');
    expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(post.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('refresh-abc');
    expect(form.get('service')).toBe('registry.example.com');
    expect(form.get('client_id')).toBe('hubctl');
    expect(form.get('scope')).toBe('repository:x:pull repository:y:pull');
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer tok1|repository:x:pull repository:y:pull');
  });

  it('falls back to GET when the token server has no POST endpoint', async () => {
    const { transport, seen } = setup(bearerRegistry({ onToken: (r) => (r.method === 'POST' ? { status: 404 } : undefined) }), {
      identityToken: 'refresh-abc',
    });
    const res = await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    expect(res.status).toBe(200);
    const tokenReqs = seen.filter((r) => r.origin === AUTH);
    expect(tokenReqs.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(tokenReqs[1]!.url.searchParams.getAll('scope')).toEqual(['repository:x:pull']);
  });

  it('accepts token or access_token and clamps expires_in to 60 s', async () => {
    const { transport, seen, advance } = setup(bearerRegistry({ tokenField: 'access_token', expiresIn: 5 }));
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    advance(45_000); // 15 s left of the clamped 60 s: still cached
    await transport.request({ method: 'GET', url: '/v2/x/manifests/2', scopes: ['repository:x:pull'] });
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(1);
    advance(6_000); // 9 s left: refreshed proactively
    await transport.request({ method: 'GET', url: '/v2/x/manifests/3', scopes: ['repository:x:pull'] });
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(2);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer tok2|repository:x:pull');
  });

  it('reuses a superset token for a subset', async () => {
    const { transport, seen } = setup(bearerRegistry());
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull,push', 'repository:y:pull'] });
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(1);
  });

  it('makes one token fetch for 10 parallel requests', async () => {
    const { transport, seen } = setup(bearerRegistry());
    const res = await Promise.all(
      Array.from({ length: 10 }, (_, i) => transport.request({ method: 'GET', url: `/v2/x/blobs/${i}`, scopes: ['repository:x:pull'] })),
    );
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(1);
    expect(seen.filter((r) => r.path === '/v2/')).toHaveLength(1);
  });

  it('refetches once with merged scopes on insufficient_scope, push scope first', async () => {
    const handler = bearerRegistry();
    const { transport, seen } = setup((r) => {
      if (r.origin === REG && r.method === 'POST' && !(r.headers.authorization ?? '').includes('repository:dst:pull,push')) {
        return {
          status: 401,
          headers: {
            'www-authenticate': `${HUB_CHALLENGE},scope="repository:dst:pull,push repository:src:pull",error="insufficient_scope"`,
          },
        };
      }
      return handler(r);
    });
    const res = await transport.request({
      method: 'POST',
      url: '/v2/dst/blobs/uploads/?mount=sha256:1&from=src',
      scopes: ['repository:src:pull'],
      acceptStatus: [],
    });
    expect(res.status).toBe(200);
    const tokenReqs = seen.filter((r) => r.origin === AUTH);
    expect(tokenReqs).toHaveLength(2);
    expect(tokenReqs[1]!.url.searchParams.getAll('scope')).toEqual(['repository:dst:pull,push', 'repository:src:pull']);
  });

  it('fails with an auth error after a second 401', async () => {
    const { transport, seen } = setup((r) => {
      if (r.origin === AUTH) return { status: 200, body: { token: 'useless' } };
      return {
        status: 401,
        headers: { 'www-authenticate': HUB_CHALLENGE },
        body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
      };
    });
    const err = await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] }).catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe('auth');
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.hint).toContain('hubctl login registry.example.com');
    expect(err.message).not.toContain('useless');
    expect(seen.filter((r) => r.origin === REG && r.path !== '/v2/')).toHaveLength(2);
  });

  it('sends a registryToken as it is', async () => {
    const { transport, seen } = setup(bearerRegistry(), { registryToken: 'given-token' });
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(0);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer given-token');
  });

  it('refuses a link-local realm', async () => {
    const { transport, seen } = setup((r) =>
      r.origin === REG
        ? { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://169.254.169.254/latest",service="x"' } }
        : { status: 500 },
    );
    const err = await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] }).catch((e) => e);
    expect(err.code).toBe('INVALID_REALM');
    expect(seen.every((r) => r.origin === REG)).toBe(true);
  });

  it('refuses a plain-http realm for a remote registry', async () => {
    const { transport } = setup((r) =>
      r.origin === REG ? { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token"' } } : { status: 500 },
    );
    const err = await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] }).catch((e) => e);
    expect(err.code).toBe('INVALID_REALM');
  });
});

describe('basic flow', () => {
  const basicRegistry = (r: SeenRequest): Reply =>
    r.headers.authorization === basic('bob', 'pw')
      ? { status: 200, body: {} }
      : { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm"' } };

  it('sends Basic when challenged and credentials exist', async () => {
    const { transport, seen } = setup(basicRegistry, { username: 'bob', password: 'pw' });
    const res = await transport.request({ method: 'GET', url: '/v2/x/tags/list', scopes: ['repository:x:pull'] });
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.headers.authorization).toBe(basic('bob', 'pw'));
    expect(seen).toHaveLength(2);
  });

  it('maps 401 without credentials to an auth error with a login hint', async () => {
    const { transport } = setup(basicRegistry);
    const err = await transport.request({ method: 'GET', url: '/v2/x/tags/list', scopes: [] }).catch((e) => e);
    expect(err.kind).toBe('auth');
    expect(err.hint).toContain('hubctl login');
  });

  it('sends no auth to an open registry', async () => {
    const { transport, seen } = setup(() => ({ status: 200 }), { username: 'bob', password: 'pw' });
    await transport.request({ method: 'GET', url: '/v2/x/tags/list', scopes: [] });
    expect(seen.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('parallel re-authentication', () => {
  it('10 parallel pushes hitting insufficient_scope cause one extra token fetch', async () => {
    const handler = bearerRegistry();
    const { transport, seen } = setup((r) => {
      if (r.origin === REG && r.method === 'PUT' && !(r.headers.authorization ?? '').includes('pull,push')) {
        return {
          status: 401,
          headers: { 'www-authenticate': `${HUB_CHALLENGE},scope="repository:x:pull,push",error="insufficient_scope"` },
        };
      }
      return handler(r);
    });
    await transport.request({ method: 'GET', url: '/v2/x/manifests/1', scopes: ['repository:x:pull'] });
    const res = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        transport.request({ method: 'PUT', url: `/v2/x/manifests/t${i}`, scopes: ['repository:x:pull'], body: '{}' }),
      ),
    );
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(seen.filter((r) => r.origin === AUTH)).toHaveLength(2);
  });
});

describe('token lifetime', () => {
  it('uses issued_at, but not when it is in the future or already expired', async () => {
    const { fetchToken } = await import('../../../src/auth/token.js');
    const { HttpClient } = await import('../../../src/http/client.js');
    let body: object = {};
    const m = mockRegistry([AUTH], () => ({ status: 200, body }));
    agents.push(m.agent);
    const client = new HttpClient({ dispatcher: m.agent, registry: 'r', insecure: false });
    const now = Date.parse('2026-01-01T00:10:00Z');
    const req = { realm: new URL(`${AUTH}/token`), scopes: [], registry: 'r' };
    body = { token: 't', expires_in: 300, issued_at: '2026-01-01T00:08:00Z' };
    expect((await fetchToken(client, req, () => now)).expiresAt).toBe(Date.parse('2026-01-01T00:13:00Z'));
    body = { token: 't', expires_in: 300, issued_at: '2026-01-01T01:00:00Z' };
    expect((await fetchToken(client, req, () => now)).expiresAt).toBe(now + 300_000);
    body = { token: 't', expires_in: 300, issued_at: '2025-12-31T00:00:00Z' };
    expect((await fetchToken(client, req, () => now)).expiresAt).toBe(now + 300_000);
    body = { token: 'a', access_token: 'b' };
    const t = await fetchToken(client, req, () => now);
    expect(t.token).toBe('b');
    expect(t.expiresAt).toBe(now + 60_000);
    body = { nothing: true };
    await expect(fetchToken(client, req, () => now)).rejects.toMatchObject({ kind: 'auth', code: 'INVALID_TOKEN_RESPONSE' });
  });
});
