/**
 * Storing and erasing credentials for `hubctl login` / `hubctl logout`.
 *
 * Default target, as docker: the helper config.json names for the server (credHelpers[host], else
 * credsStore), else the file in plaintext. A server hubctl put in the keychain stays there on the next
 * login unless --store says otherwise. Helpers get docker's `{}` placeholder in `auths` (which also
 * removes any old plaintext `auth` for that key).
 */
import { usageError } from '../errors.js';
import { encodeAuthEntry, hasSecret, stripSecrets } from './auth-entry.js';
import { findInAuthFiles } from './auth-file.js';
import {
  authsOf,
  credHelpersOf,
  ensureAuths,
  isJsonObject,
  readDockerConfig,
  writeDockerConfig,
  type DockerConfigFile,
} from './config-file.js';
import { TOKEN_USERNAME } from './helper.js';
import type { CredentialsOptions } from './options.js';
import { openPreferences, type StoreKind } from './preferences.js';
import { findCredential, helperBackend, helperFor, keychainBackend, type HelperChoice } from './resolver.js';
import { configKey, helperServerUrl, matchingKeys } from './server-key.js';
import type { Credential } from './types.js';

export interface SaveOptions extends CredentialsOptions {
  /** Where to store; default: keychain if hubctl put this server there, else docker's rule. */
  store?: StoreKind;
  /** With store 'helper': use docker-credential-<helper> and record it as credHelpers[key] in config.json. */
  helper?: string;
}

export interface SaveResult {
  store: StoreKind;
  /** For people: `/home/u/.docker/config.json`, `docker-credential-pass`, `the OS keychain`. */
  where: string;
  /** True when the secret went to config.json in plaintext: print docker's warning once. */
  plaintextWarning: boolean;
  helper?: string;
  /** The config.json that was written, if any. */
  path?: string;
  /** Set when a helper in config.json is asked before the file for this server (so it may win). */
  shadowedBy?: string;
}

/** Stores a verified credential. Throws CONFIG_INVALID on a corrupt config.json (never overwritten). */
export async function saveCredential(registry: string, credential: Credential, opts: SaveOptions): Promise<SaveResult> {
  if (!hasSecret(credential)) throw usageError('CREDENTIAL_INCOMPLETE', `nothing to store for ${registry}: no password or token`);
  const config = await readDockerConfig(opts);
  const prefs = await openPreferences(opts);
  const key = configKey(registry);
  const serverUrl = helperServerUrl(registry);
  let choice = helperFor(config, registry);
  const store: StoreKind =
    opts.store ??
    (opts.helper !== undefined
      ? 'helper'
      : prefs.storeFor(registry) === 'keychain'
        ? 'keychain'
        : (prefs.defaultStore() ?? (choice ? 'helper' : 'file')));

  if (store === 'keychain') {
    await keychainBackend(opts).store(serverUrl, credential);
    await prefs.setStoreFor(registry, 'keychain');
    return { store, where: 'the OS keychain', plaintextWarning: false };
  }

  if (store === 'helper') {
    if (opts.helper !== undefined) {
      if (!isJsonObject(config.data.credHelpers)) config.data.credHelpers = {};
      const helpers = credHelpersOf(config.data);
      if (helpers[key] !== opts.helper) helpers[key] = opts.helper;
      choice = { name: opts.helper, source: 'helper', chosenBy: `credHelpers["${key}"]` };
    }
    if (choice === undefined) {
      throw usageError('NO_CREDENTIAL_HELPER', `no credential helper is configured for ${registry} in ${config.path}`, {
        hint: 'set "credsStore" (or "credHelpers") in your docker config, name one with --helper, or use --store file|keychain',
      });
    }
    await helperBackend(choice, config, opts).store(serverUrl, credential);
    const auths = ensureAuths(config.data);
    auths[key] = stripSecrets(auths[key]);
    await writeDockerConfig(config);
    await prefs.setStoreFor(registry, undefined);
    return { store, where: `docker-credential-${choice.name}`, plaintextWarning: false, helper: choice.name, path: config.path };
  }

  const auths = ensureAuths(config.data);
  auths[key] = encodeAuthEntry(auths[key], credential);
  await writeDockerConfig(config);
  await prefs.setStoreFor(registry, undefined);
  const result: SaveResult = { store, where: config.path, plaintextWarning: true, path: config.path };
  if (choice !== undefined) result.shadowedBy = choice.chosenBy;
  return result;
}

export interface EraseResult {
  /** True when a credential was removed from at least one place. */
  erased: boolean;
  /** Where it was removed from, for people. */
  where: string[];
  /** Places hubctl does not write that still hold one (podman's auth.json). */
  remaining: string[];
}

/**
 * Erases a registry's credentials from every place hubctl manages: the keychain (when hubctl put
 * them there), the helpers config.json names (credHelpers[host] and credsStore), and every `auths`
 * key naming the registry. Nothing stored is not an error.
 */
export async function eraseCredential(registry: string, opts: CredentialsOptions): Promise<EraseResult> {
  const config = await readDockerConfig(opts);
  const prefs = await openPreferences(opts);
  const serverUrl = helperServerUrl(registry);
  const where: string[] = [];

  if (prefs.storeFor(registry) === 'keychain') {
    if (await keychainBackend(opts).erase(serverUrl)) where.push('the OS keychain');
  }

  const chosen = helperFor(config, registry);
  const candidates: HelperChoice[] = chosen ? [chosen] : [];
  const store = config.data.credsStore;
  if (chosen?.source === 'helper' && typeof store === 'string' && store !== '' && store !== chosen.name) {
    candidates.push({ name: store, source: 'store', chosenBy: 'credsStore' });
  }
  for (const choice of candidates) {
    const backend = helperBackend(choice, config, opts);
    try {
      if ((await backend.get(serverUrl)) !== undefined && (await backend.erase(serverUrl))) where.push(`docker-credential-${choice.name}`);
    } catch (e) {
      if (choice === chosen) throw e; // a credsStore not used for this host is only tidied up
    }
  }

  const auths = authsOf(config.data);
  let changed = false;
  let fileHadSecret = false;
  for (const key of matchingKeys(auths, registry)) {
    const entry = auths[key];
    if (entry && ((typeof entry.auth === 'string' && entry.auth !== '') || entry.identitytoken || entry.registrytoken || entry.password))
      fileHadSecret = true;
    delete auths[key];
    changed = true;
  }
  if (changed) await writeDockerConfig(config);
  if (fileHadSecret) where.push(config.path);
  await prefs.setStoreFor(registry, undefined);

  const remaining: string[] = [];
  const left = await findInAuthFiles(registry, opts).catch(() => undefined);
  if (left !== undefined) remaining.push(left.file);
  return { erased: where.length > 0, where, remaining };
}

/** The username stored for a registry (the login prompt's default); undefined for tokens or errors. */
export async function storedUsername(registry: string, opts: CredentialsOptions): Promise<string | undefined> {
  try {
    const found = await findCredential(registry, opts);
    const user = found?.credential.username;
    return user === undefined || user === '' || user === TOKEN_USERNAME ? undefined : user;
  } catch {
    return undefined;
  }
}

export type { DockerConfigFile };
