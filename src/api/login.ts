/**
 * `login`: check a username and password (or access token) against a registry, then store them the
 * docker way (config.json, a docker-credential-* helper, or the OS keychain).
 *
 * Nothing is stored unless the registry accepted the credentials: Basic registries must answer
 * `GET /v2/` with 200, token registries must hand out a token (asked with `offline_token=true`; a
 * refresh token that comes back is stored as `identitytoken` instead of the password, as docker does).
 */
import { usageError } from '../errors.js';
import { verifyCredentials } from '../auth/login.js';
import type { CredentialsOptions } from '../credentials/options.js';
import { readDockerConfig } from '../credentials/config-file.js';
import { findCredential, helperFor } from '../credentials/resolver.js';
import { loadKeyring } from '../credentials/keychain.js';
import { saveCredential, type SaveResult } from '../credentials/login-store.js';
import type { StoreKind } from '../credentials/preferences.js';
import { convertToHostname, configKey, isDockerHub, DOCKER_HUB_CONFIG_KEY } from '../credentials/server-key.js';
import type { Credential } from '../credentials/types.js';
import type { Client } from './client.js';

export { logout, type LogoutResult } from './logout.js';

/** A server as `login`/`logout` take it, resolved. */
export interface LoginServer {
  /** The registry as references name it (`docker.io`, `localhost:5000`): what the transport contacts. */
  registry: string;
  /** The config.json key and helper server URL (`https://index.docker.io/v1/`, `localhost:5000`). */
  key: string;
  /** How docker names it in messages (`https://index.docker.io/v1/` for the Hub, else host[:port]). */
  display: string;
}

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Resolves `SERVER` as docker takes it: empty or `docker.io` -> Docker Hub; `https://index.docker.io/v1/`,
 * `index.docker.io`, `registry-1.docker.io` -> Docker Hub too; `host:port`, `https://host:port/`,
 * `host/path` -> `host:port` (moby's ConvertToHostname, so a path never ends up in the key).
 */
export function resolveServer(server?: string): LoginServer {
  const text = (server ?? '').trim();
  if (text === '' || isDockerHub(text)) return { registry: 'docker.io', key: DOCKER_HUB_CONFIG_KEY, display: DOCKER_HUB_CONFIG_KEY };
  const host = convertToHostname(text);
  if (!HOST.test(host)) {
    throw usageError('INVALID_REGISTRY', `"${server}" is not a registry address`, {
      hint: 'give a host with an optional port, e.g. registry.example.com, localhost:5000 or https://host:5000/',
    });
  }
  return { registry: host, key: configKey(host), display: host };
}

export interface LoginOptions {
  username: string;
  /** A password or access token. */
  password: string;
  /** Where credentials are kept: docker config dir (env DOCKER_CONFIG), home, helpers' env, keychain. */
  credentials: CredentialsOptions;
  /** file | helper | keychain; default: the helper config.json names for the server, else the file (docker's rule). */
  store?: StoreKind;
  /** Store with docker-credential-<helper> and record it as credHelpers[server] in config.json. */
  helper?: string;
}

export interface LoginResult {
  server: LoginServer;
  /** docker's status line. */
  status: 'Login Succeeded';
  /** True when the registry returned a refresh token and it was stored instead of the password. */
  identityToken: boolean;
  saved: SaveResult;
}

/**
 * Checks, before anything goes over the network or to a prompt, that the credentials can be stored
 * where they would go: config.json is readable and valid (a corrupt one is never overwritten), a
 * helper is configured when `store` is `helper`, the keychain binding loads when it is `keychain`.
 */
export async function checkLoginStore(server: LoginServer, options: Pick<LoginOptions, 'credentials' | 'store' | 'helper'>): Promise<void> {
  if (options.helper !== undefined && options.store !== undefined && options.store !== 'helper') {
    throw usageError('CONFLICTING_FLAGS', `--helper stores with a credential helper; it cannot be used with --store ${options.store}`);
  }
  if (options.helper !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(options.helper)) {
    throw usageError('INVALID_FLAG', `"${options.helper}" is not a credential helper name`, {
      hint: 'give the part after docker-credential-, e.g. --helper pass for docker-credential-pass',
    });
  }
  const config = await readDockerConfig(options.credentials);
  if (options.store === 'helper' && options.helper === undefined && helperFor(config, server.registry) === undefined) {
    throw usageError('NO_CREDENTIAL_HELPER', `no credential helper is configured for ${server.display} in ${config.path}`, {
      hint: 'name one with --helper (e.g. --helper pass), set "credsStore" in your docker config, or use --store file|keychain',
    });
  }
  if (options.store === 'keychain') await (options.credentials.loadKeyring ?? loadKeyring)();
}

/** Verifies the credentials against the registry, then stores them. Wrong ones: auth error, nothing stored. */
export async function login(client: Client, server: string | LoginServer | undefined, options: LoginOptions): Promise<LoginResult> {
  const target = typeof server === 'object' ? server : resolveServer(server);
  const username = options.username.trim();
  if (username === '') throw usageError('USERNAME_REQUIRED', 'a username is required to log in');
  if (options.password === '') throw usageError('PASSWORD_REQUIRED', 'a password is required to log in');
  await checkLoginStore(target, options);

  const verified = await verifyCredentials(client.transportOptions(target.registry), { username, password: options.password });

  const credential: Credential =
    verified.identityToken !== undefined ? { username, identityToken: verified.identityToken } : { username, password: options.password };
  const saved = await saveCredential(target.registry, credential, {
    ...options.credentials,
    ...(options.store !== undefined ? { store: options.store } : {}),
    ...(options.helper !== undefined ? { helper: options.helper } : {}),
  });
  return { server: target, status: 'Login Succeeded', identityToken: verified.identityToken !== undefined, saved };
}

/**
 * The username and password stored for a server in docker's config.json, its helper or the keychain
 * (not podman's auth.json), for docker's "Authenticating with existing credentials" step. Undefined
 * when none is stored or only a token is; lookup errors are thrown.
 */
export async function storedLogin(
  server: LoginServer,
  credentials: CredentialsOptions,
): Promise<{ username: string; password: string } | undefined> {
  const found = await findCredential(server.registry, { ...credentials, readAuthFile: false });
  const c = found?.credential;
  if (c?.username === undefined || c.username === '' || c.password === undefined || c.password === '') return undefined;
  return { username: c.username, password: c.password };
}
