import { HubctlError, authError } from '../errors.js';
import type { Credential } from '../credentials/types.js';
import type { HttpClient } from '../http/client.js';
import type { RegistryResponse } from '../http/types.js';
import { LIMITS, errMessage } from '../http/body.js';
import { statusError } from '../http/errors.js';

export const CLIENT_ID = 'hubctl';
/** Tokens living less than this (or with no expires_in) are treated as living this long. */
export const MIN_TOKEN_TTL_S = 60;

export interface TokenRequest {
  realm: URL;
  service?: string;
  scopes: readonly string[];
  credential?: Credential;
  /** Registry as the user names it, for messages. */
  registry: string;
  /** Login: ask for a refresh token (`offline_token=true`). */
  offline?: boolean;
  signal?: AbortSignal;
}

export interface Token {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  scopes: readonly string[];
  refreshToken?: string;
}

interface TokenBody {
  token?: unknown;
  access_token?: unknown;
  expires_in?: unknown;
  issued_at?: unknown;
  refresh_token?: unknown;
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function hasPassword(c: Credential | undefined): c is Credential & { username: string; password: string } {
  return c?.username !== undefined && c.username !== '' && c.password !== undefined;
}

/**
 * Gets a token from a token server: OAuth2 POST with the refresh token when the credential holds an
 * identity token (GET when the server has no POST endpoint), else GET with Basic credentials or anonymously.
 */
export async function fetchToken(client: HttpClient, req: TokenRequest, now: () => number): Promise<Token> {
  const identity = req.credential?.identityToken;
  if (identity !== undefined && identity !== '' && req.offline !== true) {
    const res = await postRefresh(client, req, identity);
    if (res.status !== 404 && res.status !== 405) return readToken(res, req, now, true);
    await res.discard();
  }
  return readToken(await getToken(client, req), req, now, hasPassword(req.credential));
}

async function postRefresh(client: HttpClient, req: TokenRequest, refreshToken: string): Promise<RegistryResponse> {
  const form = new URLSearchParams();
  form.set('grant_type', 'refresh_token');
  form.set('refresh_token', refreshToken);
  if (req.service !== undefined) form.set('service', req.service);
  form.set('client_id', CLIENT_ID);
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  return client.send({
    method: 'POST',
    url: req.realm.href,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    retry: true,
    followRedirects: false,
    signal: req.signal,
    acceptStatus: [401, 403, 404, 405],
  });
}

async function getToken(client: HttpClient, req: TokenRequest): Promise<RegistryResponse> {
  const url = new URL(req.realm.href);
  if (req.service !== undefined) url.searchParams.append('service', req.service);
  for (const s of req.scopes) url.searchParams.append('scope', s);
  const cred = req.credential;
  let authorization: string | undefined;
  if (hasPassword(cred)) {
    authorization = basicAuth(cred.username, cred.password);
    url.searchParams.append('account', cred.username);
  }
  if (req.offline === true) {
    url.searchParams.append('offline_token', 'true');
    url.searchParams.append('client_id', CLIENT_ID);
  }
  return client.send({
    method: 'GET',
    url: url.href,
    retry: true,
    followRedirects: true,
    authorization,
    authOrigin: url.origin,
    signal: req.signal,
    acceptStatus: [401, 403],
    smallBody: true,
  });
}

async function readToken(res: RegistryResponse, req: TokenRequest, now: () => number, sentCredentials: boolean): Promise<Token> {
  const host = req.realm.host;
  if (res.status === 401 || res.status === 403) {
    await res.discard();
    throw authError(
      'UNAUTHORIZED',
      sentCredentials
        ? `the token server ${host} refused the credentials for ${req.registry}: incorrect username or password`
        : `the token server ${host} refused anonymous access to ${req.registry}`,
      { hint: `log in with \`hubctl login ${req.registry}\``, details: { status: res.status, scopes: [...req.scopes] } },
    );
  }
  if (res.status < 200 || res.status >= 300) {
    const body = await res.bytes(LIMITS.errorBody).catch(() => undefined);
    const cause = statusError(res.status, body, { method: 'GET', url: res.url, registry: req.registry, headers: res.headers });
    if (cause.code === 'TOOMANYREQUESTS') throw cause;
    // Without a token nothing works: say it is the authentication step that failed, not the registry.
    throw authError('TOKEN_SERVER_ERROR', `the token server ${host} for ${req.registry} failed with HTTP ${res.status}`, {
      hint:
        res.status >= 500
          ? "the registry's authentication service is unavailable; try again later"
          : "the registry's authentication service rejected the request",
      cause,
      details: { status: res.status },
    });
  }
  let parsed: TokenBody;
  try {
    parsed = await res.json<TokenBody>(LIMITS.tokenBody);
  } catch (e) {
    throw authError(
      'INVALID_TOKEN_RESPONSE',
      `the token server ${host} sent an unreadable answer: ${e instanceof HubctlError ? e.message : errMessage(e)}`,
      { cause: e },
    );
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw authError('INVALID_TOKEN_RESPONSE', `the token server ${host} sent no token`);
  }
  const token = [parsed.access_token, parsed.token].find((t): t is string => typeof t === 'string' && t !== '');
  if (token === undefined) throw authError('INVALID_TOKEN_RESPONSE', `the token server ${host} sent no token`);
  const ttl =
    typeof parsed.expires_in === 'number' && Number.isFinite(parsed.expires_in) && parsed.expires_in >= MIN_TOKEN_TTL_S
      ? parsed.expires_in
      : MIN_TOKEN_TTL_S;
  const current = now();
  let issued = typeof parsed.issued_at === 'string' ? Date.parse(parsed.issued_at) : Number.NaN;
  // a skewed server clock must neither stretch the lifetime nor hand us an already-expired token
  if (Number.isNaN(issued) || issued > current || issued + ttl * 1000 <= current) issued = current;
  const out: Token = { token, expiresAt: issued + ttl * 1000, scopes: [...req.scopes] };
  if (typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '') out.refreshToken = parsed.refresh_token;
  return out;
}
