/**
 * The OS keychain (macOS Keychain, Windows Credential Vault, the Secret Service on Linux) through
 * keytar, an optional native dependency loaded only when used.
 *
 * One item per registry: service `hubctl`, account = config key, password = JSON
 * `{"username":..,"secret":..}` or `{"username":..,"identitytoken":..}`.
 * On Linux keytar talks to the Secret Service over the D-Bus session bus named by the process's
 * own DBUS_SESSION_BUS_ADDRESS (libsecret reads it; it cannot be injected).
 */
import { HubctlError } from '../errors.js';
import type { CredentialBackend } from './backend.js';
import type { KeytarLike } from './options.js';
import type { Credential } from './types.js';

export const DEFAULT_KEYCHAIN_SERVICE = 'hubctl';

const HINT_MISSING =
  'use a docker credential helper instead (set "credsStore" in your docker config, e.g. "pass" or "secretservice"), or log in with --store file';

/** Imports keytar lazily; a missing or unloadable binding is a KEYCHAIN_UNAVAILABLE error. */
export async function loadKeytar(importModule: (specifier: string) => Promise<unknown> = (s) => import(s)): Promise<KeytarLike> {
  let mod: { default?: KeytarLike } & Partial<KeytarLike>;
  try {
    mod = (await importModule('keytar')) as typeof mod;
  } catch (e) {
    throw new HubctlError(
      'store',
      'KEYCHAIN_UNAVAILABLE',
      `the OS keychain cannot be used: the optional "keytar" module could not be loaded (${(e as Error).message.split('\n')[0]})`,
      {
        hint: HINT_MISSING,
        cause: e,
      },
    );
  }
  const k = (mod.default ?? mod) as KeytarLike;
  if (typeof k.getPassword !== 'function' || typeof k.findCredentials !== 'function') {
    throw new HubctlError('store', 'KEYCHAIN_UNAVAILABLE', 'the OS keychain cannot be used: "keytar" does not have the expected API', {
      hint: HINT_MISSING,
    });
  }
  return k;
}

export interface KeychainOptions {
  service?: string;
  loadKeytar?: () => Promise<KeytarLike>;
}

export function encodeKeychainSecret(cred: Credential): string {
  const item: Record<string, string> = {};
  if (cred.username !== undefined) item.username = cred.username;
  if (cred.identityToken !== undefined) item.identitytoken = cred.identityToken;
  else if (cred.password !== undefined) item.secret = cred.password;
  if (cred.registryToken !== undefined) item.registrytoken = cred.registryToken;
  return JSON.stringify(item);
}

export function decodeKeychainSecret(text: string): Credential | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const cred: Credential = {};
  if (s(o.username) !== undefined) cred.username = s(o.username);
  if (s(o.secret) !== undefined) cred.password = s(o.secret);
  if (s(o.identitytoken) !== undefined) cred.identityToken = s(o.identitytoken);
  if (s(o.registrytoken) !== undefined) cred.registryToken = s(o.registrytoken);
  return (cred.password ?? cred.identityToken ?? cred.registryToken) ? cred : undefined;
}

/** The keychain behind the same interface as the helpers. */
export function createKeychainBackend(options: KeychainOptions = {}): CredentialBackend {
  const service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
  const load = options.loadKeytar ?? (() => loadKeytar());
  let keytar: Promise<KeytarLike> | undefined;
  const get = () => (keytar ??= load());

  const wrap = async <T>(action: string, server: string | undefined, fn: (k: KeytarLike) => Promise<T>): Promise<T> => {
    const k = await get();
    try {
      return await fn(k);
    } catch (e) {
      throw new HubctlError(
        'store',
        'KEYCHAIN_FAILED',
        `the OS keychain failed to ${action} credentials${server ? ` for ${server}` : ''}: ${(e as Error).message}`,
        {
          hint: 'check that a keyring is running and unlocked (on Linux: a Secret Service such as gnome-keyring on the D-Bus session bus), or log in with --store file',
          cause: e,
        },
      );
    }
  };

  return {
    get: (serverUrl) =>
      wrap('get', serverUrl, async (k) => {
        const text = await k.getPassword(service, serverUrl);
        return text === null ? undefined : decodeKeychainSecret(text);
      }),
    store: (serverUrl, cred) => wrap('store', serverUrl, (k) => k.setPassword(service, serverUrl, encodeKeychainSecret(cred))),
    erase: (serverUrl) => wrap('erase', serverUrl, (k) => k.deletePassword(service, serverUrl)),
    list: () =>
      wrap('list', undefined, async (k) => {
        const out: Record<string, string> = {};
        for (const { account, password } of await k.findCredentials(service)) {
          out[account] = decodeKeychainSecret(password)?.username ?? '';
        }
        return out;
      }),
  };
}
