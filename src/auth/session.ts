import { HubctlError, usageError } from '../errors.js';
import type { Credential } from '../credentials/types.js';
import { registryApiHost } from '../ref/reference.js';
import type { RegistryRequest, RegistryResponse, RegistryTransport, TransportOptions } from '../http/types.js';
import { HttpClient } from '../http/client.js';
import { RetryPolicy } from '../http/retry.js';
import { acquireDispatcher, type RawClientFor } from '../http/dispatcher.js';
import type { Dispatcher } from 'undici';
import { statusError } from '../http/errors.js';
import { allHeaders } from '../http/response.js';
import { LIMITS, readPrefix } from '../http/body.js';
import { challengeScopes, parseWwwAuthenticate, pickChallenge, type Challenge } from './challenge.js';
import { ping, type PingResult } from './ping.js';
import { mergeScopes } from './scope.js';
import { TokenCache } from './token-cache.js';
import { basicAuth, fetchToken, type Token } from './token.js';
import { validateRealm } from './realm.js';

export const DEFAULT_USER_AGENT = 'hubctl';

/** What was sent, to know what a 401 means. */
interface SentAuth {
  header: string;
  kind: 'basic' | 'bearer' | 'registry-token';
}

/**
 * A RegistryTransport: one registry host with scheme detection, Basic/Bearer auth (reactive, with a
 * token cache), retries and redirects. Created by createTransport().
 */
export class RegistrySession implements RegistryTransport {
  readonly registry: string;
  readonly apiHost: string;
  readonly client: HttpClient;
  readonly tokens: TokenCache;
  private readonly now: () => number;
  private pinged: Promise<PingResult> | undefined;
  private credential: Promise<Credential | undefined> | undefined;
  private readonly release: () => Promise<void>;

