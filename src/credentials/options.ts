import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn as nodeSpawn } from 'node:child_process';
import * as path from 'node:path';

/** The subset of `child_process.spawn` the helpers use; inject a fake in tests. */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export const defaultSpawn: SpawnFn = (command, args, options) => nodeSpawn(command, [...args], options);

/** The OS keychain as hubctl uses it (keytar's API, which keychain.ts builds over @napi-rs/keyring). */
export interface KeyringLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Every effect the credentials code needs. The library never reads `process.env` itself. */
export interface CredentialsOptions {
  /** Environment: DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, and PATH etc. for helpers. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (`os.homedir()` in the CLI). */
  homedir: string;
  /** Spawns docker-credential-* helpers (default: child_process.spawn). */
  spawn?: SpawnFn;
  /** Timeout for one helper run, in ms (default 30 000). */
  helperTimeoutMs?: number;
  /** Loads the keychain binding (default: a lazy `import('@napi-rs/keyring')`). */
  loadKeyring?: () => Promise<KeyringLike>;
  /** On Linux, read (and move over) items keytar wrote, over the D-Bus session bus in `env` (default true). */
  readLegacyKeytar?: boolean;
  /** Keychain service name (default `hubctl`). */
  keychainService?: string;
  /** Directory of hubctl's own preferences (default `$XDG_CONFIG_HOME/hubctl` or `<home>/.config/hubctl`). */
  preferencesDir?: string;
  /** Read podman/skopeo's auth.json as a last fallback (default true). */
  readAuthFile?: boolean;
}

export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;

export function envOf(opts: CredentialsOptions): Readonly<Record<string, string | undefined>> {
  return opts.env ?? {};
}

/** `$DOCKER_CONFIG/config.json`, else `<home>/.docker/config.json`. */
export function dockerConfigPath(opts: CredentialsOptions): string {
  const dir = envOf(opts).DOCKER_CONFIG;
  if (dir !== undefined && dir !== '') return path.resolve(dir, 'config.json');
  return path.join(opts.homedir, '.docker', 'config.json');
}

/** Where hubctl keeps its own preferences. */
export function preferencesDir(opts: CredentialsOptions): string {
  if (opts.preferencesDir !== undefined) return opts.preferencesDir;
  const xdg = envOf(opts).XDG_CONFIG_HOME;
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(opts.homedir, '.config');
  return path.join(base, 'hubctl');
}

/** podman/skopeo auth files, in the order containers/image reads them. */
export function authFilePaths(opts: CredentialsOptions): string[] {
  const env = envOf(opts);
  if (env.REGISTRY_AUTH_FILE !== undefined && env.REGISTRY_AUTH_FILE !== '') return [path.resolve(env.REGISTRY_AUTH_FILE)];
  const out: string[] = [];
  if (env.XDG_RUNTIME_DIR !== undefined && env.XDG_RUNTIME_DIR !== '') {
    out.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  }
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(opts.homedir, '.config');
  out.push(path.join(base, 'containers', 'auth.json'));
  return out;
}
