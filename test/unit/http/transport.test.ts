import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createTransport } from '../../../src/auth/session.js';
import { HubctlError } from '../../../src/errors.js';
import { mockRegistry, type Reply, type SeenRequest } from '../auth/mock-registry.js';

const REG = 'https://registry.example.com';
const STORAGE = 'https://storage.example.net';
const agents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function setup(handler: (r: SeenRequest) => Reply, extra: Record<string, unknown> = {}) {
  const m = mockRegistry([REG, STORAGE, 'http://registry.example.com'], handler);
  agents.push(m.agent);
  const sleeps: number[] = [];
  const lines: string[] = [];
  const transport = createTransport({
    registry: 'registry.example.com',
    dispatcher: m.agent,
    credentials: async () => ({ registryToken: 'secret-token-value' }),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    debug: (l) => lines.push(l),
    ...extra,
  });
  return { ...m, transport, sleeps, lines };
}

/** A bearer-challenging /v2/ so the registry token is sent, then `rest` for everything else. */
const withPing =
  (rest: (r: SeenRequest) => Reply) =>
  (r: SeenRequest): Reply =>
    r.origin === REG && r.path === '/v2/'
      ? { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token"' } }
      : rest(r);

const get = (url: string, more: Record<string, unknown> = {}) => ({ method: 'GET' as const, url, scopes: ['repository:x:pull'], ...more });

describe('redirects', () => {
  it('drops Authorization on a redirect to another origin and reports the final URL', async () => {
    const { transport, seen } = setup(
      withPing((r) =>
        r.origin === REG ? { status: 307, headers: { location: `${STORAGE}/blob?sig=abc` } } : { status: 200, body: 'data' },
      ),
    );
    const res = await transport.request(get('/v2/x/blobs/sha256:1'));
    expect(await res.text(100)).toBe('data');
    expect(res.url).toBe(`${STORAGE}/blob?sig=abc`);
    const [toReg, toStorage] = seen.filter((r) => r.path !== '/v2/');
    expect(toReg!.headers.authorization).toBe('Bearer secret-token-value');
    expect(toStorage!.headers.authorization).toBeUndefined();
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    const { transport, seen } = setup(
      withPing((r) => (r.path.startsWith('/v2/x/a') ? { status: 302, headers: { location: '/v2/x/b' } } : { status: 200 })),
    );
    const res = await transport.request(get('/v2/x/a'));
    expect(res.url).toBe(`${REG}/v2/x/b`);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer secret-token-value');
  });

  it('does not follow when followRedirects is false, nor for PUT', async () => {
    const { transport } = setup(withPing(() => ({ status: 307, headers: { location: `${STORAGE}/b` } })));
    expect((await transport.request(get('/v2/x/a', { followRedirects: false }))).status).toBe(307);
    expect((await transport.request({ method: 'PUT', url: '/v2/x/a', scopes: [], body: 'x' })).status).toBe(307);
  });

  it('stops after 5 redirects', async () => {
    let n = 0;
    const { transport } = setup(withPing(() => ({ status: 302, headers: { location: `/v2/loop/${n++}` } })));
    const err = await transport.request(get('/v2/x/a')).catch((e) => e);
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
  });

  it('refuses a redirect to plain HTTP on a remote host', async () => {
    const { transport } = setup(withPing(() => ({ status: 302, headers: { location: 'http://registry.example.com/v2/x/b' } })));
    const err = await transport.request(get('/v2/x/a')).catch((e) => e);
    expect(err.code).toBe('INSECURE_REDIRECT');
  });
});

describe('retries', () => {
  it('retries 503 with backoff and then succeeds', async () => {
    let n = 0;
    const { transport, sleeps, seen } = setup(withPing(() => (++n < 3 ? { status: 503 } : { status: 200, body: 'ok' })));
    const res = await transport.request(get('/v2/x/a'));
    expect(res.status).toBe(200);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((s) => s >= 0 && s <= 10_000)).toBe(true);
    expect(seen.filter((r) => r.path === '/v2/x/a')).toHaveLength(3);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    let n = 0;
    const { transport, sleeps } = setup(
      withPing(() => {
        n++;
        if (n === 1) return { status: 429, headers: { 'retry-after': '3' } };
        if (n === 2) return { status: 503, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' } };
        return { status: 200 };
      }),
    );
    expect((await transport.request(get('/v2/x/a'))).status).toBe(200);
    expect(sleeps).toEqual([3000, 7000]);
  });

  it('fails when Retry-After is beyond the cap', async () => {
    const { transport, sleeps } = setup(
      withPing(() => ({ status: 429, headers: { 'retry-after': '3600' } })),
      { retry: { maxRetryAfterMs: 60_000 } },
    );
    const err = await transport.request(get('/v2/x/a')).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.code).toBe('TOOMANYREQUESTS');
    expect(err.message).toContain('3600s');
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts and maps the last status', async () => {
    const { transport, sleeps, seen } = setup(
      withPing(() => ({ status: 502, body: 'bad gateway' })),
      { retry: { maxAttempts: 3 } },
    );
    const err = await transport.request(get('/v2/x/a')).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.details.status).toBe(502);
    expect(sleeps).toHaveLength(2);
    expect(seen.filter((r) => r.path === '/v2/x/a')).toHaveLength(3);
  });

  it('does not retry Docker Hub pull limits', async () => {
    const { transport, sleeps } = setup(
      withPing(() => ({
        status: 429,
        headers: { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' },
        body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] },
      })),
    );
    const err = await transport.request(get('/v2/x/manifests/latest')).catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe('network');
    expect(err.code).toBe('TOOMANYREQUESTS');
    expect(err.message).toContain('limit 100');
    expect(err.message).toContain('remaining 0');
    expect(sleeps).toEqual([]);
  });

  it('does not retry POST by default, but does with retry: true (replaying the body factory)', async () => {
    const calls: Record<string, number> = {};
    const { transport } = setup(
      withPing((r) => {
        calls[r.method] = (calls[r.method] ?? 0) + 1;
        return calls[r.method] === 1 ? { status: 503 } : { status: 201 };
      }),
    );
    const err = await transport.request({ method: 'POST', url: '/v2/x/blobs/uploads/', scopes: [], body: 'abc' }).catch((e) => e);
    expect(err.details.status).toBe(503);
    expect(calls.POST).toBe(1);
    let made = 0;
    const body = () => {
      made++;
      return Readable.from([Buffer.from('xyz')]);
    };
    const res = await transport.request({ method: 'PUT', url: '/v2/x/blobs/u', scopes: [], body, retry: true });
    expect(res.status).toBe(201);
    expect(calls.PUT).toBe(2);
    expect(made).toBe(2);
  });

  it('retries connection errors before headers', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agents.push(agent);
    const pool = agent.get(REG);
    pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '');
    pool.intercept({ path: '/v2/x/a', method: 'GET' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/v2/x/a', method: 'GET' }).reply(200, 'fine');
    const sleeps: number[] = [];
    const t = createTransport({ registry: 'registry.example.com', dispatcher: agent, sleep: async (ms) => void sleeps.push(ms) });
    const res = await t.request(get('/v2/x/a'));
    expect(await res.text(100)).toBe('fine');
    expect(sleeps).toHaveLength(1);
  });

  it('maps a connection failure to a network error naming the host', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agents.push(agent);
    agent
      .get(REG)
      .intercept({ path: '/v2/', method: 'GET' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .times(5);
    const t = createTransport({ registry: 'registry.example.com', dispatcher: agent, sleep: async () => undefined });
    const err = await t.request(get('/v2/x/a')).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.message).toBe('cannot connect to registry.example.com: connection refused');
    expect(err.hint).toBeTruthy();
  });
});