  constructor(private readonly options: TransportOptions) {
    this.registry = options.registry;
    this.apiHost = registryApiHost(options.registry);
    this.now = options.now ?? Date.now;
    let dispatcher: Dispatcher | (() => Dispatcher) | undefined = options.dispatcher;
    let release: () => Promise<void> = async () => undefined;
    let rawClientFor: RawClientFor | undefined;
    if (dispatcher === undefined) {
      const held = acquireDispatcher({
        hostNames: [...new Set([options.registry, this.apiHost])],
        insecure: options.insecure,
        caFile: options.caFile,
        certsDirs: options.certsDirs,
        env: options.env,
        bodyTimeoutMs: options.bodyTimeoutMs,
        headersTimeoutMs: options.headersTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
      });
      dispatcher = held.lazyDispatcher;
      rawClientFor = held.rawClientFor;
      release = held.release;
    }
    this.release = release;
    this.client = new HttpClient({
      dispatcher,
      rawClientFor,
      registry: options.registry,
      insecure: options.insecure === true,
      policy: new RetryPolicy(options.retry),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      now: this.now,
      sleep: options.sleep,
      debug: options.debug,
      ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    this.tokens = new TokenCache(this.now);
  }

  /**
   * `GET /v2/` once (again after a failure); tells the scheme and the challenge. The shared ping is not
   * tied to one caller's signal: an aborting caller stops waiting, the others keep the ping.
   */
  ping(signal?: AbortSignal): Promise<PingResult> {
    if (this.pinged === undefined) {
      const p = ping(this.client, {
        apiHost: this.apiHost,
        registry: this.registry,
        insecure: this.options.insecure === true,
        debug: this.options.debug,
      });
      this.pinged = p;
      p.catch(() => {
        if (this.pinged === p) this.pinged = undefined;
      });
    }
    return abortable(this.pinged, signal, this.registry);
  }

  async baseUrl(): Promise<string> {
    return (await this.ping()).baseUrl.origin;
  }

  getCredential(): Promise<Credential | undefined> {
    this.credential ??= this.options.credentials?.(this.registry) ?? Promise.resolve(undefined);
    return this.credential;
  }

  /** Fetches (or reuses) a bearer token for `scopes` from the challenge's realm. */
  async bearerToken(challenge: Challenge, scopes: readonly string[], baseUrl: URL, force: boolean, signal?: AbortSignal): Promise<Token> {
    const realm = validateRealm(challenge.params.realm, baseUrl, this.options.insecure === true);
    const credential = await this.getCredential();
    return this.tokens.get(
      scopes,
      () =>
        fetchToken(
          this.client,
          { realm, service: challenge.params.service, scopes, credential, registry: this.registry, signal },
          this.now,
        ),
      force,
    );
  }

  private async authFor(
    challenge: Challenge | undefined,
    scopes: readonly string[],
    baseUrl: URL,
    force: boolean,
    signal?: AbortSignal,
  ): Promise<SentAuth | undefined> {
    if (challenge === undefined) return undefined;
    const cred = await this.getCredential();
    if (challenge.scheme === 'basic') {
      if (cred?.username !== undefined && cred.password !== undefined)
        return { header: basicAuth(cred.username, cred.password), kind: 'basic' };
      return undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (cred?.registryToken !== undefined && cred.registryToken !== '')
      return { header: `Bearer ${cred.registryToken}`, kind: 'registry-token' };
    const token = await this.bearerToken(challenge, scopes, baseUrl, force, signal);
    return { header: `Bearer ${token.token}`, kind: 'bearer' };
  }

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const pinged = await this.ping(req.signal);
    const url = new URL(req.url, pinged.baseUrl);
    const onRegistry = url.origin === pinged.baseUrl.origin;
    const wants401 = req.acceptStatus?.includes(401) === true;
    let challenge = pinged.challenge;
    let auth = onRegistry ? await this.authFor(challenge, req.scopes, pinged.baseUrl, false, req.signal) : undefined;
    let scopes: readonly string[] = req.scopes;
    for (let round = 1; ; round++) {
      const res = await this.client.send({
        method: req.method,
        url: url.href,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        retry: req.retry ?? (req.method === 'GET' || req.method === 'HEAD'),
        followRedirects: req.followRedirects !== false,
        bulk: req.bulk === true,
        smallBody: req.smallBody === true,
        authorization: auth?.header,
        authOrigin: pinged.baseUrl.origin,
        acceptStatus: [...(req.acceptStatus ?? []), 401],
      });
      if (res.status === 401 && !wants401 && round === 1 && onRegistry) {
        const fresh = pickChallenge(parseWwwAuthenticate(allHeaders(res.headers, 'www-authenticate')));
        const next = await this.reauth(fresh ?? challenge, auth, scopes, pinged.baseUrl, req.signal);
        if (next !== undefined) {
          await res.discard();
          challenge = next.challenge;
          scopes = next.scopes;
          auth = next.auth;
          continue;
        }
      }
      if (res.status >= 400 && req.acceptStatus?.includes(res.status) !== true) {
        const body = await readPrefix(res.body, LIMITS.errorBody);
        throw statusError(res.status, body, { method: req.method, url: res.url, registry: this.registry, headers: res.headers });
      }
      return res;
    }
  }

  /** After a 401: new auth to try once, or undefined when nothing better can be sent. */
  private async reauth(
    challenge: Challenge | undefined,
    sent: SentAuth | undefined,
    scopes: readonly string[],
    baseUrl: URL,
    signal?: AbortSignal,
  ): Promise<{ challenge: Challenge; scopes: readonly string[]; auth: SentAuth } | undefined> {
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'bearer') {
      if (sent?.kind === 'registry-token') return undefined;
      const sentToken = sent?.kind === 'bearer' ? sent.header.slice('Bearer '.length) : undefined;
      if (sentToken !== undefined) this.tokens.invalidate(sentToken);
      const merged = mergeScopes(
        challengeScopes(challenge).filter((s) => s !== '*' || scopes.length === 0),
        scopes,
      );
      // a parallel request may already have fetched a better token: use it instead of fetching again
      const cached = this.tokens.lookup(merged);
      const auth =
        cached !== undefined && cached.token !== sentToken
          ? { header: `Bearer ${cached.token}`, kind: 'bearer' as const }
          : await this.authFor(challenge, merged, baseUrl, true, signal);
      return auth === undefined ? undefined : { challenge, scopes: merged, auth };
    }
    if (challenge.scheme === 'basic' && sent?.kind !== 'basic') {
      const auth = await this.authFor(challenge, scopes, baseUrl, false, signal);
      return auth === undefined ? undefined : { challenge, scopes, auth };
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.tokens.clear();
    await this.release();
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, registry: string): Promise<T> {
  if (signal === undefined) return p;
  const interrupted = () => new HubctlError('interrupted', 'ABORTED', `request to ${registry} was aborted`, { cause: signal.reason });
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The registry transport for `options.registry`. Close it when done (pooled connections are shared). */
export function createTransport(options: TransportOptions): RegistrySession {
  if (options.registry === '') throw usageError('INVALID_REGISTRY', 'no registry given');
  return new RegistrySession(options);
}
