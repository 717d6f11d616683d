// A programmable fault-injecting HTTP/1.1 proxy on loopback, built on node:net (no node:http), so the
// faults happen at the socket: resets after N body bytes, stalls, canned statuses, flipped bytes.
//
// Every client connection carries exactly one exchange: the proxy forces `Connection: close` on both
// sides, so the end of a response body is the end of the upstream socket and no framing has to be
// understood beyond the heads. The Host header is passed through unchanged, so the registry builds
// its upload Locations with the proxy's address and every later request comes back through it.
import { createServer, connect } from 'node:net';

/**
 * @typedef {{ type: 'reset', afterBytes?: number }
 *   | { type: 'stall', afterBytes?: number, ms?: number }
 *   | { type: 'status', status: number, headers?: Record<string, string>, body?: string }
 *   | { type: 'retry-after', value: string, status?: number }
 *   | { type: 'toomanyrequests', limit?: string, remaining?: string }
 *   | { type: 'flip', at?: number }
 *   | { type: 'strip-range' }
 *   | { type: 'redirect', to: string, status?: number }
 *   | { type: 'hang' }
 *   | { type: 'blackhole' }
 *   | { type: 'delay', ms: number }
 *   | { type: 'response-header', name: string, value: string }
 *   | { type: 'response-headers', headers: Record<string, string> }
 *   | { type: 'trickle-head', everyMs: number }
 *   | { type: 'trickle-body', everyMs: number }
 *   | { type: 'interim-flood', everyMs?: number }
 *   | { type: 'short-body', missing: number }
 *   | { type: 'pass' }} FaultAction
 * @typedef {{ method?: string, path?: RegExp | string, nth?: number, times?: number, action: FaultAction }} FaultRule
 * @typedef {{ seq: number, method: string, path: string, headers: Record<string, string>, authorization: boolean,
 *   range?: string, fault?: string, status?: number, contentRange?: string, location?: string, bodyBytes: number, time: number }} ProxyRecord
 */

const REASONS = {
  200: 'OK',
  206: 'Partial Content',
  302: 'Found',
  307: 'Temporary Redirect',
  403: 'Forbidden',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** @param {Buffer} buf */
function headEnd(buf) {
  const i = buf.indexOf('\r\n\r\n');
  return i < 0 ? -1 : i + 4;
}

/** @param {string} text */
function parseHead(text) {
  const lines = text.split('\r\n').filter((l) => l !== '');
  const first = lines.shift() ?? '';
  /** @type {[string, string][]} */
  const headers = [];
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) headers.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
  }
  return { first, headers };
}

