import { afterEach, describe, expect, it } from 'vitest';
import { createServer as netServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { useLoopbackServers } from './loopback-servers.js';
import { KeepAliveGets, MAX_SMALL_BODY_BYTES, createKeptRawClient } from '../../../src/http/raw-keepalive.js';
import { RAW_UNSUPPORTED, type RawResponse } from '../../../src/http/raw-request.js';
import { HttpClient } from '../../../src/http/client.js';
import { undici } from '../../../src/http/undici.js';

const { servers, sockets, certs: testCerts } = useLoopbackServers('hubctl-keepalive-');
const pools: KeepAliveGets[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

interface Seen {
  /** Request heads in the order they came, with the connection (1-based) each came on. */
  requests: { head: string; connection: number }[];
  connections: number;
  /** Server sides of the connections that are still open. */
  open: () => number;
}

/**
 * A loopback server that reads every request head on every connection (keep-alive) and calls
 * `answer(socket, head, index)` for each, index counting requests over all connections.
 */
async function serve(answer: (s: Socket, head: string, index: number) => void, tls = false): Promise<{ url: string; seen: Seen }> {
  const live = new Set<Socket>();
  const seen: Seen = { requests: [], connections: 0, open: () => live.size };
  const onSocket = (s: Socket) => {
    const connection = ++seen.connections;
    sockets.add(s);
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => undefined);
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      for (let end = got.indexOf('\r\n\r\n'); end >= 0; end = got.indexOf('\r\n\r\n')) {
        const head = got.slice(0, end + 4);
        got = got.slice(end + 4);
        seen.requests.push({ head, connection });
        answer(s, head, seen.requests.length - 1);
      }
    });
  };
  const server = tls ? tlsServer({ cert: testCerts().cert, key: testCerts().key }, onSocket) : netServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const pool = (tls: { ca?: string[] } = {}) => {
  const p = new KeepAliveGets({ tls, bodyTimeoutMs: 10_000 });
  pools.push(p);
  return p;
};
const text = async (res: RawResponse) => {
  const parts: Buffer[] = [];
  for await (const c of res.body) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
};
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

