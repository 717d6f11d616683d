/**
 * Who may deliver: the shared secret as `Authorization: Bearer SECRET` (distribution's endpoint
 * `headers`), as `?token=SECRET` (Docker Hub can only put it in the URL), or an HMAC-SHA256 of the raw
 * body keyed with the secret (GitHub, Gitea, Forgejo). Every comparison is constant-time over SHA-256
 * digests, so neither the secret's length nor its prefix leaks through timing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Headers a git host signs its deliveries with, and the prefix before the hex digest. */
const SIGNATURE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-hub-signature-256', 'sha256='],
  ['x-gitea-signature', ''],
  ['x-forgejo-signature', ''],
];

export interface PresentedCredentials {
  bearer?: string;
  token?: string;
  /** Each signature header present: its name and value. */
  signatures: Array<{ header: string; value: string }>;
}

export type AuthVerdict = { ok: true; method: 'bearer' | 'token' | 'hmac' } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads what a request offers as proof, without judging it yet (the HMAC needs the body). */
export function presentedCredentials(headers: Headers, query: URLSearchParams): PresentedCredentials {
  const out: PresentedCredentials = { signatures: [] };
  const authorization = header(headers, 'authorization');
  if (authorization !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    // Another scheme (Basic...) is a presented credential that cannot match: kept as a wrong bearer.
    out.bearer = m ? m[1]!.trim() : '';
  }
  const token = query.get('token');
  if (token !== null) out.token = token;
  for (const [name] of SIGNATURE_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) out.signatures.push({ header: name, value: value.trim() });
  }
  return out;
}

export function hasAnyCredential(c: PresentedCredentials): boolean {
  return c.bearer !== undefined || c.token !== undefined || c.signatures.length > 0;
}

const digestOf = (s: string | Buffer) => createHash('sha256').update(s).digest();

/** Constant-time equality of two strings of any lengths. */
export function secretEquals(a: string, b: string): boolean {
  return timingSafeEqual(digestOf(a), digestOf(b));
}

/** `sha256=<hex>` as GitHub computes it for `body` with `secret`. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function signatureMatches(secret: string, body: Buffer, header: string, value: string): boolean {
  const prefix = SIGNATURE_HEADERS.find(([name]) => name === header)?.[1] ?? '';
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  const given = value.toLowerCase().startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : '';
  return secretEquals(given, expected);
}

/**
 * Every credential the request presents must be right, and there must be at least one: a wrong
 * signature next to a right token is refused (the body may have been changed on the way).
 */
export function verifyCredentials(secret: string, c: PresentedCredentials, body: Buffer): AuthVerdict {
  if (!hasAnyCredential(c)) return { ok: false, reason: 'no credentials' };
  let method: 'bearer' | 'token' | 'hmac' | undefined;
  if (c.bearer !== undefined) {
    if (!secretEquals(c.bearer, secret)) return { ok: false, reason: 'wrong bearer token' };
    method = 'bearer';
  }
  if (c.token !== undefined) {
    if (!secretEquals(c.token, secret)) return { ok: false, reason: 'wrong token parameter' };
    method ??= 'token';
  }
  for (const s of c.signatures) {
    if (!signatureMatches(secret, body, s.header, s.value)) return { ok: false, reason: `bad signature in ${s.header}` };
    method = 'hmac';
  }
  return { ok: true, method: method ?? 'hmac' };
}