describe('error mapping', () => {
  const cases: [Reply, string, string][] = [
    [{ status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] } }, 'notfound', 'MANIFEST_UNKNOWN'],
    [
      { status: 404, body: { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] } },
      'notfound',
      'NAME_UNKNOWN',
    ],
    [{ status: 404, body: '404 page not found\n' }, 'notfound', 'NOT_FOUND'],
    [{ status: 403, body: { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] } }, 'auth', 'DENIED'],
    [
      { status: 400, body: { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] } },
      'integrity',
      'DIGEST_INVALID',
    ],
    [{ status: 400, body: { errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] } }, 'integrity', 'MANIFEST_INVALID'],
    [
      { status: 400, body: { errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] } },
      'internal',
      'MANIFEST_BLOB_UNKNOWN',
    ],
    [{ status: 501, body: 'not implemented' }, 'network', 'HTTP_501'],
  ];
  it.each(cases)('maps %j', async (reply, kind, code) => {
    const { transport } = setup(withPing(() => reply));
    const err = await transport.request({ method: 'PUT', url: '/v2/x/manifests/1', scopes: [], body: '{}' }).catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(code);
    expect(err.details.status).toBe(reply.status);
    expect(err.message).not.toContain('secret-token-value');
  });

  it('resolves accepted statuses instead of throwing', async () => {
    const { transport } = setup(withPing(() => ({ status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } })));
    const res = await transport.request({ method: 'HEAD', url: '/v2/x/blobs/sha256:1', scopes: [], acceptStatus: [404] });
    expect(res.status).toBe(404);
    await res.discard();
  });

  it('caps error bodies and tolerates huge ones', async () => {
    const { transport } = setup(
      withPing(() => ({ status: 500, body: 'x'.repeat(200_000) })),
      { retry: { maxAttempts: 1 } },
    );
    const err = await transport.request(get('/v2/x/a')).catch((e) => e);
    expect(err.kind).toBe('network');
  });

  it('enforces body limits in the response helpers', async () => {
    const { transport } = setup(withPing(() => ({ status: 200, body: 'x'.repeat(1000) })));
    const err = await (await transport.request(get('/v2/x/a'))).text(10).catch((e) => e);
    expect(err.code).toBe('BODY_TOO_LARGE');
    await expect((await transport.request(get('/v2/x/a'))).json(10_000)).rejects.toMatchObject({ code: 'INVALID_JSON' });
  });
});

