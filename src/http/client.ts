import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { undici } from './undici.js';
import { HubctlError, networkError, usageError } from '../errors.js';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, deadlineError, limitedExchange } from './limits.js';
import type { FileBody, HttpMethod, RegistryResponse, ReplayableBody, StreamBody } from './types.js';
import { UPLOAD_SLAB_BYTES, openSource } from './raw-upload.js';
import { RetryPolicy, defaultSleep } from './retry.js';
import { connectionError, isPullRateLimit, parseErrorEnvelope, statusError } from './errors.js';
import { LIMITS, discardBody, errMessage, readPrefix } from './body.js';
import { bufferedResponse, firstHeader, makeResponse, normalizeHeaders } from './response.js';
import { isLoopbackHost } from './hosts.js';
import { describeUrl } from './debug.js';
import { RAW_MIN_BYTES, RAW_UNSUPPORTED } from './raw-request.js';
import type { RawClientFor } from './dispatcher.js';
import { type TlsProbeResult, probeTls } from './tls-probe.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One HTTP exchange, before auth: absolute URL, retries and redirects applied. */
export interface SendRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: ReplayableBody;
  signal?: AbortSignal;
  retry: boolean;
  followRedirects: boolean;
  /** `Authorization` value, sent only while the request stays on `authOrigin`. */
  authorization?: string;
  authOrigin?: string;
  acceptStatus?: readonly number[];
  /** See RegistryRequest.bulk. */
  bulk?: boolean;
  /** See RegistryRequest.smallBody. */
  smallBody?: boolean;
}

export interface HttpClientOptions {
  /** The undici dispatcher, or a function building it at the first request that needs it. */
  dispatcher: Dispatcher | (() => Dispatcher);
  /** The raw blob requests for bulk GETs and file uploads (absent with an injected dispatcher: everything goes through it). */
  rawClientFor?: RawClientFor;
  /** Registry as the user names it, for messages. */
  registry: string;
  insecure: boolean;
  policy?: RetryPolicy;
  userAgent?: string;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  debug?: (line: string) => void;
  /** See TransportOptions and http/limits.ts. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TCP connect and TLS handshake limit of tlsProbe (the dispatcher's own, default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * Sends requests through one dispatcher with the retry policy, redirect handling (no Authorization to
 * another origin) and debug lines. Statuses are returned, not thrown, except Docker Hub's pull rate
 * limit and a Retry-After beyond the cap.
 */
export class HttpClient {
  readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: HttpClientOptions) {
    this.policy = options.policy ?? new RetryPolicy();
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get dispatcher(): Dispatcher {
    const d = this.options.dispatcher;
    return typeof d === 'function' ? d() : d;
  }

  /** Throws unless plain HTTP to this URL is allowed (loopback or insecure). */
  checkScheme(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol !== 'http:') {
      throw usageError('UNSUPPORTED_URL', `refusing ${url.protocol} URL ${describeUrl(url.href)}: only http and https are supported`);
    }
    if (!this.options.insecure && !isLoopbackHost(url.hostname)) {
      throw usageError('INSECURE_URL', `refusing plain HTTP to ${url.host}: only loopback or insecure registries may use http`, {
        hint: `mark ${this.options.registry} insecure if it really has no TLS`,
      });
    }
  }

