import { HubctlError, authError } from '../errors.js';
import type { TransportOptions } from '../http/types.js';
import { statusError } from '../http/errors.js';
import { LIMITS, readPrefix } from '../http/body.js';
import { createTransport } from './session.js';
import { basicAuth, fetchToken, type Token } from './token.js';
import { validateRealm } from './realm.js';

export interface LoginCredential {
  username: string;
  password: string;
}

export interface LoginResult {
  /** A refresh token from the token server, to store as config.json `identitytoken`. */
  identityToken?: string;
}

/** One line, no hint (as docker's "unauthorized: incorrect username or password"): the message says it all. */
function wrongCredentials(registry: string, cause?: unknown): HubctlError {
  return authError('UNAUTHORIZED', `login to ${registry} failed: incorrect username or password`, { cause });
}

/**
 * Checks credentials the way `docker login` does before storing them: Basic registries must answer
 * `GET /v2/` with 200; Bearer registries must hand out a token (asked with `offline_token=true`, so a
 * refresh token comes back when the server supports it); registries without auth accept anything.
 */
export async function verifyCredentials(options: TransportOptions, credential: LoginCredential): Promise<LoginResult> {
  const transport = createTransport({ ...options, credentials: async () => ({ ...credential }) });
  try {
    const pinged = await transport.ping();
    const challenge = pinged.challenge;
    if (challenge === undefined) return {};
    if (challenge.scheme === 'basic') {
      const url = new URL('/v2/', pinged.baseUrl);
      const res = await transport.client.send({
        method: 'GET',
        url: url.href,
        retry: true,
        followRedirects: true,
        authorization: basicAuth(credential.username, credential.password),
        authOrigin: pinged.baseUrl.origin,
        acceptStatus: [401, 403],
      });
      if (res.status === 401 || res.status === 403) {
        await res.discard();
        throw wrongCredentials(options.registry);
      }
      if (res.status >= 400) {
        const body = await readPrefix(res.body, LIMITS.errorBody);
        throw statusError(res.status, body, { method: 'GET', url: res.url, registry: options.registry, headers: res.headers });
      }
      await res.discard();
      return {};
    }
    if (challenge.scheme !== 'bearer') {
      throw authError('UNSUPPORTED_AUTH', `login to ${options.registry} failed: unsupported authentication scheme "${challenge.scheme}"`);
    }
    const realm = validateRealm(challenge.params.realm, pinged.baseUrl, options.insecure === true);
    let token: Token;
    try {
      token = await fetchToken(
        transport.client,
        { realm, service: challenge.params.service, scopes: [], credential, registry: options.registry, offline: true },
        options.now ?? Date.now,
      );
    } catch (e) {
      if (e instanceof HubctlError && e.code === 'UNAUTHORIZED') throw wrongCredentials(options.registry, e);
      throw e;
    }
    return token.refreshToken !== undefined ? { identityToken: token.refreshToken } : {};
  } finally {
    await transport.close();
  }
}
