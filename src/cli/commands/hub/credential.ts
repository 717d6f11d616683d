/**
 * The Docker Hub login `hubctl hub` uses, first found wins:
 *   1. `HUBCTL_HUB_USERNAME` + `HUBCTL_HUB_TOKEN` (hubctl's own names);
 *   2. `DOCKERHUB_USERNAME` + `DOCKERHUB_TOKEN` (the secret names Docker's GitHub Actions docs and
 *      docker/login-action examples use, so a CI job that already has them needs nothing new);
 *   3. what `hubctl login` / `docker login` stored for Docker Hub (`https://index.docker.io/v1/`):
 *      credHelpers, credsStore, config.json `auths`, podman's auth.json; the same resolver `pull` uses.
 * The token may be a personal access token, an organization access token (the username is then the
 * organization) or a password. Whatever `--hub-url` says, the Hub key is asked. Nothing is written.
 */
import { usageError } from '../../../errors.js';
import { credentialsOptions } from '../../client-options.js';
import type { CliRuntime } from '../../runtime.js';

export interface HubLogin {
  identifier: string;
  secret: string;
  /** Where it came from, for messages: `$HUBCTL_HUB_TOKEN`, `docker-credential-pass`, `config.json`. */
  source: string;
}

export const ENV_PAIRS = [
  ['HUBCTL_HUB_USERNAME', 'HUBCTL_HUB_TOKEN'],
  ['DOCKERHUB_USERNAME', 'DOCKERHUB_TOKEN'],
] as const;

/** Reads the Hub login; undefined = anonymous (public data only). */
export async function resolveHubLogin(rt: CliRuntime): Promise<HubLogin | undefined> {
  const fromEnv = loginFromEnv(rt.env);
  if (fromEnv !== undefined) return fromEnv;
  const { findCredential } = await import('../../../credentials/resolver.js');
  const found = await findCredential('docker.io', credentialsOptions(rt));
  if (found === undefined) return undefined;
  const { username, password, identityToken } = found.credential;
  const source = found.helper !== undefined ? `docker-credential-${found.helper}` : (found.path ?? 'config.json');
  if (username && password) return { identifier: username, secret: password, source };
  if (identityToken !== undefined) {
    throw usageError(
      'HUB_CREDENTIAL_UNUSABLE',
      `the Docker Hub credential in ${source} is an identity token, which the Hub API does not take`,
      {
        hint: 'log in with a username and a personal access token (hubctl login -u USER), or set HUBCTL_HUB_USERNAME and HUBCTL_HUB_TOKEN',
      },
    );
  }
  return undefined;
}

/** The first complete pair of environment variables; a half-set pair is an error, never a silent fallback. */
export function loginFromEnv(env: NodeJS.ProcessEnv): HubLogin | undefined {
  for (const [userVar, tokenVar] of ENV_PAIRS) {
    const user = env[userVar] ?? '';
    const token = env[tokenVar] ?? '';
    if (user === '' && token === '') continue;
    if (user === '' || token === '') {
      const [set, missing] = user === '' ? [tokenVar, userVar] : [userVar, tokenVar];
      throw usageError('HUB_CREDENTIAL_INCOMPLETE', `$${set} is set but $${missing} is ${env[missing] === undefined ? 'not' : 'empty'}`, {
        hint: `set both ${userVar} and ${tokenVar} (in CI an empty value often means the secret is not available to this job)`,
      });
    }
    return { identifier: user, secret: token, source: `$${tokenVar}` };
  }
  return undefined;
}