  /**
   * Whether the server at `url` (https:) speaks TLS at all, without building the root-CA context
   * (tls-probe.ts): for a loopback host whose connections are this client's own; `unknown` for any
   * other host, and with an injected dispatcher (everything then goes through it).
   */
  tlsProbe(url: URL, signal?: AbortSignal): Promise<TlsProbeResult> {
    if (!isLoopbackHost(url.hostname) || this.options.rawClientFor?.(url) === undefined) return Promise.resolve('unknown');
    return probeTls(url, {
      ...(this.options.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async send(req: SendRequest): Promise<RegistryResponse> {
    let url = new URL(req.url);
    const method = req.method;
    // a small request has a deadline for all of it: redirects, retries and reading its body
    const deadlineAt = isSmall(req) ? Date.now() + this.requestTimeoutMs : undefined;
    let authorization = req.authorization;
    let redirects = 0;
    for (;;) {
      this.checkScheme(url);
      if (authorization !== undefined && req.authOrigin !== undefined && url.origin !== req.authOrigin) authorization = undefined;
      const res = await this.sendWithRetries({ ...req, method }, url, authorization, deadlineAt);
      const location = res.header('location');
      const follow = req.followRedirects && (method === 'GET' || method === 'HEAD');
      if (!follow || !REDIRECT_STATUSES.has(res.status) || location === undefined || req.acceptStatus?.includes(res.status)) {
        return res;
      }
      await res.discard();
      if (++redirects > MAX_REDIRECTS) {
        throw networkError('TOO_MANY_REDIRECTS', `${req.method} ${describeUrl(req.url)}: more than ${MAX_REDIRECTS} redirects`, {
          hint: 'the registry (or a proxy) redirects in a loop; check its address and configuration',
        });
      }
      const next = new URL(location, url);
      if (url.protocol === 'https:' && next.protocol === 'http:' && !this.options.insecure && !isLoopbackHost(next.hostname)) {
        throw usageError('INSECURE_REDIRECT', `refusing redirect from ${url.host} to plain HTTP ${next.host}`);
      }
      if (next.origin !== url.origin) authorization = undefined;
      url = next;
    }
  }

  /** Backoff sleep; an abort while waiting is an 'interrupted' error like an abort mid-request. */
  private async wait(ms: number, signal: AbortSignal | undefined, url: URL): Promise<void> {
    this.options.debug?.(`* retrying ${url.host} in ${ms}ms`);
    try {
      await this.sleep(ms, signal);
    } catch (e) {
      throw connectionError(e, url.host, this.options.registry, true);
    }
    if (signal?.aborted) throw connectionError(signal.reason, url.host, this.options.registry, true);
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** No retry whose backoff would end past the deadline: the deadline's error now instead. */
  private checkDeadline(delayMs: number, deadlineAt: number | undefined, req: SendRequest, url: URL): void {
    if (deadlineAt !== undefined && Date.now() + delayMs >= deadlineAt) {
      throw deadlineError(`${req.method} ${describeUrl(url.href)}`, this.requestTimeoutMs);
    }
  }

  private async sendWithRetries(
    req: SendRequest,
    url: URL,
    authorization: string | undefined,
    deadlineAt: number | undefined,
  ): Promise<RegistryResponse> {
    const debug = this.options.debug;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (this.options.userAgent !== undefined && !hasHeader(headers, 'user-agent')) headers['user-agent'] = this.options.userAgent;
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
      if (authorization !== undefined) headers.authorization = authorization;
      const started = this.now();
      debug?.(`> ${req.method} ${describeUrl(url.href)}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      let raw: Exchange;
      try {
        raw = await limitedExchange(
          {
            host: url.host,
            what: `${req.method} ${describeUrl(url.href)}`,
            headersTimeoutMs: this.options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
            requestTimeoutMs: this.requestTimeoutMs,
            ...(deadlineAt !== undefined ? { deadlineAt } : {}),
            ...(req.signal ? { signal: req.signal } : {}),
            ...(streamsBody(req.body) ? { bodyFirst: true } : {}),
          },
          (signal, bodySent, headReceived) => this.exchange({ ...req, signal }, url, headers, bodySent, headReceived),
        );
      } catch (e) {
        if (req.signal?.aborted) throw connectionError(req.signal.reason ?? e, url.host, this.options.registry, true);
        debug?.(`< error ${describeUrl(url.href)}: ${errCode(e)} ${this.now() - started}ms`);
        const decision = this.policy.decide(attempt, req.retry && this.policy.isRetryableError(e), undefined, this.now());
        if (!decision.retry) throw connectionError(e, url.host, this.options.registry);
        this.checkDeadline(decision.delayMs, deadlineAt, req, url);
        await this.wait(decision.delayMs, req.signal, url);
        continue;
      }
      const status = raw.statusCode;
      const resHeaders = normalizeHeaders(raw.headers);
      debug?.(`< ${status} ${req.method} ${describeUrl(url.href)} ${this.now() - started}ms`);
      const accepted = req.acceptStatus?.includes(status) === true;
      if (accepted || !this.policy.isRetryableStatus(status)) return makeResponse(status, url.href, resHeaders, raw.body);

      // Retryable status: look at 429 bodies for Docker Hub's pull limit, which waiting will not fix soon.
      const ctx = { method: req.method, url: url.href, registry: this.options.registry, headers: resHeaders };
      let data: Buffer | undefined;
      if (status === 429) {
        data = await readPrefix(raw.body, LIMITS.errorBody);
        if (isPullRateLimit(status, parseErrorEnvelope(data), resHeaders)) throw statusError(status, data, ctx);
      }
      const decision = this.policy.decide(attempt, req.retry, firstHeader(resHeaders, 'retry-after'), this.now());
      if (!decision.retry) {
        if (decision.reason === 'retry-after-too-long') {
          data ??= await readPrefix(raw.body, LIMITS.errorBody);
          const err = statusError(status, data, ctx);
          throw new HubctlError(
            err.kind,
            err.code,
            `${err.message} (the registry asks to wait ${Math.ceil((decision.retryAfterMs ?? 0) / 1000)}s)`,
            {
              hint: err.hint,
              details: err.details,
            },
          );
        }
        return data !== undefined
          ? bufferedResponse(status, url.href, resHeaders, data)
          : makeResponse(status, url.href, resHeaders, raw.body);
      }
      if (data === undefined) await discardBody(raw.body);
      this.checkDeadline(decision.delayMs, deadlineAt, req, url);
      await this.wait(decision.delayMs, req.signal, url);
    }
  }

  /**
   * One request: bulk GETs and file uploads on a raw connection where one applies, small-body GETs on
   * a kept-alive raw connection (a GET is asked again through undici when the raw reader does not read
   * the answer), everything else on undici.
   */
  private async exchange(
    req: SendRequest,
    url: URL,
    headers: Record<string, string>,
    bodySent: () => void,
    headReceived: () => void,
  ): Promise<Exchange> {
    const raw = this.options.rawClientFor?.(url);
    if (raw !== undefined && (isFileBody(req.body) || isStreamBody(req.body)) && req.body.size >= RAW_MIN_BYTES)
      return raw.send(req.method, url, headers, req.body, req.signal);
    if (raw !== undefined && (req.bulk === true || req.smallBody === true) && req.method === 'GET' && req.body === undefined) {
      try {
        return await (req.bulk === true ? raw.get(url, headers, req.signal) : raw.getSmall(url, headers, req.signal, headReceived));
      } catch (e) {
        if (errCode(e) !== RAW_UNSUPPORTED) throw e;
        this.options.debug?.(`* ${describeUrl(url.href)}: ${errMessage(e)}; asking again through undici`);
      }
    }
    const body = bodyFor(req.body);
    // a streamed body: the headers limit starts once undici has read all of it
    if (body instanceof Readable) body.once('end', bodySent);
    return undici.request(this.dispatcher, url, { method: req.method, headers, body, signal: req.signal });
  }
}

/** Status, headers and body stream, from undici or the raw reader. */
interface Exchange {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** A body sent as a stream (a blob upload): the headers limit waits for its end (limits.ts). */
function streamsBody(body: ReplayableBody | undefined): boolean {
  return typeof body === 'function' || isFileBody(body) || isStreamBody(body);
}

/** Manifests, tokens, HEADs, JSON: neither a bulk blob GET nor a streamed upload body. */
function isSmall(req: SendRequest): boolean {
  return req.bulk !== true && !streamsBody(req.body);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function isFileBody(body: ReplayableBody | undefined): body is FileBody {
  return typeof body === 'object' && !(body instanceof Uint8Array) && body.kind === 'file';
}

function isStreamBody(body: ReplayableBody | undefined): body is StreamBody {
  return typeof body === 'object' && !(body instanceof Uint8Array) && body.kind === 'stream';
}

function bodyFor(body: ReplayableBody | undefined): Dispatcher.RequestOptions['body'] {
  if (body === undefined) return undefined;
  if (typeof body === 'function') return body();
  if (isFileBody(body)) return fileStream(body);
  if (isStreamBody(body)) return Readable.from(streamChunks(body), { objectMode: false });
  return body;
}

/** A stream body for undici: the source's chunks, each through `onChunk`. */
async function* streamChunks(body: StreamBody): AsyncGenerator<Buffer> {
  const source = await openSource(body);
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      body.onChunk?.(buf);
      yield buf;
    }
  } catch (e) {
    body.onSourceError?.(e);
    throw e;
  } finally {
    source.destroy();
  }
}

/** A file body for undici: the file read in large pieces, counted into `onSent` as they pass. */
function fileStream(body: FileBody): Readable {
  const file = createReadStream(body.path, {
    highWaterMark: UPLOAD_SLAB_BYTES,
    start: 0,
    ...(body.size > 0 ? { end: body.size - 1 } : {}),
  });
  const onSent = body.onSent;
  if (onSent === undefined) return file;
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onSent((sent += chunk.length));
      cb(null, chunk);
    },
  });
  file.on('error', (e) => counter.destroy(e));
  return file.pipe(counter);
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'error';
}
