// A Docker Hub API emulator on loopback for tests: in-memory accounts, organizations, teams, repositories,
// tags, tokens, webhooks, build triggers and audit events (hub-emulator-state.mjs). Every request is checked
// against Docker's OpenAPI description (hub-spec.mjs): an unknown operation, an undocumented query parameter or
// a body that does not match its schema is answered 599 and recorded in `violations`; so is an answer of the
// emulator that does not match the spec's response schema. Tests assert `violations` is empty.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { loadHubSpec } from './hub-spec.mjs';
import { HubEmulatorState } from './hub-emulator-state.mjs';
import { REPO_ROUTES } from './hub-emulator-routes.mjs';
import { ORG_ROUTES } from './hub-emulator-routes-orgs.mjs';

/** @typedef {import('./hub-emulator-state.mjs').Caller} Caller */
/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply */
/** @typedef {{ method?: string, path?: RegExp | string, nth?: number, times?: number }} Match */

export const VIOLATION_STATUS = 599;
const ROUTES = { ...REPO_ROUTES, ...ORG_ROUTES };
const SECRET_FIELDS = new Set(['password', 'secret', 'code', 'login_2fa_token', 'token', 'access_token']);

/** @param {unknown} v — a copy of a JSON body with secret fields masked, for the request log */
function scrub(v) {
  if (Array.isArray(v)) return v.map(scrub);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_FIELDS.has(k) ? '<redacted>' : scrub(x)]));
}

/**
 * @param {{ now?: () => number, jwtLifetimeSeconds?: number, maxPageSize?: number, rateLimitPerMinute?: number }} [options]
 */
