/**
 * podman/skopeo's auth.json (containers-auth.json(5)), read only, as the last fallback.
 *
 * Same `auths` shape as docker's file, but Docker Hub is stored under `docker.io`, and keys may be
 * `host/namespace[/repo]` (most specific wins). `credHelpers` in auth.json is not consulted.
 */
import { decodeAuthEntry } from './auth-entry.js';
import { authsOf, readJsonConfig } from './config-file.js';
import { authFilePaths, type CredentialsOptions } from './options.js';
import { convertToHostname, isDockerHub, keyMatchesRegistry } from './server-key.js';
import type { Credential } from './types.js';

export interface AuthFileMatch {
  credential: Credential;
  /** The file it came from. */
  file: string;
  /** The key in that file. */
  key: string;
}

/**
 * The credential for `registry` (optionally narrowed to `repository`, e.g. `library/alpine`) from
 * the first auth file that has one.
 */
export async function findInAuthFiles(registry: string, opts: CredentialsOptions, repository?: string): Promise<AuthFileMatch | undefined> {
  for (const file of authFilePaths(opts)) {
    const config = await readJsonConfig(file, 'containers auth file');
    if (!config.exists) continue;
    const auths = authsOf(config.data);
    for (const key of authFileCandidates(auths, registry, repository)) {
      const credential = decodeAuthEntry(auths[key], file, key);
      if (credential !== undefined) return { credential, file, key };
    }
  }
  return undefined;
}

/** Keys to try, most specific first: `host/ns/repo`, `host/ns`, then the host itself and its aliases. */
export function authFileCandidates(auths: Record<string, unknown>, registry: string, repository?: string): string[] {
  const host = isDockerHub(registry) ? 'docker.io' : convertToHostname(registry);
  const out: string[] = [];
  const push = (k: string) => {
    if (Object.hasOwn(auths, k) && !out.includes(k)) out.push(k);
  };
  if (repository !== undefined && repository !== '') {
    const parts = repository.split('/');
    for (let n = parts.length; n >= 1; n--) push(`${host}/${parts.slice(0, n).join('/')}`);
  }
  push(host);
  // Legacy keys (`https://index.docker.io/v1/`, `http://host/`): only those without a namespace path.
  for (const k of Object.keys(auths)) {
    if (!isNamespaced(k) && keyMatchesRegistry(k, registry)) push(k);
  }
  return out;
}

function isNamespaced(key: string): boolean {
  if (/^https?:\/\//i.test(key)) return false; // URL-style keys are legacy host keys
  return key.includes('/');
}
