import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRawClient } from '../../../src/http/raw-request.js';
import { UPLOAD_SLAB_BYTES } from '../../../src/http/raw-upload.js';
import { readBytes } from '../../../src/http/body.js';
import { Readable } from 'node:stream';
import { RawBody } from '../../../src/http/raw-body.js';
import { useServerTeardown } from './loopback-servers.js';

const { servers, sockets } = useServerTeardown();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubctl-raw-upload-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Received {
  head: string;
  body: Buffer;
}

/**
 * A loopback server reading one request: the head, then Content-Length bytes (or none when
 * `answerEarly`), then answering with `status`.
 */
async function serve(status: string, answerEarly = false, answer?: string): Promise<{ url: URL; received: Promise<Received> }> {
  let resolveReceived!: (r: Received) => void;
  const received = new Promise<Received>((r) => (resolveReceived = r));
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let head: string | undefined;
    let want = 0;
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (head === undefined) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buf.subarray(0, end + 4).toString('latin1');
        buf = buf.subarray(end + 4);
        want = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (answerEarly) {
          resolveReceived({ head, body: Buffer.alloc(0) });
          s.end(`HTTP/1.1 ${status}\r\ncontent-length: 2\r\n\r\nno`);
          return;
        }
      }
      if (buf.length >= want && !answerEarly) {
        resolveReceived({ head, body: buf });
        s.end(answer ?? `HTTP/1.1 ${status}\r\nlocation: /next\r\ncontent-length: 0\r\n\r\n`);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/a/blobs/uploads/x?_state=1`), received };
}

const client = createRawClient({ tls: {}, bodyTimeoutMs: 5000 });

describe('raw uploads', () => {
  it('sends the whole file after the head, with its length, reporting progress up to the size', async () => {
    const data = randomBytes(UPLOAD_SLAB_BYTES * 3 + 12345);
    const path = join(dir, 'blob');
    await writeFile(path, data);
    const { url, received } = await serve('202 Accepted');
    const sent: number[] = [];
    const res = await client.send(
      'PATCH',
      url,
      { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      { kind: 'file', path, size: data.length, onSent: (n) => sent.push(n) },
    );
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/next');
    await readBytes(res.body, 1024);
    const got = await received;
    expect(got.head).toMatch(/^PATCH \/v2\/a\/blobs\/uploads\/x\?_state=1 HTTP\/1\.1\r\n/);
    // one content-length, the file's size, even though the caller passed one too
    expect(got.head.match(/content-length/gi)).toHaveLength(1);
    expect(got.head).toContain(`content-length: ${data.length}`);
    expect(createHash('sha256').update(got.body).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(sent.at(-1)).toBe(data.length);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('reads a chunked answer (a proxy in front of the registry may send one): status, headers and the decoded body', async () => {
    const path = join(dir, 'chunked');
    await writeFile(path, randomBytes(300_000));
    const answer =
      'HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n7;ext=1\r\n{"error\r\n5\r\ns":1}\r\n0\r\ntrailer: x\r\n\r\n';
    const { url } = await serve('400 Bad Request', false, answer);
    const res = await client.send('PATCH', url, {}, { kind: 'file', path, size: 300_000 });
    expect(res.statusCode).toBe(400);
    expect((await readBytes(res.body, 1024)).toString()).toBe('{"errors":1}');
  });

  it('an empty file sends a zero-length body', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    const { url, received } = await serve('202 Accepted');
    const res = await client.send('PUT', url, {}, { kind: 'file', path, size: 0 });
    expect(res.statusCode).toBe(202);
    expect((await received).head).toContain('content-length: 0');
  });

  it('an answer before the body was sent (401) resolves at once and the rest is not sent', async () => {
    const path = join(dir, 'big');
    await writeFile(path, randomBytes(UPLOAD_SLAB_BYTES * 8));
    const { url } = await serve('401 Unauthorized', true);
    const res = await client.send('PATCH', url, {}, { kind: 'file', path, size: UPLOAD_SLAB_BYTES * 8 });
    expect(res.statusCode).toBe(401);
    expect((await readBytes(res.body, 1024)).toString()).toBe('no');
  });

  it('a file shorter than its descriptor fails the request instead of hanging', async () => {
    const path = join(dir, 'short');
    await writeFile(path, Buffer.alloc(1000));
    const { url } = await serve('202 Accepted');
    await expect(client.send('PATCH', url, {}, { kind: 'file', path, size: 5000 })).rejects.toMatchObject({ code: 'ERR_FILE_TRUNCATED' });
  });
});

/** A loopback server answering every GET with `data` (or only its first `resetAfter` bytes, then a reset). */
async function source(data: Buffer, resetAfter?: number): Promise<URL> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('data', () => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${data.length}\r\n\r\n`);
      if (resetAfter === undefined) s.end(data);
      else s.write(data.subarray(0, resetAfter), () => setTimeout(() => s.resetAndDestroy(), 20));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/src/blobs/sha256:x`);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('raw uploads of a body copied from another response', () => {
  it("pumps a raw source's read buffers to the socket: every byte arrives, every chunk passed onChunk", async () => {
    const data = randomBytes(5 * 1024 * 1024 + 777);
    const from = await source(data);
    const { url, received } = await serve('202 Accepted');
    const hash = createHash('sha256');
    let opened: Readable | undefined;
    const res = await client.send(
      'PATCH',
      url,
      {},
      {
        kind: 'stream',
        size: data.length,
        open: async () => {
          opened = (await client.get(from, {})).body;
          return opened;
        },
        onChunk: (c) => hash.update(c),
      },
    );
    expect(res.statusCode).toBe(202);
    expect(opened).toBeInstanceOf(RawBody);
    expect(sha((await received).body)).toBe(sha(data));
    expect(hash.digest('hex')).toBe(sha(data));
  });

  it('sends any other readable source, waiting for drain', async () => {
    const parts = Array.from({ length: 40 }, () => randomBytes(100_000));
    const data = Buffer.concat(parts);
    const { url, received } = await serve('202 Accepted');
    const res = await client.send('PATCH', url, {}, { kind: 'stream', size: data.length, open: async () => Readable.from(parts) });
    expect(res.statusCode).toBe(202);
    expect(sha((await received).body)).toBe(sha(data));
  });

  it('onChunk throwing (too many bytes) fails the request with that error and drops the source', async () => {
    const from = await source(randomBytes(2 * 1024 * 1024));
    const { url } = await serve('202 Accepted');
    let opened: Readable | undefined;
    const tooMany = new Error('too many bytes');
    let seen = 0;
    await expect(
      client.send(
        'PATCH',
        url,
        {},
        {
          kind: 'stream',
          size: 2 * 1024 * 1024,
          open: async () => (opened = (await client.get(from, {})).body),
          onChunk: (c) => {
            seen += c.length;
            if (seen > 1024 * 1024) throw tooMany;
          },
        },
      ),
    ).rejects.toBe(tooMany);
    expect(opened!.destroyed).toBe(true);
  });

  it('a source that breaks off is reported through onSourceError and fails the request', async () => {
    const from = await source(randomBytes(3 * 1024 * 1024), 500_000);
    const { url } = await serve('202 Accepted');
    const errors: unknown[] = [];
    await expect(
      client.send(
        'PATCH',
        url,
        {},
        {
          kind: 'stream',
          size: 3 * 1024 * 1024,
          open: async () => (await client.get(from, {})).body,
          onSourceError: (e) => errors.push(e),
        },
      ),
    ).rejects.toBeTruthy();
    expect(errors).toHaveLength(1);
  });
});
