import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createTransport } from '../../../src/auth/session.js';
import type { RegistryTransport } from '../../../src/http/types.js';

// Bulk GETs go through raw-request.ts, which undici's MockAgent never sees: these tests use real loopback servers.

const servers: Server[] = [];
const transports: RegistryTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(r);
        }),
    ),
  );
});

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method!, url: req.url!, headers: req.headers });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const BASIC = `Basic ${Buffer.from('alice:pw').toString('base64')}`;

/** A registry with Basic auth on /v2/ and `blob` for everything else. */
const registry = (blob: (req: IncomingMessage, res: ServerResponse) => void) => (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/v2/') {
    if (req.headers.authorization === BASIC) res.writeHead(200).end('{}');
    else res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    return;
  }
  blob(req, res);
};

function transportFor(origin: string, lines: string[] = []): RegistryTransport {
  const t = createTransport({
    registry: new URL(origin).host,
    credentials: async () => ({ username: 'alice', password: 'pw' }),
    sleep: async () => undefined,
    debug: (l) => lines.push(l),
  });
  transports.push(t);
  return t;
}

const blobGet = (more: Record<string, unknown> = {}) => ({
  method: 'GET' as const,
  url: '/v2/x/blobs/sha256:1',
  scopes: ['repository:x:pull'],
  ...more,
});
const blobHits = (hits: Hit[]) => hits.filter((h) => h.url !== '/v2/');

describe('bulk GETs through the transport', () => {
  it('reads a bulk GET on a connection of its own (Connection: close), with the credentials', async () => {
    const blob = randomBytes(600_000);
    const { origin, hits } = await listen(registry((_req, res) => res.writeHead(200, { 'content-length': blob.length }).end(blob)));
    const res = await transportFor(origin).request(blobGet({ bulk: true }));
    expect((await res.bytes(1 << 20)).equals(blob)).toBe(true);
    const [hit] = blobHits(hits);
    expect(hit!.headers.connection).toBe('close');
    expect(hit!.headers.authorization).toBe(BASIC);
  });

  it('asks again through undici when the answer is chunked, and returns the right bytes', async () => {
    const blob = randomBytes(300_000);
    const { origin, hits } = await listen(
      registry((_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.write(blob.subarray(0, 1000));
        res.end(blob.subarray(1000));
      }),
    );
    const lines: string[] = [];
    const res = await transportFor(origin, lines).request(blobGet({ bulk: true }));
    expect((await res.bytes(1 << 20)).equals(blob)).toBe(true);
    const [raw, viaUndici, ...more] = blobHits(hits);
    expect(more).toEqual([]);
    expect(raw!.headers.connection).toBe('close');
    expect(viaUndici!.headers.connection).not.toBe('close');
    expect(viaUndici!.headers.authorization).toBe(BASIC);
    expect(lines.some((l) => l.includes('asking again through undici'))).toBe(true);
  });

  it('drops Authorization on a redirect to another origin, on the raw path too', async () => {
    const blob = randomBytes(400_000);
    const storage = await listen((_req, res) => res.writeHead(200, { 'content-length': blob.length }).end(blob));
    const { origin, hits } = await listen(
      registry((_req, res) => res.writeHead(307, { location: `${storage.origin}/blob?sig=abc`, 'content-length': 0 }).end()),
    );
    const res = await transportFor(origin).request(blobGet({ bulk: true }));
    expect(res.url).toBe(`${storage.origin}/blob?sig=abc`);
    expect((await res.bytes(1 << 20)).equals(blob)).toBe(true);
    const [toRegistry] = blobHits(hits);
    expect(toRegistry!.headers.authorization).toBe(BASIC);
    expect(toRegistry!.headers.connection).toBe('close');
    expect(storage.hits).toHaveLength(1);
    expect(storage.hits[0]!.headers.connection).toBe('close');
    expect(storage.hits[0]!.headers.authorization).toBeUndefined();
  });

  it('never uses the raw path for requests that are not bulk GETs', async () => {
    const { origin, hits } = await listen(
      registry((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-length': 4 }).end('data');
      }),
    );
    const t = transportFor(origin);
    expect(await (await t.request(blobGet())).text(100)).toBe('data');
    expect(await (await t.request(blobGet({ bulk: false }))).text(100)).toBe('data');
    await (await t.request(blobGet({ method: 'PUT', bulk: true, body: Buffer.alloc(300_000) }))).discard();
    const seen = blobHits(hits);
    expect(seen.map((h) => h.method)).toEqual(['GET', 'GET', 'PUT']);
    // undici's keep-alive requests (undici itself says close after a HEAD, so HEAD would tell nothing here)
    for (const h of seen) expect(h.headers.connection).toBe('keep-alive');
  });
});