describe('debug lines', () => {
  it('logs one line per request and response without secrets', async () => {
    const { transport, lines } = setup(withPing(() => ({ status: 200 })));
    await transport.request(get('/v2/x/a?token=abcdef123'));
    expect(lines.some((l) => l.startsWith('> GET https://registry.example.com/v2/x/a'))).toBe(true);
    expect(lines.some((l) => /^< 200 GET https:\/\/registry\.example\.com\/v2\/x\/a.* \d+ms$/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain('secret-token-value');
    expect(lines.join('\n')).not.toContain('abcdef123');
  });
});

describe('scheme', () => {
  it('never uses plain HTTP for a remote registry', async () => {
    const { transport } = setup(() => ({ status: 200 }));
    const err = await transport.request(get('http://registry.example.com/v2/x/a')).catch((e) => e);
    expect(err.code).toBe('INSECURE_URL');
    expect(await transport.baseUrl()).toBe(REG);
  });
});

describe('abort', () => {
  it('turns an abort during backoff into an interrupted error', async () => {
    const m = mockRegistry([REG], (r) => (r.path === '/v2/' ? { status: 200 } : { status: 503 }));
    agents.push(m.agent);
    const ac = new AbortController();
    const t = createTransport({
      registry: 'registry.example.com',
      dispatcher: m.agent,
      sleep: async () => {
        ac.abort();
        throw new DOMException('aborted', 'AbortError');
      },
    });
    const err = await t.request({ method: 'GET', url: '/v2/x/a', scopes: [], signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe('interrupted');
  });

  it('turns an abort before the request into an interrupted error', async () => {
    const m = mockRegistry([REG], () => ({ status: 200 }));
    agents.push(m.agent);
    const t = createTransport({ registry: 'registry.example.com', dispatcher: m.agent });
    await t.baseUrl();
    const err = await t.request({ method: 'GET', url: '/v2/x/a', scopes: [], signal: AbortSignal.abort() }).catch((e) => e);
    expect(err.kind).toBe('interrupted');
  });
});

describe('shared ping', () => {
  it('one caller aborting does not fail the others', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agents.push(agent);
    const pool = agent.get(REG);
    pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '').delay(50);
    pool.intercept({ path: '/v2/x/a', method: 'GET' }).reply(200, 'ok');
    const t = createTransport({ registry: 'registry.example.com', dispatcher: agent });
    const ac = new AbortController();
    const a = t.request({ method: 'GET', url: '/v2/x/a', scopes: [], signal: ac.signal });
    const b = t.request({ method: 'GET', url: '/v2/x/a', scopes: [] });
    ac.abort();
    await expect(a).rejects.toMatchObject({ kind: 'interrupted' });
    expect((await b).status).toBe(200);
  });
});
