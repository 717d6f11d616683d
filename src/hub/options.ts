import type { Dispatcher } from 'undici';
import { usageError } from '../errors.js';
import { isLoopbackHost } from '../http/hosts.js';
import type { CredentialSource } from '../credentials/types.js';
import type { RetryPolicyOptions } from '../http/types.js';

export const DEFAULT_HUB_URL = 'https://hub.docker.com';
/** The registry whose pull limit `limits()` reads (`registry-1.docker.io` behind `docker.io`). */
export const DEFAULT_LIMITS_REGISTRY = 'docker.io';

/**
 * What the Hub is asked to authenticate: a username with a password or personal access token, or an
 * organization name with an organization access token. Never logged or printed.
 */
export interface HubCredential {
  identifier: string;
  secret: string;
}

export interface HubClientOptions {
  /** The Hub API (default https://hub.docker.com). Plain http only for loopback, unless `insecure`. */
  baseUrl?: string;
  /** Gives the credential when a request needs one; undefined = anonymous. Called at most once per client. */
  credential?: () => Promise<HubCredential | undefined>;
  /** The current two-factor code, asked for when a password login needs one. */
  otp?: () => Promise<string>;
  /** Allow plain HTTP to a host that is not loopback, and unverified TLS. */
  insecure?: boolean;
  /** Injected dispatcher (tests: undici MockAgent). Otherwise a pooled agent honouring `env`'s proxies. */
  dispatcher?: Dispatcher;
  /** HTTP(S)_PROXY / NO_PROXY (the library never reads process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** PEM CA bundle trusted for the Hub API and the limits registry. */
  caFile?: string;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
  /** Receives redacted request/response lines (`--debug`); secrets never reach it. */
  debug?: (line: string) => void;
  /** Milliseconds since the epoch; injected for tests (token expiry, Retry-After dates). */
  now?: () => number;
  /** Waits (Retry-After, backoff); injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Retries of GETs after 5xx and failed connections. */
  retry?: RetryPolicyOptions;
  /** Longest total wait for one request answered 429 with Retry-After (default 60 s); then an error. */
  maxRateLimitWaitMs?: number;
  /** Cap on a JSON answer (default 16 MiB). */
  maxBodyBytes?: number;
  /** Time limits, as for registries (http/limits.ts): the response head, a whole small request, a pause in a body. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Pages followed by one list before it stops with an error (default 10000). */
  maxPages?: number;
  userAgent?: string;
  /** The registry `pullRateLimit()` probes (default docker.io); tests name a local registry. */
  limitsRegistry?: string;
  /**
   * The credential for that registry. Default: the Hub credential when the registry is Docker Hub's
   * (docker.io, index.docker.io, registry-1.docker.io), else none: a Hub password never goes elsewhere.
   */
  limitsCredentials?: CredentialSource;
}

/** Checks and normalizes `baseUrl`: http(s), no credentials or query, and http only for loopback or insecure. */
export function parseHubBaseUrl(raw: string | undefined, insecure: boolean): URL {
  const text = raw ?? DEFAULT_HUB_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError('INVALID_HUB_URL', `invalid Docker Hub API URL "${text}"`, { hint: 'give a URL such as https://hub.docker.com' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError('INVALID_HUB_URL', `unsupported scheme in Docker Hub API URL ${url.protocol}//${url.host}`, {
      hint: 'give an https:// URL',
    });
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw usageError('INVALID_HUB_URL', 'the Docker Hub API URL must not carry credentials, a query or a fragment', {
      hint: 'give only scheme, host and path, e.g. https://hub.docker.com',
    });
  }
  if (url.protocol === 'http:' && !insecure && !isLoopbackHost(url.hostname)) {
    throw usageError('INSECURE_URL', `refusing plain HTTP to the Docker Hub API at ${url.host}: only loopback addresses may use http`, {
      hint: 'use https://, or allow plain HTTP explicitly with --insecure',
    });
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}