export async function startHubEmulator(options = {}) {
  const spec = await loadHubSpec();
  const now = options.now ?? Date.now;
  const state = new HubEmulatorState(now);
  const jwtKey = randomBytes(32);
  /** @type {Map<string, { uses: number }>} */
  const jwtUses = new Map();
  /** @type {Map<string, { username: string, exp: number }>} */
  const pending2fa = new Map();
  const knobs = {
    jwtLifetimeSeconds: options.jwtLifetimeSeconds ?? 600,
    /** a JWT is refused (401) after this many authenticated requests */
    jwtMaxUses: /** @type {number | undefined} */ (undefined),
    maxPageSize: options.maxPageSize ?? 100,
  };
  /** @type {(Match & { kind: 'rate-limit', retryAfter: string, seen: number, applied: number } | Match & { kind: 'fail', status: number, body?: unknown, seen: number, applied: number })[]} */
  let faults = [];
  /** @type {{ seq: number, method: string, path: string, operation?: string, documented?: boolean, auth: 'bearer' | 'other' | 'none', caller?: string, body?: unknown, status: number, violations?: string[] }[]} */
  const log = [];
  /** @type {{ seq: number, kind: 'request' | 'response', method: string, path: string, messages: string[] }[]} */
  const violations = [];
  let seq = 0;

  /** @param {Caller} c */
  function issueJwt(c) {
    const iat = Math.floor(now() / 1000);
    const claims = { sub: c.sub, kind: c.kind, scopes: c.scopes, jti: randomUUID(), iat, exp: iat + knobs.jwtLifetimeSeconds };
    const b64 = (/** @type {unknown} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${head}.${createHmac('sha256', jwtKey).update(head).digest('base64url')}`;
  }

  /** @param {string | undefined} header @returns {{ caller?: Caller, problem?: string, scheme: 'bearer' | 'other' | 'none' }} */
  function authenticate(header) {
    if (header === undefined || header === '') return { scheme: 'none' };
    const m = /^Bearer (\S+)$/.exec(header);
    if (m === null) return { scheme: 'other', problem: 'Authorization is not a Bearer token' };
    const [head, body, sig] = /** @type {string} */ (m[1]).split('.');
    if (head === undefined || body === undefined || sig !== createHmac('sha256', jwtKey).update(`${head}.${body}`).digest('base64url')) {
      return { scheme: 'bearer', problem: 'Invalid token' };
    }
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (claims.exp * 1000 <= now()) return { scheme: 'bearer', problem: 'Token is expired' };
    const use = jwtUses.get(claims.jti) ?? { uses: 0 };
    jwtUses.set(claims.jti, use);
    if (knobs.jwtMaxUses !== undefined && use.uses >= knobs.jwtMaxUses) return { scheme: 'bearer', problem: 'Token is expired' };
    use.uses++;
    return { scheme: 'bearer', caller: { sub: claims.sub, kind: claims.kind, scopes: claims.scopes } };
  }

  /** @param {string} method @param {string} path */
  function pickFault(method, path) {
    let chosen;
    for (const f of faults) {
      if (f.method !== undefined && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined && !(typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))) continue;
      f.seen++;
      if (chosen !== undefined || f.seen < (f.nth ?? 1) || f.applied >= (f.times ?? 1)) continue;
      f.applied++;
      chosen = f;
    }
    return chosen;
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const chunks = [];
    let size = 0;
    for await (const c of req) {
      size += c.length;
      if (size > 4 * 1024 * 1024) return void res.destroy();
      chunks.push(c);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const entry = {
      seq: ++seq,
      method,
      path: `${url.pathname}${url.search}`,
      auth: /** @type {'bearer'|'other'|'none'} */ ('none'),
      status: 0,
    };
    log.push(entry);
    /** @param {Reply} reply @param {import('./hub-spec.mjs').HubOperation} [op] */
    const send = (reply, op) => {
      let { status, body } = reply;
      if (op !== undefined && status !== VIOLATION_STATUS) {
        const problems = spec.checkResponse(op, status, method === 'HEAD' ? undefined : body);
        if (problems.length > 0) {
          violations.push({ seq: entry.seq, kind: 'response', method, path: entry.path, messages: problems });
          status = VIOLATION_STATUS;
          body = { detail: `hub emulator: its answer does not match Docker's API description: ${problems.join('; ')}` };
        }
      }
      entry.status = status;
      const text = body === undefined || method === 'HEAD' ? '' : JSON.stringify(body);
      const reset = Math.floor(now() / 1000) + 60;
      res.writeHead(status, {
        ...(text !== '' ? { 'content-type': 'application/json' } : {}),
        'x-ratelimit-limit': String(options.rateLimitPerMinute ?? 180),
        'x-ratelimit-remaining': '179',
        'x-ratelimit-reset': String(reset),
        ...(reply.headers ?? {}),
      });
      res.end(text);
    };

    const matched = spec.match(method, url.pathname);
    if ('error' in matched) {
      violations.push({ seq: entry.seq, kind: 'request', method, path: entry.path, messages: [matched.error] });
      return send({ status: VIOLATION_STATUS, body: { detail: `hub emulator: ${matched.error}` } });
    }
    const op = matched.operation;
    Object.assign(entry, { operation: op.key, documented: op.documented });
    const checked = spec.checkRequest(op, { query: url.searchParams, contentType: req.headers['content-type'], body: raw });
    if (checked.body !== undefined) Object.assign(entry, { body: scrub(checked.body) });
    if (checked.violations.length > 0) {
      violations.push({ seq: entry.seq, kind: 'request', method, path: entry.path, messages: checked.violations });
      Object.assign(entry, { violations: checked.violations });
      return send({
        status: VIOLATION_STATUS,
        body: { detail: `hub emulator: request does not match Docker's API description: ${checked.violations.join('; ')}` },
      });
    }
    const fault = pickFault(method, url.pathname);
    if (fault?.kind === 'rate-limit') {
      return send(
        {
          status: 429,
          body: { detail: 'Rate limit exceeded' },
          headers: { 'retry-after': fault.retryAfter, 'x-ratelimit-remaining': '0' },
        },
        op,
      );
    }
    if (fault?.kind === 'fail') return send({ status: fault.status, body: fault.body }, op);

    const auth = authenticate(req.headers.authorization);
    entry.auth = auth.scheme;
    if (auth.caller !== undefined) Object.assign(entry, { caller: auth.caller.sub });
    const security = op.op.security ?? [];
    const anonymousOk = security.length === 0 || security.some((/** @type {object} */ s) => Object.keys(s).length === 0);
    if (auth.problem !== undefined || (auth.caller === undefined && !anonymousOk)) {
      return send({ status: 401, body: { detail: auth.problem ?? 'Authentication credentials were not provided.' } }, op);
    }
    const route = ROUTES[op.key];
    if (route === undefined) return send({ status: 501, body: { detail: `hub emulator: ${op.key} is not implemented` } });
    /** @type {Reply} */
    let reply;
    try {
      reply = route({
        method,
        url,
        pathParams: matched.pathParams,
        query: checked.query,
        body: checked.body,
        caller: auth.caller,
        state,
        emu,
      });
    } catch (e) {
      reply = { status: 500, body: { detail: `hub emulator: ${e instanceof Error ? e.message : String(e)}` } };
    }
    send(reply, op);
  }

  const emu = {
    issueJwt,
    pending2fa,
    now,
    knobs,
    /**
     * A Django-style page of `items` (`page`, `page_size`), `next`/`previous` as absolute links.
     * @param {{ url: URL, query: Record<string, unknown> }} ctx @param {unknown[]} items @param {number} [defaultSize]
     */
    page(ctx, items, defaultSize = 10) {
      const page = Number(ctx.query.page ?? 1);
      const size = Math.min(Number(ctx.query.page_size ?? defaultSize), knobs.maxPageSize, 100);
      const start = (page - 1) * size;
      if (page > 1 && start >= items.length) return { error: { status: 404, body: { detail: 'Invalid page.' } } };
      const link = (/** @type {number} */ p) => {
        const u = new URL(ctx.url.href);
        u.searchParams.set('page', String(p));
        u.searchParams.set('page_size', String(size));
        return u.href;
      };
      return {
        count: items.length,
        next: start + size < items.length ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: items.slice(start, start + size),
      };
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `hub emulator: ${e instanceof Error ? e.message : String(e)}` }));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    spec,
    state,
    log,
    violations,
    /** @param {Match & { retryAfter?: string | number }} m — the matching request(s) get 429 with Retry-After */
    rateLimit(m) {
      faults.push({ ...m, kind: 'rate-limit', retryAfter: String(m.retryAfter ?? 1), seen: 0, applied: 0 });
    },
    /** @param {Match & { status: number, body?: unknown }} m — the matching request(s) get this answer */
    fail(m) {
      faults.push({ ...m, kind: 'fail', seen: 0, applied: 0 });
    },
    /** @param {{ jwtLifetimeSeconds?: number, jwtMaxUses?: number | undefined, maxPageSize?: number }} k */
    set(k) {
      Object.assign(knobs, k);
    },
    /** drops faults, the request log and violations (state stays) */
    clear() {
      faults = [];
      log.length = 0;
      violations.length = 0;
    },
    /** @param {string} [method] @param {RegExp | string} [path] */
    requests(method, path) {
      return log.filter(
        (e) =>
          (method === undefined || e.method === method) &&
          (path === undefined || (typeof path === 'string' ? e.path.includes(path) : path.test(e.path))),
      );
    },
    /** the full URL of a build trigger */
    triggerUrl(/** @type {{ source: string, token: string }} */ t) {
      return `http://127.0.0.1:${port}/api/build/v1/source/${t.source}/trigger/${t.token}/call/`;
    },
    stop() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      });
    },
  };
}
