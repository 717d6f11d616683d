import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/auth/index.js';
import type { RegistryTransport } from '../../../src/http/types.js';
import { searchImages } from '../../../src/search/index.js';

/** A loopback registry whose /v1/search and /v2/_catalog misbehave per path segment of the term. */
let server: Server;
let host: string;
const transports: RegistryTransport[] = [];
const hits: string[] = [];

function send(res: ServerResponse, status: number, body: string, type = 'application/json', headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/v2/') return send(res, 200, '{}');
    const q = url.searchParams.get('q') ?? '';
    if (url.pathname === '/v1/search') {
      switch (q) {
        case 'garbage':
          return send(res, 200, '{"results": "lots"}');
        case 'truncated':
          return send(res, 200, '{"results": [{"name": "a"');
        case 'fail':
          return send(res, 500, '{"errors":[{"code":"UNKNOWN","message":"boom"}]}');
        case 'portal':
          return send(res, 200, '<!doctype html><title>portal</title>', 'text/html');
        default:
          return send(res, 404, '404 page not found', 'text/plain');
      }
    }
    if (url.pathname === '/v2/_catalog') return send(res, 404, '404 page not found', 'text/plain');
    return send(res, 404, 'not found', 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await new Promise<void>((r) => server.close(() => r()));
});

function transport() {
  const t = createTransport({ registry: host, retry: { maxAttempts: 1 } });
  transports.push(t);
  return t;
}

describe('search errors through the real transport', () => {
  it('an invalid /v1/search answer is a typed error', async () => {
    await expect(searchImages({ transport: transport(), term: `${host}/garbage` })).rejects.toMatchObject({
      code: 'INVALID_SEARCH_RESPONSE',
      kind: 'internal',
    });
    await expect(searchImages({ transport: transport(), term: `${host}/truncated` })).rejects.toMatchObject({
      code: 'INVALID_SEARCH_RESPONSE',
    });
  });

  it('a 5xx is a network error (exit 5), not a fallback', async () => {
    await expect(searchImages({ transport: transport(), term: `${host}/fail` })).rejects.toMatchObject({ kind: 'network' });
  });

  it('a registry with neither endpoint: SEARCH_UNSUPPORTED (exit 4)', async () => {
    hits.length = 0;
    const err = await searchImages({ transport: transport(), term: `${host}/nothing-here` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'notfound', code: 'SEARCH_UNSUPPORTED' });
    expect(hits.filter((h) => h !== '/v2/')).toEqual(['/v1/search?q=nothing-here&n=25', '/v2/_catalog?n=100']);
  });

  it('an HTML page on /v1/search counts as no search endpoint', async () => {
    await expect(searchImages({ transport: transport(), term: `${host}/portal` })).rejects.toMatchObject({ code: 'SEARCH_UNSUPPORTED' });
  });

  it('a refused connection is a network error', async () => {
    const dead = createTransport({ registry: '127.0.0.1:1', retry: { maxAttempts: 1 } });
    transports.push(dead);
    await expect(searchImages({ transport: dead, term: '127.0.0.1:1/x' })).rejects.toMatchObject({ kind: 'network' });
  });
});
