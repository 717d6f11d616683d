/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux) through
 * `@napi-rs/keyring` (prebuilt for each platform, no compiler, no libsecret), loaded only when used.
 *
 * One item per registry: service `hubctl`, account = config key, password = JSON
 * `{"username":..,"secret":..}` or `{"username":..,"identitytoken":..}`: the names keytar used. On
 * macOS and Windows the items are the very ones keytar wrote. On Linux keytar (libsecret) tagged an
 * item `service` + `account` while keyring tags it `service` + `username`: legacy-keytar.ts reads the
 * old items and moves them over the first time they are asked for.
 * On Linux the Secret Service is required (never the kernel keyring, which forgets at logout): a
 * missing one is an error, as it was with keytar. The D-Bus session bus is the one named by the
 * process's own DBUS_SESSION_BUS_ADDRESS.
 */
import { HubctlError } from '../errors.js';
import type { CredentialBackend } from './backend.js';
import type { LegacyKeytar } from './legacy-keytar.js';
import type { KeyringLike } from './options.js';
import type { Credential } from './types.js';

export const DEFAULT_KEYCHAIN_SERVICE = 'hubctl';
export const KEYRING_MODULE = '@napi-rs/keyring';

const HINT_MISSING =
  'use a docker credential helper instead (set "credsStore" in your docker config, e.g. "pass" or "secretservice"), or log in with --store file';

/** What hubctl uses of @napi-rs/keyring. */
interface KeyringModule {
  AsyncEntry: new (
    service: string,
    account: string,
    options?: { linux?: { store?: 'secret-service' | 'keyutils' } },
  ) => {
    getPassword(): Promise<string | null>;
    setPassword(password: string): Promise<void>;
    deletePassword(): Promise<boolean>;
  };
  findCredentialsAsync(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** The keytar-shaped API over @napi-rs/keyring, pinned to the Secret Service on Linux. */
export function keyringApi(mod: KeyringModule): KeyringLike {
  const entry = (service: string, account: string) => new mod.AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  return {
    getPassword: (service, account) => entry(service, account).getPassword(),
    setPassword: (service, account, password) => entry(service, account).setPassword(password),
    deletePassword: (service, account) => entry(service, account).deletePassword(),
    findCredentials: (service) => mod.findCredentialsAsync(service),
  };
}

/** Imports the keyring lazily; a missing or unloadable binding is a KEYCHAIN_UNAVAILABLE error. */
export async function loadKeyring(importModule: (specifier: string) => Promise<unknown> = (s) => import(s)): Promise<KeyringLike> {
  let mod: { default?: KeyringModule } & Partial<KeyringModule>;
  try {
    mod = (await importModule(KEYRING_MODULE)) as typeof mod;
  } catch (e) {
    throw new HubctlError(
      'store',
      'KEYCHAIN_UNAVAILABLE',
      `the OS keychain cannot be used: the "${KEYRING_MODULE}" module could not be loaded (${(e as Error).message.split('\n')[0]})`,
      { hint: HINT_MISSING, cause: e },
    );
  }
  const k = (typeof mod.AsyncEntry === 'function' ? mod : mod.default) as Partial<KeyringModule> | undefined;
  if (typeof k?.AsyncEntry !== 'function' || typeof k.findCredentialsAsync !== 'function') {
    throw new HubctlError(
      'store',
      'KEYCHAIN_UNAVAILABLE',
      `the OS keychain cannot be used: "${KEYRING_MODULE}" does not have the expected API`,
      {
        hint: HINT_MISSING,
      },
    );
  }
  return keyringApi(k as KeyringModule);
}

export interface KeychainOptions {
  service?: string;
  loadKeyring?: () => Promise<KeyringLike>;
  /** Items keytar wrote on Linux (legacy-keytar.ts): read when the keyring has none, then moved over. */
  legacy?: LegacyKeytar;
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
  const load = options.loadKeyring ?? (() => loadKeyring());
  let keyring: Promise<KeyringLike> | undefined;
  const get = () => (keyring ??= load());

  const wrap = async <T>(action: string, server: string | undefined, fn: (k: KeyringLike) => Promise<T>): Promise<T> => {
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

  const legacy = options.legacy;
  // keytar's items of a server (none when there is no legacy reader or the bus cannot be read)
  const legacyItems = async (serverUrl?: string) => (legacy ? await legacy.find(service, serverUrl).catch(() => []) : []);
  const dropLegacy = async (serverUrl: string) => {
    const old = await legacyItems(serverUrl);
    for (const item of old) await legacy?.delete(item);
    return old.length > 0;
  };

  return {
    get: (serverUrl) =>
      wrap('get', serverUrl, async (k) => {
        const text = await k.getPassword(service, serverUrl);
        if (text !== null) return decodeKeychainSecret(text);
        const [old] = await legacyItems(serverUrl);
        if (old === undefined) return undefined;
        await k.setPassword(service, serverUrl, old.secret); // the same JSON, in the keyring's layout
        await dropLegacy(serverUrl);
        return decodeKeychainSecret(old.secret);
      }),
    store: (serverUrl, cred) =>
      wrap('store', serverUrl, async (k) => {
        await k.setPassword(service, serverUrl, encodeKeychainSecret(cred));
        await dropLegacy(serverUrl);
      }),
    erase: (serverUrl) =>
      wrap('erase', serverUrl, async (k) => {
        const erased = await k.deletePassword(service, serverUrl);
        return (await dropLegacy(serverUrl)) || erased;
      }),
    list: () =>
      wrap('list', undefined, async (k) => {
        const out: Record<string, string> = {};
        for (const { account, secret } of await legacyItems()) out[account] = decodeKeychainSecret(secret)?.username ?? '';
        for (const { account, password } of await k.findCredentials(service)) {
          out[account] = decodeKeychainSecret(password)?.username ?? '';
        }
        return out;
      }),
  };
}
