import { HubctlError, type ErrorKind } from '../errors.js';
import { errorCode } from './retry.js';
import { errMessage } from './body.js';

/** One entry of the registry error envelope `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

export interface StatusErrorContext {
  method: string;
  /** URL of the request (redacted before use). */
  url: string;
  /** Registry as the user names it, for hints (`docker.io`, `localhost:5000`). */
  registry: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** Parses the error envelope; tolerant of non-JSON and odd shapes. */
export function parseErrorEnvelope(body: string | Uint8Array | undefined): RegistryErrorEntry[] {
  if (body === undefined) return [];
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object') return [];
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) {
    // some token servers answer {"details": "..."} or {"error": "..."}
    const single = parsed as { error?: unknown; details?: unknown; message?: unknown };
    const msg = [single.error, single.details, single.message].find((v) => typeof v === 'string');
    return typeof msg === 'string' ? [{ code: 'UNKNOWN', message: msg }] : [];
  }
  const out: RegistryErrorEntry[] = [];
  for (const e of errors) {
    if (e === null || typeof e !== 'object') continue;
    const raw = (e as { code?: unknown }).code;
    // a missing or empty code must not become an empty HubctlError code
    const code = typeof raw === 'string' && raw.trim() !== '' ? raw : 'UNKNOWN';
    const message = (e as { message?: unknown }).message;
    const entry: RegistryErrorEntry = { code };
    if (typeof message === 'string') entry.message = message;
    if ((e as { detail?: unknown }).detail !== undefined) entry.detail = (e as { detail?: unknown }).detail;
    out.push(entry);
  }
  return out;
}

const INTEGRITY_CODES = new Set(['DIGEST_INVALID', 'MANIFEST_INVALID', 'SIZE_INVALID', 'BLOB_UPLOAD_INVALID_DIGEST']);

function headerValue(headers: StatusErrorContext['headers'], name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    // query strings of upload locations and signed URLs carry state and signatures
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Docker Hub's pull limit: 429 TOOMANYREQUESTS with ratelimit-* headers. */
export function isPullRateLimit(status: number, entries: RegistryErrorEntry[], headers: StatusErrorContext['headers']): boolean {
  return (
    status === 429 &&
    entries.some((e) => e.code === 'TOOMANYREQUESTS') &&
    (headerValue(headers, 'ratelimit-limit') !== undefined || headerValue(headers, 'ratelimit-remaining') !== undefined)
  );
}

function limitNumber(v: string | undefined): string {
  if (v === undefined) return '?';
  return v.split(';')[0]?.trim() ?? v;
}

/** Turns a non-2xx response into a typed error. */
export function statusError(status: number, body: string | Uint8Array | undefined, ctx: StatusErrorContext): HubctlError {
  const entries = parseErrorEnvelope(body);
  const first = entries[0];
  const codes = entries.map((e) => e.code);
  const where = `${ctx.method} ${safeUrl(ctx.url)}`;
  const registryMsg = first?.message ? `: ${first.message}` : '';
  const details: Record<string, unknown> = { status, url: safeUrl(ctx.url), registry: ctx.registry };
  if (codes.length > 0) details.codes = codes;
  if (entries.length > 0) details.errors = entries;

  if (isPullRateLimit(status, entries, ctx.headers)) {
    const limit = limitNumber(headerValue(ctx.headers, 'ratelimit-limit'));
    const remaining = limitNumber(headerValue(ctx.headers, 'ratelimit-remaining'));
    details.rateLimit = { limit, remaining };
    return new HubctlError(
      'network',
      'TOOMANYREQUESTS',
      `${ctx.registry}: pull rate limit reached (limit ${limit}, remaining ${remaining})${registryMsg}`,
      { hint: `log in with \`hubctl login ${ctx.registry}\` for a higher limit, or wait for the window to reset`, details },
    );
  }

  let kind: ErrorKind;
  let code = first?.code ?? `HTTP_${status}`;
  let hint: string | undefined;
  if (status === 401 || status === 403) {
    kind = 'auth';
    if (first === undefined) code = status === 401 ? 'UNAUTHORIZED' : 'DENIED';
    hint = `check your access, or log in with \`hubctl login ${ctx.registry}\``;
  } else if (status === 404) {
    kind = 'notfound';
    if (first === undefined) code = 'NOT_FOUND';
  } else if (status === 408 || status === 429 || status >= 500) {
    kind = 'network';
    if (first === undefined) code = status === 429 ? 'TOOMANYREQUESTS' : `HTTP_${status}`;
    const retryAfter = headerValue(ctx.headers, 'retry-after');
    if (retryAfter !== undefined) details.retryAfter = retryAfter;
    hint = status === 429 ? 'the registry is rate limiting; wait and try again' : 'the registry had a problem; try again later';
  } else if (status === 400 && codes.some((c) => INTEGRITY_CODES.has(c))) {
    kind = 'integrity';
  } else {
    kind = 'internal';
  }
  return new HubctlError(kind, code, `${where} failed: ${status}${registryMsg}`, { hint, details });
}

const CONNECT_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response body',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (the server may speak plain HTTP)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain has an untrusted self-signed root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer is unknown',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** True for certificate-verification failures (as opposed to a non-TLS server). */
export function isCertificateError(e: unknown): boolean {
  const code = errorCode(e) ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME/.test(code);
}

/** Maps a connection-level failure (nothing or no complete response came back) to a network error. */
export function connectionError(e: unknown, hostPort: string, registry: string, aborted = false): HubctlError {
  if (e instanceof HubctlError) return e;
  const code = errorCode(e);
  // undici also reports some proxy failures as AbortError: only the caller's signal means "interrupted"
  if (aborted) {
    return new HubctlError('interrupted', 'ABORTED', `request to ${hostPort} was aborted`, { cause: e });
  }
  const what = (code !== undefined ? CONNECT_MESSAGES[code] : undefined) ?? errMessage(e);
  let hint = `check that ${hostPort} is reachable (network, proxy settings, registry name)`;
  if (isCertificateError(e)) {
    hint = `trust the registry's CA (put it in ~/.docker/certs.d/${registry}/ca.crt) or mark ${registry} insecure`;
  } else if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    hint = `if ${registry} serves plain HTTP, mark it insecure`;
  }
  const details: Record<string, unknown> = { host: hostPort };
  if (code !== undefined) details.errno = code;
  const certCode = isCertificateError(e) ? 'TLS_ERROR' : 'CONNECTION_FAILED';
  return new HubctlError('network', certCode, `cannot connect to ${hostPort}: ${what}`, { hint, cause: e, details });
}
