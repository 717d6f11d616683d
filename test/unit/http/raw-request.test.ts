import { describe, expect, it, vi } from 'vitest';
import { createServer as netServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { createHash, randomBytes } from 'node:crypto';
import { useLoopbackServers } from './loopback-servers.js';
import { RAW_UNSUPPORTED, createRawGet, requestHead, type RawClientOptions, type RawResponse } from '../../../src/http/raw-request.js';
import { RawBody } from '../../../src/http/raw-body.js';
import type { HubctlError } from '../../../src/errors.js';
import { SLABS, SLAB_BYTES } from '../../../src/http/read-pool.js';

const { servers, sockets, certs: testCerts } = useLoopbackServers('hubctl-raw-get-');

interface Seen {
  /** The request head as the server read it. */
  heads: string[];
  /** The server side of the connections, in order. */
  sockets: Socket[];
  connections: number;
}

/** A loopback server that reads each request head, then calls `answer` with the server socket. */
async function serve(answer: (s: Socket, head: string) => void, tls = false): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { heads: [], sockets: [], connections: 0 };
  const onSocket = (s: Socket) => {
    seen.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      seen.heads.push(got.slice(0, end + 4));
      seen.sockets.push(s);
      answer(s, got.slice(0, end + 4));
    };
    s.on('data', onData);
  };
  const server = tls ? tlsServer({ cert: testCerts().cert, key: testCerts().key }, onSocket) : netServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen };
}

