/**
 * `logout`: erase a registry's credentials from wherever they live (the OS keychain when hubctl put
 * them there, the helper config.json names, every `auths` key naming the registry). Nothing stored is
 * not an error: `erased` is then false.
 */
import { eraseCredential } from '../credentials/login-store.js';
import type { CredentialsOptions } from '../credentials/options.js';
import { resolveServer, type LoginServer } from './login.js';

export interface LogoutResult {
  server: LoginServer;
  /** True when credentials were removed from at least one place. */
  erased: boolean;
  /** Where they were removed from, for people (a config.json path, `docker-credential-pass`, `the OS keychain`). */
  where: string[];
  /** Files hubctl reads but never writes (podman's auth.json) that still hold credentials for it. */
  remaining: string[];
}

export async function logout(server: string | LoginServer | undefined, credentials: CredentialsOptions): Promise<LogoutResult> {
  const target = typeof server === 'object' ? server : resolveServer(server);
  const result = await eraseCredential(target.registry, credentials);
  return { server: target, erased: result.erased, where: result.where, remaining: result.remaining };
}