describe('KeepAliveGets', () => {
  it('sends GETs one after another on one connection, without Connection: close', async () => {
    const { url, seen } = await serve((s, _h, i) => s.write(ok(`blob ${i}`)));
    const p = pool();
    for (let i = 0; i < 3; i++) {
      const res = await p.get(new URL(`/v2/r/blobs/${i}`, url), { 'user-agent': 't' });
      expect(res.statusCode).toBe(200);
      expect(await text(res)).toBe(`blob ${i}`);
    }
    expect(seen.connections).toBe(1);
    expect(seen.requests.map((r) => r.head.split('\r\n')[0])).toEqual([0, 1, 2].map((i) => `GET /v2/r/blobs/${i} HTTP/1.1`));
    expect(seen.requests[0]!.head.toLowerCase()).not.toContain('connection:');
    expect(seen.requests[0]!.head).toContain('user-agent: t');
  });

  it('opens a connection per GET running at once, and reuses them afterwards', async () => {
    const { url, seen } = await serve((s, _h, i) => setTimeout(() => s.write(ok(`b${i}`)), 20));
    const p = pool();
    const get = (i: number) => p.get(new URL(`/b/${i}`, url), {}).then(text);
    expect(await Promise.all([0, 1, 2].map(get))).toEqual(['b0', 'b1', 'b2']);
    expect(await Promise.all([3, 4, 5].map(get))).toEqual(['b3', 'b4', 'b5']);
    expect(seen.connections).toBe(3);
  });

  it('sends again on a new connection when the kept one was closed by the server meanwhile', async () => {
    const { url, seen } = await serve((s, _h, i) => {
      s.write(ok(`b${i}`));
      if (i === 0) setTimeout(() => s.destroy(), 10); // the server drops its idle connection
    });
    const p = pool();
    expect(await text(await p.get(new URL('/a', url), {}))).toBe('b0');
    await new Promise((r) => setTimeout(r, 50));
    expect(await text(await p.get(new URL('/b', url), {}))).toBe('b1');
    expect(seen.connections).toBe(2);
  });

  it('sends again on a new connection when the kept one resets at the request', async () => {
    const { url, seen } = await serve((s, _h, i) => {
      if (i === 1)
        s.resetAndDestroy(); // a server that closed the idle connection as the request came
      else s.write(ok(`b${i}`));
    });
    const p = pool();
    expect(await text(await p.get(new URL('/a', url), {}))).toBe('b0');
    expect(await text(await p.get(new URL('/b', url), {}))).toBe('b2');
    expect(seen.connections).toBe(2);
  });

  it('does not reuse a connection after Connection: close, HTTP/1.0, or bytes past the body', async () => {
    const answers = [
      ok('a', 'connection: close\r\n'),
      'HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nb',
      `${ok('c')}EXTRA`,
      ok('d'),
      ok('e'),
    ];
    const { url, seen } = await serve((s, _h, i) => s.write(answers[i]!));
    const p = pool();
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await text(await p.get(new URL(`/${i}`, url), {})));
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
    // a, b and c each ended their connection; d's was reused for e
    expect(seen.requests.map((r) => r.connection)).toEqual([1, 2, 3, 4, 4]);
  });

  it('reads a close-delimited answer to its end and an answer without body (204)', async () => {
    const { url } = await serve((s, _h, i) => {
      if (i === 0) s.end('HTTP/1.1 200 OK\r\n\r\nuntil the end');
      else s.write('HTTP/1.1 204 No Content\r\n\r\n');
    });
    const p = pool();
    expect(await text(await p.get(new URL('/a', url), {}))).toBe('until the end');
    const res = await p.get(new URL('/b', url), {});
    expect(res.statusCode).toBe(204);
    expect(await text(res)).toBe('');
  });

  it('skips interim answers and reads the head when it comes in pieces', async () => {
    const { url } = await serve((s) => {
      const all = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 4\r\nx-a: 1\r\nx-a: 2\r\n\r\nnope`;
      s.write(all.slice(0, 30));
      setTimeout(() => s.write(all.slice(30)), 10);
    });
    const res = await pool().get(new URL('/a', url), {});
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-a']).toEqual(['1', '2']);
    expect(await text(res)).toBe('nope');
  });

  it('reads chunked answers whole, in pieces, with trailers, and keeps the connection', async () => {
    const { url, seen } = await serve((s, _h, i) => {
      if (i === 0) s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
      else {
        // split inside a size line and inside the trailer section
        s.write('HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n4;ext=1\r\nno');
        setTimeout(() => s.write('pe\r\n2\r\n!!\r'), 10);
        setTimeout(() => s.write('\n0\r\nx-trailer: 1\r\n'), 20);
        setTimeout(() => s.write('\r\n'), 30);
      }
    });
    const p = pool();
    expect(await text(await p.get(new URL('/a', url), {}))).toBe('abc');
    const res = await p.get(new URL('/b', url), {});
    expect(res.statusCode).toBe(404);
    expect(await text(res)).toBe('nope!!');
    expect(seen.connections).toBe(1);
  });

  it('fails a malformed chunked answer, and one cut short', async () => {
    const { url } = await serve((s, h) => {
      if (h.startsWith('GET /bad')) s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n');
      else s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab');
    });
    expect(await codeOf(pool().get(new URL('/bad', url), {}))).toBe('HPE_INVALID_RESPONSE');
    expect(await codeOf(pool().get(new URL('/short', url), {}))).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('leaves other transfer codings and large answers to undici (RAW_UNSUPPORTED), closing that connection', async () => {
    const { url, seen } = await serve((s, _h, i) => {
      if (i === 0) s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n');
      else s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${MAX_SMALL_BODY_BYTES + 1}\r\n\r\n`);
    });
    const p = pool();
    expect(await codeOf(p.get(new URL('/a', url), {}))).toBe(RAW_UNSUPPORTED);
    expect(await codeOf(p.get(new URL('/b', url), {}))).toBe(RAW_UNSUPPORTED);
    expect(seen.connections).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.open()).toBe(0);
  });

  it('fails a body cut short with a retryable premature-close error', async () => {
    const { url } = await serve((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort'));
    expect(await codeOf(pool().get(new URL('/a', url), {}))).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('fails on a malformed head and when nothing comes within the idle limit', async () => {
    const { url } = await serve((s, _h, i) => {
      if (i === 0) s.write('HTTP/9 what\r\n\r\n');
      // the second request gets no answer at all
    });
    const p = new KeepAliveGets({ tls: {}, bodyTimeoutMs: 100 });
    pools.push(p);
    expect(await codeOf(p.get(new URL('/a', url), {}))).toBe('HPE_INVALID_RESPONSE');
    expect(await codeOf(p.get(new URL('/b', url), {}))).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('stops at an abort and does not reuse that connection', async () => {
    const { url, seen } = await serve((s, _h, i) => {
      if (i > 0) s.write(ok('later'));
    });
    const p = pool();
    const ac = new AbortController();
    const pending = p.get(new URL('/a', url), {}, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await expect(pending).rejects.toThrow('stop');
    expect(await text(await p.get(new URL('/b', url), {}))).toBe('later');
    expect(seen.connections).toBe(2);
    // already aborted: nothing is sent
    await expect(p.get(new URL('/c', url), {}, AbortSignal.abort(new Error('before')))).rejects.toThrow('before');
    expect(seen.requests.length).toBe(2);
  });

  it('close() ends the idle connections', async () => {
    const { url, seen } = await serve((s) => s.write(ok('x')));
    const p = pool();
    await text(await p.get(new URL('/a', url), {}));
    expect(seen.open()).toBe(1);
    p.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.open()).toBe(0);
  });

  it('works over TLS, reusing the connection', async () => {
    const { url, seen } = await serve((s, _h, i) => s.write(ok(`t${i}`)), true);
    const p = pool({ ca: [testCerts().ca] });
    expect(await text(await p.get(new URL('/a', url.replace('127.0.0.1', 'localhost')), {}))).toBe('t0');
    expect(await text(await p.get(new URL('/b', url.replace('127.0.0.1', 'localhost')), {}))).toBe('t1');
    expect(seen.connections).toBe(1);
  });
});

describe('HttpClient with small bodies', () => {
  it('reads a small-body GET on the kept connection and asks undici again for an answer it does not read', async () => {
    let big = 0;
    const { url, seen } = await serve((s, h) => {
      // /big: too large for the raw reader the first time, small for undici the second
      if (h.startsWith('GET /big') && big++ === 0) s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${MAX_SMALL_BODY_BYTES + 1}\r\n\r\n`);
      else if (h.startsWith('GET /big')) s.write(ok('abc'));
      else s.write(ok('small'));
    });
    const raw = createKeptRawClient({ tls: {}, bodyTimeoutMs: 10_000 });
    const dispatcher = new undici.Agent({ connections: 2 });
    const client = new HttpClient({ dispatcher, rawClientFor: () => raw, registry: 'r', insecure: false });
    try {
      const send = (path: string) =>
        client.send({ method: 'GET', url: `${url}${path}`, retry: false, followRedirects: false, smallBody: true });
      expect(await (await send('/a')).text(100)).toBe('small');
      expect(await (await send('/b')).text(100)).toBe('small');
      expect(await (await send('/big')).text(100)).toBe('abc');
      // /a and /b on one kept connection; /big once raw (closed) and once more through undici
      expect(seen.requests.map((r) => r.head.split(' ')[1])).toEqual(['/a', '/b', '/big', '/big']);
      expect(new Set(seen.requests.slice(0, 2).map((r) => r.connection)).size).toBe(1);
    } finally {
      raw.close();
      await dispatcher.close();
    }
  });
});
