import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDispatcher, closeAllTransports } from '../../../src/http/dispatcher.js';
import { undici } from '../../../src/http/undici.js';

let server: Server;
let connections = 0;
let base: URL;

beforeEach(async () => {
  connections = 0;
  server = createServer((req, res) => {
    res.setHeader('content-length', '5');
    res.end(req.method === 'HEAD' ? undefined : 'hello');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/x/blobs/sha256:0`);
});
afterEach(async () => {
  await closeAllTransports();
  await new Promise((r) => server.close(r));
});

describe('pooled dispatcher: HEAD', () => {
  it('keeps the connection after a HEAD (undici closes it by default): ten sequential requests, at most two connections', async () => {
    const { dispatcher, release } = acquireDispatcher({ hostNames: ['127.0.0.1'] });
    for (const method of ['HEAD', 'HEAD', 'GET', 'HEAD', 'GET', 'HEAD', 'HEAD', 'HEAD', 'GET', 'HEAD'] as const) {
      const res = await undici.request(dispatcher, base, { method });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe('5');
      const body = Buffer.from(await res.body.arrayBuffer()).toString();
      expect(body).toBe(method === 'HEAD' ? '' : 'hello');
    }
    // (undici may open a second socket while the first is finishing its response; never one per HEAD)
    expect(connections).toBeLessThanOrEqual(2);
    await release();
  });

  it('a request that asks for reset keeps it', async () => {
    const { dispatcher, release } = acquireDispatcher({ hostNames: ['127.0.0.1'] });
    for (let i = 0; i < 4; i++) await (await undici.request(dispatcher, base, { method: 'HEAD', reset: true })).body.dump();
    expect(connections).toBe(4);
    await release();
  });
});