const options: RawClientOptions = { tls: {}, bodyTimeoutMs: 30_000 };
/** A GET's answer: its body is always a RawBody (only an upload's chunked answer is decoded into another stream). */
type RawGetResponse = RawResponse & { body: RawBody };
const rawGet = (o: Partial<RawClientOptions> = {}) => {
  const get = createRawGet({ ...options, ...o });
  return async (url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<RawGetResponse> => {
    const res = await get(url, headers, signal);
    const { body } = res;
    if (!(body instanceof RawBody)) throw new Error('the body of a raw GET answer is not a RawBody');
    return { ...res, body };
  };
};
const headOf = (status: string, headers: Record<string, string | number> = {}) =>
  `HTTP/1.1 ${status}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Settles a call that may throw synchronously or reject. */
const outcome = (f: () => Promise<unknown>) =>
  Promise.resolve()
    .then(f)
    .then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );

/** Pumps a body into memory; views are copied only when released, so a view overwritten while held shows. */
async function pumpAll(body: RawBody, holdUntilQuiet = false): Promise<{ bytes: Buffer; maxHeld: number; releasesBeforeEnd: number }> {
  const out: Buffer[] = [];
  let held: { view: Buffer; release: () => void }[] = [];
  let heldBytes = 0;
  let maxHeld = 0;
  let releasesBeforeEnd = 0;
  let ended = false;
  let quiet: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    if (!ended) releasesBeforeEnd++;
    for (const h of held) {
      out.push(Buffer.from(h.view));
      h.release();
    }
    held = [];
    heldBytes = 0;
  };
  await body.pump({
    chunk: (view, release) => {
      held.push({ view, release });
      heldBytes += view.length;
      maxHeld = Math.max(maxHeld, heldBytes);
      // a slow sink: keeps every view until no more arrive (the body had to pause), then lets all go
      clearTimeout(quiet);
      if (holdUntilQuiet) quiet = setTimeout(releaseAll, 5);
      else setImmediate(releaseAll);
    },
  });
  ended = true;
  clearTimeout(quiet);
  releaseAll();
  return { bytes: Buffer.concat(out), maxHeld, releasesBeforeEnd };
}

async function readAll(body: RawBody): Promise<Buffer> {
  const out: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    out.push(chunk as Buffer);
    // a slow reader: the stream has to pause now and then
    if (++n % 8 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return Buffer.concat(out);
}

describe('raw GET: Content-Length bodies', () => {
  const big = randomBytes(5 * 1024 * 1024 + 12345);

  it('pumps a large body byte for byte to a slow sink, within the read pool', async () => {
    const { url } = await serve((s) => s.write(Buffer.concat([Buffer.from(headOf('200 OK', { 'content-length': big.length })), big])));
    const slabs = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const res = await rawGet()(new URL(`${url}/blob`), {});
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe(String(big.length));
      const { bytes, maxHeld, releasesBeforeEnd } = await pumpAll(res.body, true);
      expect(bytes.length).toBe(big.length);
      expect(sha(bytes)).toBe(sha(big));
      // the sink held everything until the body paused: memory stayed within the slabs
      // (plus the bytes read with the head and the one read before pump() made the pool)
      expect(maxHeld).toBeLessThanOrEqual(SLABS * SLAB_BYTES + 128 * 1024);
      expect(releasesBeforeEnd).toBeGreaterThan(0);
      expect(slabs.mock.calls.filter(([n]) => n === SLAB_BYTES).length).toBeLessThanOrEqual(SLABS);
    } finally {
      slabs.mockRestore();
    }
  });

  it('reads a large body in stream mode', async () => {
    const { url } = await serve((s) => s.write(Buffer.concat([Buffer.from(headOf('200 OK', { 'content-length': big.length })), big])));
    const res = await rawGet()(new URL(`${url}/blob`), {});
    const bytes = await readAll(res.body);
    expect(bytes.length).toBe(big.length);
    expect(sha(bytes)).toBe(sha(big));
  });

  it('ignores bytes past Content-Length', async () => {
    const { url } = await serve((s) => s.write(`${headOf('200 OK', { 'content-length': 5 })}helloEXTRA`));
    const res = await rawGet()(new URL(url), {});
    expect((await pumpAll(res.body)).bytes.toString()).toBe('hello');
    const again = await rawGet()(new URL(url), {});
    expect((await readAll(again.body)).toString()).toBe('hello');
  });

  it('ends at once for 204 and Content-Length 0', async () => {
    const { url } = await serve((s, head) =>
      s.write(head.includes('/empty') ? headOf('200 OK', { 'content-length': 0 }) : headOf('204 No Content')),
    );
    for (const path of ['/empty', '/none']) {
      const res = await rawGet()(new URL(url + path), {});
      expect((await pumpAll(res.body)).bytes.length).toBe(0);
      expect((await readAll((await rawGet()(new URL(url + path), {})).body)).length).toBe(0);
    }
  });
});

describe('raw GET: other framings and heads', () => {
  it('reads a close-delimited body until the server closes, pumped or streamed', async () => {
    const body = randomBytes(300_000);
    const { url } = await serve((s) => s.end(Buffer.concat([Buffer.from(headOf('200 OK')), body])));
    const pumped = await pumpAll((await rawGet()(new URL(url), {})).body);
    expect(pumped.bytes.equals(body)).toBe(true);
    expect((await readAll((await rawGet()(new URL(url), {})).body)).equals(body)).toBe(true);
  });

  it('keeps body bytes that came in the same read as the head, then reads the rest', async () => {
    for (const mode of ['pump', 'stream'] as const) {
      const body = randomBytes(200_000);
      const { url, seen } = await serve((s) =>
        s.write(Buffer.concat([Buffer.from(headOf('200 OK', { 'content-length': body.length })), body.subarray(0, 10)])),
      );
      const res = await rawGet()(new URL(url), {});
      // the rest only once the client holds the response
      seen.sockets[0]!.write(body.subarray(10));
      const got = mode === 'pump' ? (await pumpAll(res.body)).bytes : await readAll(res.body);
      expect(got.equals(body)).toBe(true);
    }
  });

  it('reads a head that arrives in pieces', async () => {
    const { url, seen } = await serve((s) => s.write('HTTP/1.1 200 OK\r\nconte'));
    const pending = rawGet()(new URL(url), {});
    await vi.waitFor(() => expect(seen.sockets).toHaveLength(1));
    const s = seen.sockets[0]!;
    await new Promise((r) => setTimeout(r, 5));
    s.write('nt-length: 3\r\n');
    await new Promise((r) => setTimeout(r, 5));
    s.write('\r\nabc');
    const res = await pending;
    expect((await readAll(res.body)).toString()).toBe('abc');
  });

  it('skips 100 Continue (alone or with the final head in one read) and answers the 200', async () => {
    const final = `${headOf('200 OK', { 'content-length': 2, 'x-final': 'yes' })}ok`;
    const { url } = await serve((s, head) => {
      s.write(headOf('100 Continue'));
      if (head.includes('/together')) s.write(final);
      else setTimeout(() => s.write(final), 5);
    });
    for (const path of ['/together', '/apart']) {
      const res = await rawGet()(new URL(url + path), {});
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-final']).toBe('yes');
      expect((await readAll(res.body)).toString()).toBe('ok');
    }
  });

  it('bounds the head however it trickles: headersTimeoutMs runs from the request, not from the last byte', async () => {
    const { url } = await serve((s) => {
      const text = headOf('200 OK', { 'content-length': 2 });
      let i = 0;
      const t = setInterval(() => (i < text.length && !s.destroyed ? s.write(text[i++]!) : clearInterval(t)), 40);
      s.on('close', () => clearInterval(t));
    });
    const err = (await outcome(() => rawGet({ headersTimeoutMs: 300 })(new URL(url), {}))) as HubctlError | undefined;
    expect(err?.code).toBe('HEADERS_TIMEOUT');
    expect(err?.message).toMatch(/sent no complete response within 300 ms \(headers timeout\)/);
  });

  it('refuses an endless stream of 100 Continue after a few', async () => {
    const { url } = await serve((s) => {
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(headOf('100 Continue'))), 5);
      s.on('close', () => clearInterval(t));
    });
    const err = (await outcome(() => rawGet()(new URL(url), {}))) as HubctlError | undefined;
    expect(err?.code).toBe('TOO_MANY_INTERIM_RESPONSES');
  });

  it('keeps repeated response headers as arrays', async () => {
    const { url } = await serve((s) =>
      s.write('HTTP/1.1 307 Temporary Redirect\r\nLocation: /x\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n'),
    );
    const res = await rawGet()(new URL(url), {});
    expect(res.statusCode).toBe(307);
    expect(res.headers).toMatchObject({ location: '/x', 'x-a': ['1', '2'] });
    await res.body.dump();
  });

  it('refuses chunked responses with RAW_UNSUPPORTED and closes the connection', async () => {
    const { url, seen } = await serve((s) => s.write(`${headOf('200 OK', { 'transfer-encoding': 'chunked' })}5\r\nhello\r\n0\r\n\r\n`));
    const err = await outcome(() => rawGet()(new URL(url), {}));
    expect(err?.code).toBe(RAW_UNSUPPORTED);
    await vi.waitFor(() => expect(seen.sockets[0]!.destroyed || seen.sockets[0]!.readableEnded).toBe(true));
  });

  it('refuses a malformed head and an endless one', async () => {
    const { url } = await serve((s, head) =>
      s.write(head.includes('/bad') ? 'HTTP/1.1 200 OK\r\n folded\r\n\r\n' : `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`),
    );
    expect((await outcome(() => rawGet()(new URL(`${url}/bad`), {})))?.code).toBe('HPE_INVALID_RESPONSE');
    expect((await outcome(() => rawGet()(new URL(`${url}/long`), {})))?.code).toBe('UND_ERR_HEADERS_OVERFLOW');
  });
});

describe('raw GET: failures', () => {
  it('fails a body cut short with ERR_STREAM_PREMATURE_CLOSE, pumped or streamed', async () => {
    for (const mode of ['pump', 'stream'] as const) {
      const { url, seen } = await serve((s) => s.write(`${headOf('200 OK', { 'content-length': 1000 })}0123456789`));
      const res = await rawGet()(new URL(url), {});
      const reading = outcome(() => (mode === 'pump' ? pumpAll(res.body) : readAll(res.body)));
      seen.sockets[0]!.end();
      expect((await reading)?.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    }
  });

  it('fails with ECONNRESET when the server closes before answering', async () => {
    const { url } = await serve((s) => s.end());
    expect((await outcome(() => rawGet()(new URL(url), {})))?.code).toBe('ECONNRESET');
  });

  it('times out waiting for the head, and between body reads', async () => {
    const { url } = await serve((s, head) => {
      if (head.includes('/body')) s.write(`${headOf('200 OK', { 'content-length': 100 })}abc`);
    });
    const get = rawGet({ bodyTimeoutMs: 200 });
    expect((await outcome(() => get(new URL(`${url}/head`), {})))?.code).toBe('HEADERS_TIMEOUT');
    const res = await get(new URL(`${url}/body`), {});
    expect((await outcome(() => pumpAll(res.body)))?.code).toBe('UND_ERR_BODY_TIMEOUT');
    const again = await get(new URL(`${url}/body`), {});
    expect((await outcome(() => readAll(again.body)))?.code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('gives ECONNREFUSED for a port nobody listens on', async () => {
    const { url } = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    expect((await outcome(() => rawGet()(new URL(url), {})))?.code).toBe('ECONNREFUSED');
  });

  it('stops on an abort before connecting, while waiting for the head, and while reading the body', async () => {
    const { url, seen } = await serve((s, head) => {
      if (head.includes('/body')) s.write(`${headOf('200 OK', { 'content-length': 100 })}abc`);
    });
    const reason = new Error('stop it');
    const before = await outcome(() => rawGet()(new URL(url), {}, AbortSignal.abort(reason)));
    expect(before).toBe(reason);
    expect(seen.connections).toBe(0);

    const waiting = new AbortController();
    const pending = outcome(() => rawGet()(new URL(`${url}/head`), {}, waiting.signal));
    await vi.waitFor(() => expect(seen.heads).toHaveLength(1));
    waiting.abort(reason);
    expect(await pending).toBe(reason);

    for (const mode of ['pump', 'stream'] as const) {
      const reading = new AbortController();
      const res = await rawGet()(new URL(`${url}/body`), {}, reading.signal);
      // reading has started (synchronously) when the abort comes
      const read = (mode === 'pump' ? pumpAll(res.body) : readAll(res.body)).then(
        () => undefined,
        (e: unknown) => e,
      );
      reading.abort(reason);
      expect(await read).toBe(reason);
    }
    // an abort while nobody reads yet: a later pump gets the reason
    const idle = new AbortController();
    const res = await rawGet()(new URL(`${url}/body`), {}, idle.signal);
    idle.abort(reason);
    expect(await outcome(() => pumpAll(res.body))).toBe(reason);
    await vi.waitFor(() => expect(seen.sockets.every((s) => s.destroyed || s.readableEnded)).toBe(true));
  });
});

describe('raw GET: the request', () => {
  it('sends one Host, Connection: close and the caller headers, nothing framing a body', async () => {
    const { url, seen } = await serve((s) => s.write(headOf('200 OK', { 'content-length': 0 })));
    const res = await rawGet()(new URL(`${url}/v2/a/blobs/sha256:1?sig=x%20y`), {
      Host: 'evil.example',
      Connection: 'keep-alive',
      'Content-Length': '5',
      'Transfer-Encoding': 'chunked',
      authorization: 'Bearer t',
      'user-agent': 'hubctl',
    });
    await res.body.dump();
    const [line, ...rest] = seen.heads[0]!.trimEnd().split('\r\n');
    expect(line).toBe('GET /v2/a/blobs/sha256:1?sig=x%20y HTTP/1.1');
    const names = rest.map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    expect(names.filter((n) => n === 'host')).toHaveLength(1);
    expect(rest).toContain(`host: ${new URL(url).host}`);
    expect(rest).toContain('connection: close');
    expect(names.filter((n) => n === 'connection')).toHaveLength(1);
    expect(names).not.toContain('content-length');
    expect(names).not.toContain('transfer-encoding');
    expect(rest).toEqual(expect.arrayContaining(['authorization: Bearer t', 'user-agent: hubctl']));
  });

  it.each([
    [{ 'x-a': 'v\r\nx-injected: 1' }],
    [{ 'x-a': 'v\nx-injected: 1' }],
    [{ 'x-a': 'v\0' }],
    [{ 'x a': 'v' }],
    [{ 'x-a\r\nx-injected': 'v' }],
  ])('refuses header %j without connecting', async (headers) => {
    const { url, seen } = await serve(() => undefined);
    expect(() => requestHead(new URL(url), headers)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_HTTP_TOKEN' }));
    expect((await outcome(() => rawGet()(new URL(url), headers)))?.code).toBe('ERR_INVALID_HTTP_TOKEN');
    expect(seen.connections).toBe(0);
  });
});

describe('raw GET over TLS', () => {
  it('verifies the server with the given CA, or not at all with rejectUnauthorized false', async () => {
    const { url } = await serve((s) => s.write(`${headOf('200 OK', { 'content-length': 5 })}hello`), true);
    for (const tls of [{ ca: testCerts().ca }, { rejectUnauthorized: false }]) {
      const res = await rawGet({ tls })(new URL(url), {});
      expect((await pumpAll(res.body)).bytes.toString()).toBe('hello');
    }
    const err = await outcome(() => rawGet({ tls: {} })(new URL(url), {}));
    expect(err?.code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });

  it('pumps a large body sent after the head', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const { url, seen } = await serve((s) => s.write(headOf('200 OK', { 'content-length': body.length })), true);
    const res = await rawGet({ tls: { ca: testCerts().ca } })(new URL(url), {});
    seen.sockets[0]!.write(body);
    const { bytes } = await pumpAll(res.body, true);
    expect(sha(bytes)).toBe(sha(body));
  });

  // TLS hands over records it already decrypted after the socket was paused at the end of the head:
  // they must be kept in order behind the head's bytes, whichever way the body is then read.
  it('keeps the order when the head and a large body come in one flight, pumped or streamed', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 7);
    const flight = Buffer.concat([Buffer.from(headOf('200 OK', { 'content-length': body.length })), body]);
    const { url } = await serve((s) => s.write(flight), true);
    const slabs = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const pumped = await rawGet({ tls: { ca: testCerts().ca } })(new URL(url), {});
      await new Promise((r) => setTimeout(r, 50)); // let the late records arrive before anyone reads
      expect(sha((await pumpAll(pumped.body, true)).bytes)).toBe(sha(body));
      expect(slabs.mock.calls.filter(([n]) => n === SLAB_BYTES).length).toBeLessThanOrEqual(SLABS);
    } finally {
      slabs.mockRestore();
    }
    const streamed = await rawGet({ tls: { ca: testCerts().ca } })(new URL(url), {});
    await new Promise((r) => setTimeout(r, 50));
    expect(sha(await readAll(streamed.body))).toBe(sha(body));
  });
});

describe('raw GET: a slow consumer is not a dead server', () => {
  it('does not time out while the socket is paused for the sink, only when the server is idle', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const { url } = await serve((s) => s.write(Buffer.concat([Buffer.from(headOf('200 OK', { 'content-length': body.length })), body])));
    const res = await rawGet({ bodyTimeoutMs: 200 })(new URL(`${url}/blob`), {});
    const out: Buffer[] = [];
    const held: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    await res.body.pump({
      chunk: (view, release) => {
        held.push(() => {
          out.push(Buffer.from(view));
          release();
        });
        // hold every view for longer than the idle limit, then let them all go
        clearTimeout(timer);
        timer = setTimeout(() => {
          for (const f of held.splice(0)) f();
        }, 400);
      },
    });
    clearTimeout(timer);
    for (const f of held.splice(0)) f();
    expect(sha(Buffer.concat(out))).toBe(sha(body));
  });
});