/** @param {string} first @param {[string, string][]} headers */
function serializeHead(first, headers) {
  return Buffer.from(`${first}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1');
}

/** @param {[string, string][]} headers @param {string} name */
const getHeader = (headers, name) => headers.find(([k]) => k.toLowerCase() === name)?.[1];
/** @param {[string, string][]} headers @param {string} name */
const dropHeader = (headers, name) => headers.filter(([k]) => k.toLowerCase() !== name);

/**
 * @param {{ upstream: string, upstreamHeaders?: Record<string, string>, expiringRedirects?: boolean }} options
 *   upstream: `host:port` of the real server. upstreamHeaders: added to every forwarded request (e.g. a
 *   storage-side credential). expiringRedirects: a request whose `expires` query value was seen before is
 *   answered 403 (a pre-signed URL used twice).
 */
export async function startFaultProxy(options) {
  const [upHost, upPortText] = splitHostPort(options.upstream);
  const upPort = Number(upPortText);
  /** @type {(FaultRule & { seen: number, applied: number })[]} */
  let rules = [];
  /** @type {ProxyRecord[]} */
  const log = [];
  const sockets = new Set();
  const seenExpires = new Set();
  let seq = 0;
  let redirectCounter = 0;

  /** @param {string} method @param {string} path */
  function pickRule(method, path) {
    /** @type {FaultAction | undefined} */
    let chosen;
    for (const r of rules) {
      if (r.method !== undefined && r.method.toUpperCase() !== method) continue;
      if (r.path !== undefined && !(typeof r.path === 'string' ? path.includes(r.path) : r.path.test(path))) continue;
      r.seen++; // every matching rule counts the request, so `nth` means the nth matching request
      if (chosen !== undefined || r.seen < (r.nth ?? 1) || r.applied >= (r.times ?? 1)) continue;
      r.applied++;
      chosen = r.action;
    }
    return chosen;
  }

  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const onData = (/** @type {Buffer} */ chunk) => {
      if (buf.length === 0 && chunk[0] === 0x16) {
        // a TLS ClientHello (hubctl tries https first on a new registry): pass the bytes through untouched,
        // so the client sees exactly what the real server answers
        client.off('data', onData);
        const upstream = connect(upPort, upHost);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.write(chunk);
        client.pipe(upstream).pipe(client);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      const end = headEnd(buf);
      if (end < 0) {
        if (buf.length > 64 * 1024) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      handle(client, buf.subarray(0, end), buf.subarray(end));
    };
    client.on('data', onData);
  });

  /** @param {import('node:net').Socket} client @param {Buffer} headBuf @param {Buffer} rest */
  function handle(client, headBuf, rest) {
    const { first, headers } = parseHead(headBuf.toString('latin1'));
    const [method = '', path = ''] = first.split(' ');
    /** @type {Record<string, string>} */
    const recHeaders = {};
    for (const [k, v] of headers) recHeaders[k.toLowerCase()] = k.toLowerCase() === 'authorization' ? '<present>' : v;
    /** @type {ProxyRecord} */
    const rec = {
      seq: ++seq,
      method,
      path,
      headers: recHeaders,
      authorization: getHeader(headers, 'authorization') !== undefined,
      bodyBytes: 0,
      time: Date.now(),
    };
    const range = getHeader(headers, 'range');
    if (range !== undefined) rec.range = range;
    log.push(rec);

    if (options.expiringRedirects) {
      const q = new URL(path, 'http://x').searchParams.get('expires');
      if (q !== null) {
        if (seenExpires.has(q))
          return canned(client, rec, 403, { 'content-type': 'text/plain' }, 'this pre-signed URL has expired\n', 'expired');
        seenExpires.add(q);
      }
    }

    const action = pickRule(method, path);
    if (action) rec.fault = action.type;
    switch (action?.type) {
      case 'status':
        return canned(
          client,
          rec,
          action.status,
          { 'content-type': 'application/json', ...(action.headers ?? {}) },
          action.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${action.status}` }] }),
        );
      case 'retry-after':
        return canned(
          client,
          rec,
          action.status ?? 429,
          { 'content-type': 'application/json', 'retry-after': action.value },
          JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }),
        );
      case 'toomanyrequests':
        return canned(
          client,
          rec,
          429,
          {
            'content-type': 'application/json',
            'ratelimit-limit': `${action.limit ?? '100'};w=21600`,
            'ratelimit-remaining': `${action.remaining ?? '0'};w=21600`,
            'docker-ratelimit-source': '127.0.0.1',
          },
          JSON.stringify({
            errors: [
              {
                code: 'TOOMANYREQUESTS',
                message:
                  'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
              },
            ],
          }),
        );
      case 'redirect': {
        const u = new URL(path, action.to);
        u.searchParams.set('expires', String(++redirectCounter));
        return canned(client, rec, action.status ?? 307, { location: u.href, 'content-type': 'text/plain' }, '');
      }
      case 'blackhole':
        client.resume(); // swallow the request; the server never hears of it and nobody answers
        return;
      case 'interim-flood': {
        // `100 Continue` again and again, never a final answer
        client.resume();
        rec.status = 100;
        const t = setInterval(() => {
          if (client.destroyed) clearInterval(t);
          else client.write('HTTP/1.1 100 Continue\r\n\r\n');
        }, action.everyMs ?? 10);
        client.on('close', () => clearInterval(t));
        return;
      }
      case 'delay':
        setTimeout(() => {
          if (!client.destroyed) forward(client, rec, headers, first, rest, action);
        }, action.ms).unref();
        return;
      default:
        return forward(client, rec, headers, first, rest, action);
    }
  }

  /**
   * @param {import('node:net').Socket} client @param {ProxyRecord} rec @param {number} status
   * @param {Record<string, string>} headers @param {string} body @param {string} [fault]
   */
  function canned(client, rec, status, headers, body, fault) {
    if (fault) rec.fault = fault;
    rec.status = status;
    const bytes = Buffer.from(body);
    const h = Object.entries({ ...headers, 'content-length': String(bytes.length), connection: 'close' });
    client.resume(); // drop any request body
    const head = serializeHead(`HTTP/1.1 ${status} ${REASONS[/** @type {keyof typeof REASONS} */ (status)] ?? 'Status'}`, h);
    client.end(rec.method === 'HEAD' ? head : Buffer.concat([head, bytes]));
  }

  /**
   * @param {import('node:net').Socket} client @param {ProxyRecord} rec @param {[string, string][]} headers
   * @param {string} first @param {Buffer} rest @param {FaultAction | undefined} action
   */
  function forward(client, rec, headers, first, rest, action) {
    let h = dropHeader(dropHeader(headers, 'connection'), 'keep-alive');
    if (action?.type === 'strip-range') h = dropHeader(h, 'range');
    for (const [k, v] of Object.entries(options.upstreamHeaders ?? {})) h = [...dropHeader(h, k.toLowerCase()), [k, v]];
    h.push(['Connection', 'close']);
    const upstream = connect(upPort, upHost);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (!client.destroyed && action?.type !== 'hang') out.end();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.write(serializeHead(first, h));
    if (rest.length > 0) upstream.write(rest);
    client.pipe(upstream);
    client.resume();

    let head = Buffer.alloc(0);
    let headDone = false;
    let sent = 0;
    const out = clientWriter(client, action);
    let stalled = false;
    /** @type {Buffer[]} */
    const held = [];
    let limit = action?.type === 'reset' || action?.type === 'stall' ? (action.afterBytes ?? 0) : Infinity;

    const writeBody = (/** @type {Buffer} */ chunk) => {
      if (stalled) {
        held.push(chunk);
        return;
      }
      if (action?.type === 'flip') {
        const at = action.at ?? 0;
        if (at >= sent && at < sent + chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[at - sent] = (chunk[at - sent] ?? 0) ^ 0xff;
        }
      }
      if (sent + chunk.length <= limit) {
        sent += chunk.length;
        rec.bodyBytes = sent;
        out.write(chunk, 'body');
        return;
      }
      const n = limit - sent;
      if (n > 0) client.write(chunk.subarray(0, n));
      sent += n;
      rec.bodyBytes = sent;
      if (action?.type === 'reset') {
        upstream.destroy();
        // flush what was written, then send a RST instead of a FIN
        client.write(Buffer.alloc(0), () => client.resetAndDestroy());
        return;
      }
      if (action?.type === 'stall') {
        stalled = true;
        upstream.pause();
        held.push(chunk.subarray(n));
        if (action.ms !== undefined) {
          setTimeout(() => {
            stalled = false;
            limit = Infinity;
            upstream.resume();
            const all = held.splice(0);
            for (const c of all) if (!client.destroyed) client.write(c);
          }, action.ms).unref();
        }
      }
    };

    upstream.on('data', (/** @type {Buffer} */ chunk) => {
      if (action?.type === 'hang') return; // the request reached the server; its answer never comes back
      if (headDone) return writeBody(chunk);
      head = Buffer.concat([head, chunk]);
      const end = headEnd(head);
      if (end < 0) return;
      headDone = true;
      const parsed = parseHead(head.subarray(0, end).toString('latin1'));
      rec.status = Number(parsed.first.split(' ')[1]);
      const contentRange = getHeader(parsed.headers, 'content-range');
      if (contentRange !== undefined) rec.contentRange = contentRange;
      const location = getHeader(parsed.headers, 'location');
      if (location !== undefined) rec.location = location;
      let kept = dropHeader(dropHeader(parsed.headers, 'connection'), 'keep-alive');
      if (action?.type === 'response-header') kept = [...dropHeader(kept, action.name.toLowerCase()), [action.name, action.value]];
      if (action?.type === 'response-headers') {
        for (const [name, value] of Object.entries(action.headers)) kept = [...dropHeader(kept, name.toLowerCase()), [name, value]];
      }
      const resHeaders = [...kept, /** @type {[string, string]} */ (['Connection', 'close'])];
      if (action?.type === 'short-body') {
        const cl = Number(getHeader(parsed.headers, 'content-length') ?? 0);
        limit = Math.max(0, cl - action.missing); // then the connection closes: fewer bytes than announced
      }
      out.write(serializeHead(parsed.first, resHeaders), 'head');
      const body = head.subarray(end);
      if (body.length > 0) writeBody(body);
    });
    upstream.on('end', () => {
      if (!stalled && action?.type !== 'hang') out.end();
    });
    if (action?.type === 'short-body') {
      // the upstream keeps sending: end the client's side when the announced length minus `missing` went out
      upstream.on('data', () => {
        if (headDone && sent >= limit) {
          upstream.destroy();
          out.end();
        }
      });
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    log,
    /** @param {FaultRule[]} next */
    setRules(next) {
      rules = next.map((r) => ({ ...r, seen: 0, applied: 0 }));
    },
    /** @param {FaultRule} rule */
    addRule(rule) {
      rules.push({ ...rule, seen: 0, applied: 0 });
    },
    clear() {
      rules = [];
      log.length = 0;
    },
    /** @param {string} [method] @param {RegExp | string} [path] */
    requests(method, path) {
      return log.filter(
        (r) =>
          (method === undefined || r.method === method) &&
          (path === undefined || (typeof path === 'string' ? r.path.includes(path) : path.test(r.path))),
      );
    },
    async close() {
      for (const s of sockets) /** @type {import('node:net').Socket} */ (s).destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Writes to the client, one byte every `everyMs` for the parts the action trickles (the head for
 * `trickle-head`, the body for `trickle-body`), at once otherwise; end() waits for what is queued.
 * @param {import('node:net').Socket} client @param {FaultAction | undefined} action
 */
function clientWriter(client, action) {
  const slowPart = action?.type === 'trickle-head' ? 'head' : action?.type === 'trickle-body' ? 'body' : undefined;
  const everyMs = action?.type === 'trickle-head' || action?.type === 'trickle-body' ? action.everyMs : 0;
  /** @type {{ buf: Buffer, slow: boolean }[]} */
  const queue = [];
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let ending = false;
  const pump = () => {
    timer = undefined;
    while (queue.length > 0 && !client.destroyed) {
      const item = /** @type {{ buf: Buffer, slow: boolean }} */ (queue[0]);
      if (!item.slow) {
        client.write(item.buf);
        queue.shift();
        continue;
      }
      client.write(item.buf.subarray(0, 1));
      if (item.buf.length > 1) item.buf = item.buf.subarray(1);
      else queue.shift();
      timer = setTimeout(pump, everyMs);
      return;
    }
    if (ending && !client.destroyed) client.end();
  };
  client.on('close', () => clearTimeout(timer));
  return {
    /** @param {Buffer} buf @param {'head' | 'body'} part */
    write(buf, part) {
      if (slowPart === undefined) return void client.write(buf);
      queue.push({ buf: Buffer.from(buf), slow: part === slowPart });
      if (timer === undefined) pump();
    },
    end() {
      ending = true;
      if (slowPart === undefined) return void client.end();
      if (timer === undefined) pump();
    },
  };
}

/** @param {string} hostPort */
function splitHostPort(hostPort) {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i).replace(/^\[|\]$/g, ''), hostPort.slice(i + 1)];
}
