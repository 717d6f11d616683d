/**
 * The headers limit on uploads (http/limits.ts, raw-request.ts): a blob upload may take far longer than
 * the headers timeout to go out (a slow link, a copy streamed from another registry); the limit starts
 * once the body has been sent. Before that, a send that makes no progress for the read timeout fails.
 */
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { createRawClient } from '../../../src/http/raw-request.js';
import { HttpClient } from '../../../src/http/client.js';
import { RetryPolicy } from '../../../src/http/retry.js';
import type { HubctlError } from '../../../src/errors.js';
import { useServerTeardown } from './loopback-servers.js';

const { servers, sockets } = useServerTeardown();

/** Reads a request head and Content-Length bytes, then answers 202 (or never, or reads nothing at all). */
async function serve(mode: 'answer' | 'silent' | 'no-read'): Promise<{ url: URL; bodyBytes: () => number }> {
  let got = 0;
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    if (mode === 'no-read') {
      s.pause();
      return;
    }
    let buf = Buffer.alloc(0);
    let want: number | undefined;
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (want === undefined) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        want = Number(/content-length: (\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        buf = buf.subarray(end + 4);
      }
      got = buf.length;
      if (buf.length >= want && mode === 'answer') s.end('HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/a/blobs/uploads/x`), bodyBytes: () => got };
}

/** Six chunks of 1000 bytes, the next one only after the previous one was sent and `gapMs` passed. */
async function* slowChunks(gapMs: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < 6; i++) {
    if (i > 0) await sleep(gapMs);
    yield Buffer.alloc(1000, i);
  }
}

const HEADERS_MS = 300;

describe('raw uploads: the headers limit starts once the body is sent', () => {
  const raw = createRawClient({ tls: {}, bodyTimeoutMs: 5000, headersTimeoutMs: HEADERS_MS });

  it('a body that takes several headers timeouts to go out is answered', async () => {
    const { url, bodyBytes } = await serve('answer');
    const res = await raw.send('PATCH', url, {}, { kind: 'stream', size: 6000, open: async () => Readable.from(slowChunks(HEADERS_MS)) });
    expect(res.statusCode).toBe(202);
    expect(bodyBytes()).toBe(6000);
  });

  it('a registry that takes the body and never answers still fails on the headers limit', async () => {
    const { url } = await serve('silent');
    const err = (await raw
      .send('PATCH', url, {}, { kind: 'stream', size: 6000, open: async () => Readable.from([Buffer.alloc(6000)]) })
      .catch((e: unknown) => e)) as HubctlError;
    expect(err.code).toBe('HEADERS_TIMEOUT');
  });

  it('a registry that reads none of the body fails on the read timeout, not never', async () => {
    const { url } = await serve('no-read');
    const idle = createRawClient({ tls: {}, bodyTimeoutMs: 500, headersTimeoutMs: 60_000 });
    // far more than the loopback socket buffers hold, made as it is read
    const size = 256 * 1024 * 1024;
    async function* zeros(): AsyncGenerator<Buffer> {
      for (let sent = 0; sent < size; sent += 1024 * 1024) yield Buffer.alloc(1024 * 1024);
    }
    const err = (await idle
      .send('PATCH', url, {}, { kind: 'stream', size, open: async () => Readable.from(zeros()) })
      .catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toContain('took none of the request body');
  });
});

/** An HttpClient on its own undici agent, with the short headers limit and no retries. */
async function withClient<T>(url: URL, use: (client: HttpClient) => Promise<T>): Promise<T> {
  const agent = new Agent();
  try {
    const client = new HttpClient({
      dispatcher: agent,
      registry: url.host,
      insecure: false,
      headersTimeoutMs: HEADERS_MS,
      policy: new RetryPolicy({ maxAttempts: 1 }),
    });
    return await use(client);
  } finally {
    await agent.close();
  }
}

describe('HttpClient uploads through undici: the headers limit starts once the body is sent', () => {
  it('a streamed body that takes several headers timeouts to go out is answered', async () => {
    const { url, bodyBytes } = await serve('answer');
    await withClient(url, async (client) => {
      const res = await client.send({
        method: 'PATCH',
        url: url.href,
        headers: { 'content-length': '6000' },
        body: () => Readable.from(slowChunks(HEADERS_MS)),
        retry: false,
        followRedirects: false,
      });
      expect(res.status).toBe(202);
      expect(bodyBytes()).toBe(6000);
      await res.discard();
    });
  });

  it('a small request still has the limit from its start', async () => {
    const { url } = await serve('silent');
    const err = (await withClient(url, (client) =>
      client.send({ method: 'PUT', url: url.href, body: Buffer.alloc(10), retry: false, followRedirects: false }),
    ).catch((e: unknown) => e)) as HubctlError;
    expect(err.code).toBe('HEADERS_TIMEOUT');
  });
});
