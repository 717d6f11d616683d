// A small token server for distribution's token auth (docs/spec/auth/token.md + oauth.md), for tests.
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSigningCert } from './certs.mjs';
import { signJwt, randomId } from './jwt.mjs';

/**
 * @typedef {'ok' | 'down' | 'garbage' | 'bad-token' | 'reset'} TokenServerMode
 * @typedef {{ type: string, name: string, actions: string[] }} AccessEntry
 * @typedef {{ account?: string, repo: string | RegExp, actions: string[] }} AccessRule
 *   account: a user name, '*' = anyone incl. anonymous, '+' = any authenticated user (default '*').
 *   repo: glob (`*` matches anything incl. `/`, `{user}` = the account) or RegExp on the repository name.
 * @typedef {{ method: string, path: string, query: Record<string, string | string[]>, basic: boolean,
 *   user: string | null, authOk: boolean, grantType?: string, form?: Record<string, string>, scopes: string[],
 *   status: number, granted?: AccessEntry[], time: number }} TokenRequestLogEntry
 * @typedef {{
 *   users?: Record<string, string>, service?: string, issuer?: string, lifetimeSeconds?: number,
 *   expOffsetSeconds?: number, catalogForUsers?: boolean, anonymousPull?: boolean, ownNamespace?: string[],
 *   rules?: AccessRule[], admins?: string[], authorize?: (account: string | null, scope: AccessEntry) => string[],
 *   requireClientId?: boolean, mode?: TokenServerMode, dir?: string, path?: string,
 *   signingAlg?: 'RS256' | 'ES256', tls?: boolean | { certFile: string, keyFile: string },
 * }} TokenServerOptions
 *   tls: serve https with this cert/key (startRegistry passes its test-CA server cert when the registry uses TLS).
 */

const SECRET_FIELDS = new Set(['password', 'refresh_token']);

/**
 * Parse `type:name:actions` — type up to the first ':', actions after the last ':' (name may hold host:port).
 * @param {string} scope
 * @returns {AccessEntry | null}
 */
export function parseScope(scope) {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return null;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

/** @param {string} glob @param {string | null} user */
function globToRegExp(glob, user) {
  const src = glob
    .split('{user}')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
    )
    .join(user ? user.replace(/[.+?^${}()|[\]\\]/g, '\\$&') : '\u0000');
  return new RegExp(`^${src}$`);
}

/**
 * The default policy: `admins` (default ['admin']) get everything; `account` gets `ownNamespace` actions (pull,push,delete) on `account` and `account/*`;
 * everyone gets pull outside `private/`; logged-in users get `registry:catalog:*`; extra `rules` add grants.
 * @param {TokenServerOptions} o
 * @param {string | null} account
 * @param {AccessEntry} scope
 * @returns {string[]} allowed actions (may include '*')
 */
function defaultAllowed(o, account, scope) {
  /** @type {Set<string>} */ const allowed = new Set();
  if (account && (o.admins ?? ['admin']).includes(account)) return ['*'];
  if (scope.type === 'repository') {
    if (account && (scope.name === account || scope.name.startsWith(`${account}/`)))
      for (const a of o.ownNamespace ?? ['pull', 'push', 'delete']) allowed.add(a);
    if ((o.anonymousPull ?? true) && !scope.name.startsWith('private/')) allowed.add('pull');
  }
  if (scope.type === 'registry' && scope.name === 'catalog' && account && (o.catalogForUsers ?? true)) allowed.add('*');
  for (const r of o.rules ?? []) {
    const who = r.account ?? '*';
    if (!(who === '*' || (who === '+' && account) || who === account)) continue;
    if (scope.type !== 'repository' && !(r.repo instanceof RegExp) && !r.repo.includes(':')) continue;
    const target = scope.type === 'repository' ? scope.name : `${scope.type}:${scope.name}`;
    const re = r.repo instanceof RegExp ? r.repo : globToRegExp(r.repo, account);
    if (re.test(target)) for (const a of r.actions) allowed.add(a);
  }
  return [...allowed];
}

/**
 * Start the token server on a free loopback port.
 * @param {TokenServerOptions} [options]
 */
