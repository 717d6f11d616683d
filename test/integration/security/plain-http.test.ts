// Credentials never go over plain HTTP to a host that is not loopback unless the registry is marked
// insecure. No network is used: undici's MockAgent stands in for every host (non-loopback hosts may
// not be contacted from the test machine).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { createClient, pull, type Credential } from '../../../src/index.js';

const PASSWORD = 'hunter2-very-secret';
const BASIC = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

interface Seen {
  origin: string;
  method: string;
  path: string;
  authorization: string | undefined;
}

/** What https://registry.example.com answers a path with, or 'refuse' to fail the connection. */
type HttpsAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'refuse';

/** https://registry.example.com answers with `https`; every plain-HTTP origin is recorded and answered 200. */
async function setup(https: (path: string) => HttpsAnswer, insecure = false) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Seen[] = [];
  const record = (origin: string) => (opts: { method: string; path: string; headers?: unknown }) => {
    const h = (opts.headers ?? {}) as Record<string, string>;
    const auth = Object.entries(h).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    seen.push({ origin, method: opts.method, path: opts.path, authorization: auth });
  };
  const reg = agent.get('https://registry.example.com');
  reg
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      record('https://registry.example.com')(opts);
      const r = https(opts.path);
      if (r === 'refuse') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { statusCode: r.status, data: r.body ?? '', responseOptions: { headers: r.headers ?? {} } };
    })
    .persist();
  for (const origin of ['http://registry.example.com', 'http://auth.example.com', 'http://storage.example.net']) {
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        record(origin)(opts);
        return { statusCode: 401, data: '', responseOptions: { headers: { 'www-authenticate': 'Basic realm="x"' } } };
      })
      .persist();
  }
  const root = await mkdtemp(join(tmpdir(), 'hubctl-plain-http-'));
  const client = createClient({
    storeRoot: root,
    dispatcher: agent,
    ...(insecure ? { insecure: true } : {}),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    credentials: async (): Promise<Credential> => ({ username: 'alice', password: PASSWORD }),
  });
  cleanups.push(async () => {
    await client.close();
    await agent.close();
    await rm(root, { recursive: true, force: true });
  });
  const plain = () => seen.filter((s) => s.origin.startsWith('http:'));
  return { client, seen, plain };
}

describe('no credentials over plain HTTP to a remote host', () => {
  it('an unreachable HTTPS registry does not fall back to HTTP', async () => {
    const { client, plain } = await setup(() => 'refuse');
    const err = await pull(client, 'registry.example.com/alice/app:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network' });
    expect(plain()).toEqual([]);
  });

  it('a Basic-challenging registry whose blob redirects to http:// is refused before the request', async () => {
    const { client, seen, plain } = await setup((path): HttpsAnswer => {
      if (path === '/v2/') return { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } };
      if (path.includes('/manifests/')) {
        return {
          status: 200,
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
          body: JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
            layers: [],
          }),
        };
      }
      return { status: 307, headers: { location: `http://storage.example.net${path}` } };
    });
    const err = await pull(client, 'registry.example.com/alice/app:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'usage', code: 'INSECURE_REDIRECT' });
    expect(seen.some((s) => s.origin === 'https://registry.example.com' && s.authorization === BASIC)).toBe(true);
    expect(plain()).toEqual([]);
  });

  it('a token realm on plain HTTP of another host is refused; no credentials reach it', async () => {
    const { client, plain } = await setup((path) =>
      path === '/v2/'
        ? { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="registry"' } }
        : { status: 404 },
    );
    const err = await pull(client, 'registry.example.com/alice/app:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', code: 'INVALID_REALM' });
    expect(String((err as Error).message)).toContain('plain HTTP');
    expect(plain()).toEqual([]);
  });

  it('with insecure, the plain-HTTP fallback is allowed (the control case)', async () => {
    const { client, plain } = await setup(() => 'refuse', true);
    const err = await pull(client, 'registry.example.com/alice/app:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
    expect(plain().map((s) => s.origin)).toContain('http://registry.example.com');
  });
});
