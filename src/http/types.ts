import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CredentialSource } from '../credentials/types.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A file sent whole as a request body (a blob upload). Raw connections (raw-upload.ts) read it into
 * reused buffers; through undici it is a file stream. `onSent` reports bytes handed to the socket.
 */
export interface FileBody {
  kind: 'file';
  path: string;
  size: number;
  onSent?: (bytes: number) => void;
}

/**
 * A body copied from another response (a blob going from one registry to another): `open` gives the
 * source afresh for each attempt, and every chunk passes `onChunk` (which may throw to stop the
 * upload) on its way out. On a raw connection a raw source's read buffers go to the socket without a
 * copy (raw-upload.ts); through undici it is an async iterable. `onSourceError` learns of a failure
 * of the source (not of the upload), so the caller can report that rather than a broken upload.
 */
export interface StreamBody {
  kind: 'stream';
  size: number;
  open: () => Promise<Readable>;
  onChunk?: (chunk: Buffer) => void;
  onSourceError?: (err: unknown) => void;
}

/** A body that can be sent again after a 401 or a retry: bytes, a factory giving a fresh stream each time, a file, or a source opened again. */
export type ReplayableBody = Uint8Array | string | (() => Readable) | FileBody | StreamBody;

export interface RegistryRequest {
  method: HttpMethod;
  /** A path under the registry (`/v2/library/centos/manifests/latest`) or an absolute URL (upload Location). */
  url: string;
  headers?: Record<string, string>;
  body?: ReplayableBody;
  /** Token scopes the request needs, e.g. `repository:library/centos:pull`. Empty for `/v2/`. */
  scopes: readonly string[];
  signal?: AbortSignal;
  /** Non-2xx statuses the caller handles itself; they resolve instead of throwing (e.g. 404 for exists()). */
  acceptStatus?: readonly number[];
  /** Retry 408/429/5xx and failed connections with the retry policy. Default: true for GET/HEAD. */
  retry?: boolean;
  /** Follow redirects (default true; Authorization is never sent to another origin). */
  followRedirects?: boolean;
  /**
   * A large body the caller will stream to disk (a blob GET): it may be read on a connection of its
   * own with pooled buffers (raw-request.ts), and the body may then be pumped (content/types.ts).
   */
  bulk?: boolean;
  /**
   * A small body the caller reads whole (a small blob GET): it may be read on a kept-alive raw
   * connection (raw-keepalive.ts) instead of undici.
   */
  smallBody?: boolean;
}

export interface RegistryResponse {
  status: number;
  /** Final URL, after redirects. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  header(name: string): string | undefined;
  /** The undici body. Consume it or call discard(). */
  body: Readable;
  bytes(limit: number): Promise<Buffer>;
  text(limit: number): Promise<string>;
  json<T = unknown>(limit: number): Promise<T>;
  discard(): Promise<void>;
}

export interface RetryPolicyOptions {
  /** Attempts in all, including the first (default 5). */
  maxAttempts?: number;
  /** First backoff in ms (default 200), doubled each time, with full jitter. */
  baseDelayMs?: number;
  /** Cap on one backoff (default 10 s). */
  maxDelayMs?: number;
  /** Cap on a Retry-After wait (default 60 s); longer waits fail with the rate-limit error. */
  maxRetryAfterMs?: number;
}

export interface TransportOptions {
  /** The registry as references name it: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  credentials?: CredentialSource;
  /** Allow plain HTTP and skip TLS verification for this registry (like docker's insecure-registries). */
  insecure?: boolean;
  /** PEM CA bundle trusted for this registry, in addition to the system roots. */
  caFile?: string;
  /** Directories holding `<host:port>/ca.crt` (docker's certs.d). The CLI passes ~/.docker/certs.d and /etc/docker/certs.d. */
  certsDirs?: readonly string[];
  /** Environment for HTTP(S)_PROXY / NO_PROXY (the library never reads process.env itself). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Injected dispatcher (tests use undici MockAgent). Replaces proxy/TLS setup. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  retry?: RetryPolicyOptions;
  /** Milliseconds since the epoch (token expiry); injected for tests. */
  now?: () => number;
  /** Waits for backoff; injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Receives redacted request/response lines for `--debug`. */
  debug?: (line: string) => void;
  /** The longest pause while reading a response body, ms (default 60 s); large blobs have no other limit. */
  bodyTimeoutMs?: number;
  /** From sending a request to its complete response head, ms (default 30 s; see http/limits.ts). */
  headersTimeoutMs?: number;
  /** The whole of a small request (manifests, tokens, HEADs, JSON), retries included, ms (default 60 s). */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** One registry host, with scheme detection, auth and retries applied to every request. */
export interface RegistryTransport {
  readonly registry: string;
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` (known after the first request). */
  baseUrl(): Promise<string>;
  request(req: RegistryRequest): Promise<RegistryResponse>;
  close(): Promise<void>;
}
