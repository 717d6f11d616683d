import type { Credential } from './types.js';

/**
 * A place that keeps secrets by server URL: a docker-credential-* helper or the OS keychain.
 * `serverUrl` is the config key (`https://index.docker.io/v1/` for Docker Hub, else `host[:port]`).
 */
export interface CredentialBackend {
  /** The stored credential, or undefined when there is none. */
  get(serverUrl: string): Promise<Credential | undefined>;
  store(serverUrl: string, credential: Credential): Promise<void>;
  /** True when something was erased. */
  erase(serverUrl: string): Promise<boolean>;
  /** server URL -> username (`<token>` for identity tokens in helpers). */
  list(): Promise<Record<string, string>>;
}
