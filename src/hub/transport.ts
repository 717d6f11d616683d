import { authError, internalError, networkError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import { acquireDispatcher } from '../http/dispatcher.js';
import type { Dispatcher } from 'undici';
import { RetryPolicy, defaultSleep, parseRetryAfter } from '../http/retry.js';
import { LIMITS, readPrefix } from '../http/body.js';
import type { HttpMethod, RegistryResponse, RetryPolicyOptions } from '../http/types.js';
import { VERSION } from '../version.js';
import { HubAuth } from './auth.js';
import { hubStatusError } from './errors.js';
import { parseHubBaseUrl, type HubClientOptions } from './options.js';
import { SecretRedactor } from './redact.js';

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** One call of the Hub API. */
export interface HubRequest {
  method: HttpMethod;
  /** A path under the API URL (`v2/namespaces/alice/repositories`) or an absolute URL (a `next` link). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as the JSON body. */
  json?: unknown;
  /** What is being done, for error messages: `list repositories of alice`. */
  what: string;
  /** 'required': needs a credential; 'optional' (default): sent when there is one; 'none': never. */
  auth?: 'required' | 'optional' | 'none';
  /** Statuses answered without throwing (e.g. 401 of the login endpoints). */
  acceptStatus?: readonly number[];
}

export interface HubResponse {
  status: number;
  url: string;
  header(name: string): string | undefined;
  /** The parsed JSON body; undefined for an empty body. */
  body: unknown;
}

/** A retry policy for the Hub: 429 is handled by HubTransport (bounded Retry-After waits), not by backoff. */
class HubRetryPolicy extends RetryPolicy {
  override isRetryableStatus(status: number): boolean {
    return status !== 429 && super.isRetryableStatus(status);
  }
}

/**
 * Requests to the Hub API: JSON in and out, `Authorization: Bearer <JWT>` from HubAuth (re-exchanged
 * once on a 401), 429 waited out within a budget, errors as HubctlErrors, secrets out of debug lines.
 */
export class HubTransport {
  readonly baseUrl: URL;
  readonly redactor = new SecretRedactor();
  readonly auth: HubAuth;
  readonly now: () => number;
  private readonly client: HttpClient;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly release: () => Promise<void>;
  private readonly maxBody: number;
  private readonly maxRateLimitWaitMs: number;

  constructor(readonly options: HubClientOptions) {
    this.baseUrl = parseHubBaseUrl(options.baseUrl, options.insecure === true);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    let dispatcher: Dispatcher | (() => Dispatcher) | undefined = options.dispatcher;
    let release: () => Promise<void> = async () => undefined;
    if (dispatcher === undefined) {
      const held = acquireDispatcher({
        hostNames: [this.baseUrl.host],
        insecure: options.insecure,
        caFile: options.caFile,
        env: options.env,
        bodyTimeoutMs: options.bodyTimeoutMs,
        headersTimeoutMs: options.headersTimeoutMs,
      });
      dispatcher = held.lazyDispatcher;
      release = held.release;
    }
    this.release = release;
    const debug = options.debug;
    this.client = new HttpClient({
      dispatcher,
      registry: this.baseUrl.host,
      insecure: options.insecure === true,
      policy: new HubRetryPolicy(options.retry satisfies RetryPolicyOptions | undefined),
      userAgent: options.userAgent ?? `hubctl/${VERSION}`,
      now: this.now,
      sleep: this.sleep,
      debug: debug === undefined ? undefined : (line) => debug(this.redactor.redact(line)),
      headersTimeoutMs: options.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.auth = new HubAuth(this, options);
  }

  /** The absolute URL of a request path, with its query. */
  urlFor(path: string, query?: HubRequest['query']): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\/+/, ''), this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Sends a request with auth, 401 re-exchange and 429 waits; throws a HubctlError for other failures. */
  async request(req: HubRequest): Promise<HubResponse> {
    const mode = req.auth ?? 'optional';
    let jwt = mode === 'none' ? undefined : await this.auth.bearer(false);
    if (mode === 'required' && jwt === undefined) {
      throw authError('HUB_LOGIN_REQUIRED', `${req.what}: this needs a Docker Hub login`, {
        hint: 'run `hubctl login` (a personal access token works as the password), or give the credential in the environment',
      });
    }
    let reexchanged = false;
    for (;;) {
      const res = await this.send(req, jwt);
      if (res.status === 401 && jwt !== undefined && !reexchanged && req.acceptStatus?.includes(401) !== true) {
        // the JWT expired or was revoked mid-run: exchange the credential again, once
        await res.discard();
        this.options.debug?.('* Docker Hub refused the access token; exchanging the credential again');
        this.auth.invalidate(jwt);
        jwt = await this.auth.bearer(true);
        reexchanged = true;
        continue;
      }
      return this.finish(req, res, jwt !== undefined);
    }
  }

  /** One exchange, 429 answers waited out while the total wait stays within the budget. */
  private async send(req: HubRequest, jwt: string | undefined): Promise<RegistryResponse> {
    const url = this.urlFor(req.path, req.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const res = await this.client.send({
        method: req.method,
        url: url.href,
        headers,
        body,
        signal: this.options.signal,
        retry: req.method === 'GET' || req.method === 'HEAD',
        followRedirects: true,
        authorization: jwt === undefined ? undefined : `Bearer ${jwt}`,
        authOrigin: this.baseUrl.origin,
      });
      if (res.status !== 429 || req.acceptStatus?.includes(429) === true) return res;
      const after = parseRetryAfter(res.header('retry-after'), this.now()) ?? Math.min(1000 * 2 ** (attempt - 1), 8000);
      if (waited + after > this.maxRateLimitWaitMs) {
        const text = (await readPrefix(res.body, LIMITS.errorBody)).toString('utf8');
        const err = hubStatusError(429, text, { what: req.what, redact: (t) => this.redactor.redact(t), authenticated: jwt !== undefined });
        const limit = res.header('x-ratelimit-limit');
        throw networkError(
          err.code,
          `${err.message} (asked to wait ${Math.ceil(after / 1000)}s more after ${Math.round(waited / 1000)}s${limit === undefined ? '' : `; limit ${limit} requests per minute`})`,
          { hint: err.hint, details: { ...err.details, retryAfterMs: after, waitedMs: waited } },
        );
      }
      await res.discard();
      this.options.debug?.(`* Docker Hub rate limit (429): waiting ${Math.ceil(after / 1000)}s as Retry-After asks`);
      try {
        await this.sleep(after, this.options.signal);
      } catch (e) {
        throw networkError('HUB_ABORTED', `${req.what}: interrupted while waiting for Docker Hub's rate limit`, { cause: e });
      }
      waited += after;
    }
  }

  private async finish(req: HubRequest, res: RegistryResponse, authenticated: boolean): Promise<HubResponse> {
    const ok = (res.status >= 200 && res.status < 300) || req.acceptStatus?.includes(res.status) === true;
    if (!ok) {
      const text = (await readPrefix(res.body, LIMITS.errorBody)).toString('utf8');
      throw hubStatusError(res.status, text, { what: req.what, redact: (t) => this.redactor.redact(t), authenticated });
    }
    const text = req.method === 'HEAD' ? '' : await res.text(this.maxBody);
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw internalError('HUB_INVALID_JSON', `${req.what}: Docker Hub sent an answer that is not JSON (status ${res.status})`, {
          hint: 'check the Docker Hub API URL; a proxy or captive portal may be answering instead',
          cause: e,
        });
      }
    }
    return { status: res.status, url: res.url, header: (n) => res.header(n), body };
  }

  async close(): Promise<void> {
    this.auth.clear();
    await this.release();
  }
}
