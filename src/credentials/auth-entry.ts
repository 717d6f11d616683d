/**
 * One `auths` entry of config.json / auth.json <-> a Credential.
 *
 * Docker reads `auth` = base64(`user:pass`) split at the first ':', falls back to plain `username`
 * and `password` fields when `auth` is empty, and reads `identitytoken` and `registrytoken`. When it
 * writes it keeps only `auth` and `identitytoken` (username/password/serveraddress are blanked).
 */
import { storeError } from '../errors.js';
import type { JsonObject } from './config-file.js';
import type { Credential } from './types.js';

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** Decodes `auth`; undefined when it is not base64 of `user:pass`. */
export function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const compact = auth.replace(/\s+/g, '');
  if (!BASE64.test(compact)) return undefined;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The credential in an entry, or undefined when the entry holds none (docker's `{}` placeholder
 * written next to a helper). A malformed `auth` throws CONFIG_INVALID naming file and key.
 */
export function decodeAuthEntry(entry: JsonObject | null | undefined, file: string, key: string): Credential | undefined {
  if (!entry) return undefined;
  const cred: Credential = {};
  const auth = str(entry.auth);
  if (auth !== undefined) {
    const decoded = decodeAuth(auth);
    if (decoded === undefined) {
      throw storeError('CONFIG_INVALID', `the "auth" value for "${key}" in ${file} is not base64 of "user:password"`, {
        hint: `log in again to ${key}, or remove that entry from ${file}`,
        details: { path: file, key },
      });
    }
    if (decoded.username !== '') cred.username = decoded.username;
    if (decoded.password !== '') cred.password = decoded.password;
  } else {
    const u = str(entry.username);
    const p = str(entry.password);
    if (u !== undefined) cred.username = u;
    if (p !== undefined) cred.password = p;
  }
  const identityToken = str(entry.identitytoken);
  const registryToken = str(entry.registrytoken);
  if (identityToken !== undefined) cred.identityToken = identityToken;
  if (registryToken !== undefined) cred.registryToken = registryToken;
  return hasSecret(cred) ? cred : undefined;
}

/** True when the credential can authenticate (a password, a token). */
export function hasSecret(cred: Credential): boolean {
  return cred.password !== undefined || cred.identityToken !== undefined || cred.registryToken !== undefined;
}

/**
 * Writes a credential into an entry the way docker does, keeping the entry's unknown keys (e.g.
 * `email`) in place: `auth` = base64(user:pass) (`user:` with an identity token), identitytoken and
 * registrytoken when given; username/password/serveraddress removed.
 */
export function encodeAuthEntry(existing: JsonObject | null | undefined, cred: Credential): JsonObject {
  const entry: JsonObject = existing ? existing : {};
  const user = cred.username ?? '';
  const pass = cred.identityToken !== undefined ? '' : (cred.password ?? '');
  if (user !== '' || pass !== '') entry.auth = encodeAuth(user, pass);
  else delete entry.auth;
  delete entry.username;
  delete entry.password;
  delete entry.serveraddress;
  if (cred.identityToken !== undefined) entry.identitytoken = cred.identityToken;
  else delete entry.identitytoken;
  if (cred.registryToken !== undefined) entry.registrytoken = cred.registryToken;
  else delete entry.registrytoken;
  return entry;
}

/** The placeholder docker leaves in `auths` when the secret went to a helper. */
export function stripSecrets(existing: JsonObject | null | undefined): JsonObject {
  return encodeAuthEntry(existing, {});
}
