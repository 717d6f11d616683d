/**
 * Finds the credential for a registry, docker's way plus two hubctl extras.
 *
 * Order:
 *   1. the OS keychain, only for servers hubctl's preferences say were stored there (`login --store
 *      keychain`); it comes first because it is the user's most recent explicit choice for that server
 *      and docker's config knows nothing about it;
 *   2. `credHelpers[host]` (docker: the one store for that host; credsStore is then not asked);
 *   3. else `credsStore`;
 *   4. `auths[key]` in config.json (docker's native store also falls back to the file entry);
 *   5. podman/skopeo's auth.json, read only.
 */
import { HubctlError } from '../errors.js';
import { decodeAuthEntry } from './auth-entry.js';
import { findInAuthFiles } from './auth-file.js';
import type { CredentialBackend } from './backend.js';
import { authsOf, credHelpersOf, credsStoreOf, readDockerConfig, type DockerConfigFile } from './config-file.js';
import { createHelperBackend } from './helper.js';
import { createKeychainBackend } from './keychain.js';
import { envOf, type CredentialsOptions } from './options.js';
import { openPreferences } from './preferences.js';
import { helperServerUrl, matchingKeys, registryHost } from './server-key.js';
import type { Credential, CredentialSource } from './types.js';
import { legacyKeytar } from './legacy-keytar.js';

export type CredentialOrigin = 'helper' | 'store' | 'file' | 'keychain' | 'authfile';

export interface FoundCredential {
  credential: Credential;
  /** helper = credHelpers[host], store = credsStore, file = config.json auths, keychain, authfile = auth.json. */
  source: CredentialOrigin;
  /** The helper name (`pass`) for helper/store. */
  helper?: string;
  /** The key it was found under (config key, helper server URL, keychain account, auth.json key). */
  key: string;
  /** The file involved (config.json, or the auth.json that held it). */
  path?: string;
}

export interface FindOptions extends CredentialsOptions {
  /** Repository (`ns/repo`) for auth.json's namespace-scoped keys. */
  repository?: string;
}

/** The helper config.json chooses for a registry, with the key that chose it. */
export interface HelperChoice {
  name: string;
  source: 'helper' | 'store';
  /** `credHelpers["host"]` or `credsStore`, for messages. */
  chosenBy: string;
}

export function helperFor(config: DockerConfigFile, registry: string): HelperChoice | undefined {
  const helpers = credHelpersOf(config.data);
  for (const key of matchingKeys(helpers, registry)) {
    const name = helpers[key];
    if (typeof name === 'string' && name !== '') return { name, source: 'helper', chosenBy: `credHelpers["${key}"]` };
  }
  const store = credsStoreOf(config.data);
  return store === undefined ? undefined : { name: store, source: 'store', chosenBy: 'credsStore' };
}

export function helperBackend(choice: HelperChoice, config: DockerConfigFile, opts: CredentialsOptions): CredentialBackend {
  return createHelperBackend({
    name: choice.name,
    chosenBy: choice.chosenBy,
    configPath: config.path,
    env: opts.env,
    spawn: opts.spawn,
    timeoutMs: opts.helperTimeoutMs,
  });
}

export function keychainBackend(opts: CredentialsOptions): CredentialBackend {
  const legacy = process.platform === 'linux' && opts.readLegacyKeytar !== false ? legacyKeytar(envOf(opts)) : undefined;
  return createKeychainBackend({ service: opts.keychainService, loadKeyring: opts.loadKeyring, ...(legacy ? { legacy } : {}) });
}

/** Finds a registry's credential and says where it came from; undefined = anonymous. */
export async function findCredential(registry: string, opts: FindOptions): Promise<FoundCredential | undefined> {
  const config = await readDockerConfig(opts);
  const serverUrl = helperServerUrl(registry);

  if ((await openPreferences(opts)).storeFor(registry) === 'keychain') {
    const credential = await keychainBackend(opts).get(serverUrl);
    if (credential !== undefined) return { credential, source: 'keychain', key: serverUrl };
  }

  const choice = helperFor(config, registry);
  if (choice !== undefined) {
    const credential = await helperBackend(choice, config, opts).get(serverUrl);
    if (credential !== undefined) {
      return { credential, source: choice.source, helper: choice.name, key: serverUrl, path: config.path };
    }
  }

  const auths = authsOf(config.data);
  for (const key of matchingKeys(auths, registry)) {
    const credential = decodeAuthEntry(auths[key], config.path, key);
    if (credential !== undefined) return { credential, source: 'file', key, path: config.path };
  }

  if (opts.readAuthFile !== false) {
    const found = await findInAuthFiles(registry, opts, opts.repository);
    if (found !== undefined) return { credential: found.credential, source: 'authfile', key: found.key, path: found.file };
  }
  return undefined;
}

export interface SourceOptions extends CredentialsOptions {
  /** Remember answers per registry for the life of the source (default true: one helper run per pull). */
  cache?: boolean;
  /**
   * When set, a failing lookup (helper missing or broken, corrupt config, keychain down) is reported
   * here and the registry is tried anonymously instead of failing (e.g. a copied Docker Desktop config
   * naming `credsStore: "desktop"` on Linux). Unset: the error is thrown, as docker does.
   */
  onError?: (error: unknown, registry: string) => void;
}

/**
 * The `CredentialSource` the transport takes. Errors (a broken helper, a corrupt config) are thrown
 * as HubctlError so the user learns why a pull is anonymous rather than getting a bare 401.
 */
export function createCredentialSource(opts: SourceOptions): CredentialSource {
  const cache = new Map<string, Promise<Credential | undefined>>();
  const lookup = (registry: string): Promise<Credential | undefined> => {
    const found = findCredential(registry, opts).then((f) => f?.credential);
    const onError = opts.onError;
    if (onError === undefined) return found;
    return found.catch((e: unknown) => {
      onError(e, registry);
      return undefined;
    });
  };
  return (registry: string) => {
    const host = registryHost(registry);
    if (opts.cache === false) return lookup(registry);
    let hit = cache.get(host);
    if (hit === undefined) {
      hit = lookup(registry);
      hit.catch(() => cache.delete(host));
      cache.set(host, hit);
    }
    return hit;
  };
}

export function isCredentialError(e: unknown): e is HubctlError {
  return (
    e instanceof HubctlError && ['CREDENTIAL_HELPER_FAILED', 'CONFIG_INVALID', 'KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_FAILED'].includes(e.code)
  );
}