export async function startTokenServer(options = {}) {
  const o = { ...options };
  const users = { ...(o.users ?? {}) };
  const service = o.service ?? 'hubctl-test-registry';
  const issuer = o.issuer ?? 'hubctl-test-token-issuer';
  const path = o.path ?? '/token';
  const ownDir = o.dir ? null : await mkdtemp(join(tmpdir(), 'hubctl-token-'));
  const dir = o.dir ?? /** @type {string} */ (ownDir);
  const files = await makeSigningCert(dir, o.signingAlg === 'ES256' ? 'ec' : 'rsa');
  const signer = { keyPem: await readFile(files.keyFile, 'utf8'), certPem: await readFile(files.certFile, 'utf8') };
  /** @type {TokenRequestLogEntry[]} */ const log = [];
  /** @type {Map<string, string>} refresh token -> user */ const refreshTokens = new Map();
  const state = {
    mode: /** @type {TokenServerMode} */ (o.mode ?? 'ok'),
    lifetimeSeconds: o.lifetimeSeconds ?? 300,
    expOffsetSeconds: o.expOffsetSeconds,
  };

  /** @param {string | null} account @param {AccessEntry[]} scopes */
  function grant(account, scopes) {
    /** @type {AccessEntry[]} */ const out = [];
    for (const s of scopes) {
      const allowed = o.authorize ? o.authorize(account, s) : defaultAllowed(o, account, s);
      const actions = s.actions.filter(
        (a) => allowed.includes(a) || (allowed.includes('*') && a !== '*') || (a === '*' && allowed.includes('*')),
      );
      if (actions.length) out.push({ type: s.type, name: s.name, actions });
    }
    return out;
  }

  /**
   * Issue a signed token (also usable directly by tests).
   * @param {string | null} account
   * @param {AccessEntry[]} access
   * @param {{ lifetimeSeconds?: number, expOffsetSeconds?: number, audience?: string, issuer?: string }} [opt]
   */
  function issueToken(account, access, opt = {}) {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = opt.lifetimeSeconds ?? state.lifetimeSeconds;
    const off = opt.expOffsetSeconds ?? state.expOffsetSeconds;
    const claims = {
      iss: opt.issuer ?? issuer,
      sub: account ?? '',
      aud: opt.audience ?? service,
      exp: now + (off ?? lifetime),
      nbf: now - 1,
      iat: now,
      jti: randomId(),
      access,
    };
    return { token: signJwt(claims, signer), expiresIn: lifetime, issuedAt: new Date(now * 1000).toISOString() };
  }

  /** @param {string | undefined} header */
  function parseBasic(header) {
    if (!header || !/^basic /i.test(header)) return null;
    const raw = Buffer.from(header.slice(6).trim(), 'base64').toString();
    const i = raw.indexOf(':');
    return i < 0 ? { user: raw, pass: '' } : { user: raw.slice(0, i), pass: raw.slice(i + 1) };
  }

  /** @param {string} user @param {string} pass */
  const checkPassword = (user, pass) => Object.hasOwn(users, user) && users[user] === pass;

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string,string>} [headers] */
  function json(res, status, body, headers = {}) {
    const data = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
    res.end(data);
  }

  if (o.tls === true) throw new Error('startTokenServer: tls needs { certFile, keyFile } (startRegistry with tls: true provides them)');
  const tlsOpts = o.tls ? { cert: await readFile(o.tls.certFile), key: await readFile(o.tls.keyFile) } : null;
  /** @type {import('node:http').RequestListener} */
  const handler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    /** @type {Record<string, string | string[]>} */ const query = {};
    for (const k of new Set(url.searchParams.keys())) {
      const v = url.searchParams.getAll(k);
      query[k] = v.length === 1 ? /** @type {string} */ (v[0]) : v;
    }
    const basic = parseBasic(req.headers.authorization);
    /** @type {TokenRequestLogEntry} */
    const entry = {
      method: req.method ?? '',
      path: url.pathname,
      query,
      basic: !!basic,
      user: basic?.user ?? null,
      authOk: false,
      scopes: [],
      status: 0,
      time: Date.now(),
    };
    log.push(entry);
    const done = (/** @type {number} */ status) => {
      entry.status = status;
    };
    let body = '';
    if (req.method === 'POST') {
      for await (const chunk of req) {
        body += chunk;
        if (body.length > 1 << 20) break;
      }
    }
    if (state.mode === 'reset') {
      done(-1);
      req.socket.destroy();
      return;
    }
    if (state.mode === 'down') {
      done(503);
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('token service down for maintenance\n');
      return;
    }
    if (state.mode === 'garbage') {
      done(200);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>\u0000{not json');
      return;
    }
    if (url.pathname !== path) {
      done(404);
      json(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      return;
    }

    /** @type {string | null} */ let account = null;
    /** @type {string[]} */ let scopeStrings = [];
    let wantRefresh = false;
    let isPost = false;
    if (req.method === 'GET') {
      if (basic) {
        if (!checkPassword(basic.user, basic.pass) && refreshTokens.get(basic.pass) !== basic.user) {
          done(401);
          json(
            res,
            401,
            { errors: [{ code: 'UNAUTHORIZED', message: 'authentication failed' }] },
            { 'www-authenticate': `Basic realm="${service}"` },
          );
          return;
        }
        account = basic.user;
        entry.authOk = true;
      }
      scopeStrings = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      wantRefresh = url.searchParams.get('offline_token') === 'true' && account !== null;
    } else if (req.method === 'POST') {
      isPost = true;
      const form = new URLSearchParams(body);
      /** @type {Record<string, string>} */ const shown = {};
      for (const [k, v] of form) shown[k] = SECRET_FIELDS.has(k) ? '<redacted>' : v;
      entry.form = shown;
      const grantType = form.get('grant_type') ?? '';
      entry.grantType = grantType;
      if ((o.requireClientId ?? true) && !form.get('client_id')) {
        done(400);
        json(res, 400, { error: 'invalid_request', error_description: 'client_id is required' });
        return;
      }
      if (grantType === 'password') {
        const u = form.get('username') ?? '';
        entry.user = u;
        if (!checkPassword(u, form.get('password') ?? '')) {
          done(401);
          json(res, 401, { error: 'invalid_grant', error_description: 'authentication failed' });
          return;
        }
        account = u;
        wantRefresh = form.get('access_type') === 'offline';
      } else if (grantType === 'refresh_token') {
        const u = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!u) {
          done(401);
          json(res, 401, { error: 'invalid_grant', error_description: 'unknown refresh token' });
          return;
        }
        account = u;
        entry.user = u;
      } else {
        done(400);
        json(res, 400, { error: 'unsupported_grant_type' });
        return;
      }
      entry.authOk = true;
      scopeStrings = (form.get('scope') ?? '').split(' ').filter(Boolean);
    } else {
      done(405);
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }

    entry.scopes = scopeStrings;
    const requested = /** @type {AccessEntry[]} */ (scopeStrings.map(parseScope).filter(Boolean));
    const access = grant(account, requested);
    entry.granted = access;
    const t =
      state.mode === 'bad-token'
        ? { token: 'not-a-jwt.garbage.token', expiresIn: state.lifetimeSeconds, issuedAt: new Date().toISOString() }
        : issueToken(account, access);
    /** @type {Record<string, unknown>} */
    const out = isPost
      ? { access_token: t.token, scope: scopeStrings.join(' '), expires_in: t.expiresIn, issued_at: t.issuedAt }
      : { token: t.token, access_token: t.token, expires_in: t.expiresIn, issued_at: t.issuedAt };
    if (wantRefresh && account) {
      const r = randomId();
      refreshTokens.set(r, account);
      out.refresh_token = r;
    }
    done(200);
    json(res, 200, out);
  };
  const server = tlsOpts ? createHttpsServer(tlsOpts, handler) : createServer(handler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const realm = `${tlsOpts ? 'https' : 'http'}://127.0.0.1:${addr.port}${path}`;
  let stopped = false;
  return {
    realm,
    url: realm,
    port: addr.port,
    service,
    issuer,
    rootCertFile: files.certFile,
    signingKeyFile: files.keyFile,
    users,
    log,
    get mode() {
      return state.mode;
    },
    /** @param {TokenServerMode} m */ setMode(m) {
      state.mode = m;
    },
    /** @param {{ lifetimeSeconds?: number, expOffsetSeconds?: number | undefined, mode?: TokenServerMode }} s */
    set(s) {
      if ('lifetimeSeconds' in s && s.lifetimeSeconds !== undefined) state.lifetimeSeconds = s.lifetimeSeconds;
      if ('expOffsetSeconds' in s) state.expOffsetSeconds = s.expOffsetSeconds;
      if (s.mode) state.mode = s.mode;
    },
    clearLog() {
      log.length = 0;
    },
    /** @param {string} user @param {string} password */ addUser(user, password) {
      users[user] = password;
    },
    /** @param {string} user */ refreshTokensOf(user) {
      return [...refreshTokens].filter(([, u]) => u === user).map(([r]) => r);
    },
    issueToken,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
