import { afterEach, describe, expect, it } from 'vitest';
import { verifyCredentials } from '../../../src/auth/login.js';
import { HUB_CHALLENGE, mockRegistry, type Reply, type SeenRequest } from './mock-registry.js';

const REG = 'https://registry.example.com';
const AUTH = 'https://auth.example.com';
const agents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function run(handler: (r: SeenRequest) => Reply, password = 'pw') {
  const m = mockRegistry([REG, AUTH], handler);
  agents.push(m.agent);
  const result = verifyCredentials({ registry: 'registry.example.com', dispatcher: m.agent }, { username: 'alice', password });
  return { result, seen: m.seen };
}

const bearer =
  (tokenBody: object) =>
  (r: SeenRequest): Reply => {
    if (r.origin === REG) return { status: 401, headers: { 'www-authenticate': HUB_CHALLENGE } };
    const ok = r.headers.authorization === `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    return ok ? { status: 200, body: tokenBody } : { status: 401, body: { details: 'incorrect username or password' } };
  };

describe('verifyCredentials', () => {
  it('asks a bearer token server for an offline token without scope and returns the refresh token', async () => {
    const { result, seen } = run(bearer({ token: 't', refresh_token: 'refresh-1' }));
    expect(await result).toEqual({ identityToken: 'refresh-1' });
    const tokenReq = seen.find((r) => r.origin === AUTH)!;
    expect(tokenReq.method).toBe('GET');
    const q = tokenReq.url.searchParams;
    expect(q.get('service')).toBe('registry.example.com');
    expect(q.get('account')).toBe('alice');
    expect(q.get('offline_token')).toBe('true');
    expect(q.get('client_id')).toBe('hubctl');
    expect(q.has('scope')).toBe(false);
  });

  it('returns no identity token when the server gives none', async () => {
    expect(await run(bearer({ access_token: 't' })).result).toEqual({});
  });

  it('reports wrong credentials as UNAUTHORIZED', async () => {
    const err = await run(bearer({ token: 't' }), 'wrong').result.catch((e) => e);
    expect(err.kind).toBe('auth');
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toBe('login to registry.example.com failed: incorrect username or password');
    expect(err.message).not.toContain('wrong');
  });

  it('succeeds when the registry needs no auth', async () => {
    const { result, seen } = run(() => ({ status: 200 }));
    expect(await result).toEqual({});
    expect(seen).toHaveLength(1);
  });

  it('checks Basic registries with GET /v2/', async () => {
    const good = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    const handler = (r: SeenRequest): Reply =>
      r.headers.authorization === good ? { status: 200 } : { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } };
    expect(await run(handler).result).toEqual({});
    const err = await run(handler, 'bad').result.catch((e) => e);
    expect(err.code).toBe('UNAUTHORIZED');
  });
});
