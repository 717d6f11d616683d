import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { RawBody } from './raw-body.js';
import { rawConnect } from './raw-connect.js';
import { MAX_HEAD_BYTES, bodyFraming, decodeChunked, headEnd, parseResponseHead, type ResponseHead } from './raw-head.js';
import { sendFile, sendStream } from './raw-upload.js';
import type { FileBody, StreamBody } from './types.js';
import { codedError } from '../errors.js';
import { MAX_INTERIM_RESPONSES, headersTimeoutError, interimError } from './limits.js';

/**
 * Requests that move a large blob, each on a connection of its own: a GET whose body is read with the
 * socket's `onread` buffers, or an upload whose file body is sent from reused buffers, or whose body
 * is another raw response's read buffers (raw-upload.ts).
 *
 * Why not undici for these: reading 1 GiB through undici on this 2-core machine costs about 2 CPU
 * seconds (a new 64 KiB buffer per socket read, the wasm parser's copy, stream machinery), against
 * 0.45 s for a socket reading into reused 1 MiB buffers; on a pull the registry needs the other core.
 * Everything else (manifests, tokens, HEADs, small blobs, proxied hosts, injected dispatchers) stays
 * on undici, and a GET answer raw-request does not read (transfer codings) is asked again through it.
 *
 * The request says `Connection: close`: one blob per connection, so a body can end at the end of the
 * connection and nothing is left to drain or reuse.
 */
export interface RawClientOptions {
  /** CA bundle and verification choice, as the undici agent has them. */
  tls: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
  connectTimeoutMs?: number;
  /** Idle limit between body reads. */
  bodyTimeoutMs: number;
  /**
   * Limit on the wait for the whole response head, from the request's start: bytes trickling in and
   * interim answers do not extend it (default: bodyTimeoutMs). HttpClient also enforces it from outside.
   */
  headersTimeoutMs?: number;
}

export interface RawResponse extends ResponseHead {
  /** A RawBody (pumpable), or for a chunked answer to an upload its decoded bytes. */
  body: Readable;
}

/** Bodies of chunked upload answers are read whole, up to this much. */
const MAX_CHUNKED_ANSWER_BYTES = 1024 * 1024;

async function* dechunked(body: RawBody): AsyncGenerator<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body) {
    size += (part as Buffer).length;
    if (size > MAX_CHUNKED_ANSWER_BYTES) {
      body.destroy();
      throw codedError(`a chunked answer larger than ${MAX_CHUNKED_ANSWER_BYTES} bytes`, 'HPE_INVALID_RESPONSE');
    }
    parts.push(part as Buffer);
  }
  const data = decodeChunked(Buffer.concat(parts));
  if (data.length > 0) yield data;
}

export type RawGet = (url: URL, headers: Record<string, string>, signal?: AbortSignal) => Promise<RawResponse>;
export type RawSend = (
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: FileBody | StreamBody,
  signal?: AbortSignal,
) => Promise<RawResponse>;

/** The raw requests for one connection configuration. */
export interface RawClient {
  get: RawGet;
  send: RawSend;
}

/**
 * Bodies smaller than this stay on undici's keep-alive connections: for them a connection of their
 * own (a TLS handshake on a remote registry) costs more than the copies it saves.
 */
export const RAW_MIN_BYTES = 256 * 1024;

/** Code of the error raw-request gives for a response it does not read; the caller uses undici instead. */
export const RAW_UNSUPPORTED = 'HUBCTL_RAW_UNSUPPORTED';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const HEAD_READ_BYTES = 16 * 1024;

export function createRawGet(options: RawClientOptions): RawGet {
  return (url, headers, signal) => rawRequest('GET', url, headers, undefined, options, signal);
}

export function createRawClient(options: RawClientOptions): RawClient {
  return {
    get: createRawGet(options),
    send: (method, url, headers, body, signal) => rawRequest(method, url, headers, body, options, signal),
  };
}

/**
 * The request line and headers; `content-length` is the upload's size (none for a GET). The
 * connection closes after the answer unless `keepAlive` (raw-keepalive.ts).
 */
export function requestHead(url: URL, headers: Record<string, string>, method = 'GET', contentLength?: number, keepAlive = false): string {
  if (!/^[A-Z]+$/.test(method)) throw codedError(`invalid method ${JSON.stringify(method)}`, 'ERR_INVALID_HTTP_TOKEN');
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  if (!keepAlive) lines.push('connection: close');
  if (contentLength !== undefined) lines.push(`content-length: ${contentLength}`);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value))
      throw codedError(`invalid header ${JSON.stringify(name)}`, 'ERR_INVALID_HTTP_TOKEN');
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function rawRequest(
  method: string,
  url: URL,
  headers: Record<string, string>,
  upload: FileBody | StreamBody | undefined,
  options: RawClientOptions,
  signal?: AbortSignal,
): Promise<RawResponse> {
  let head: string;
  try {
    head = requestHead(url, headers, method, upload?.size);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<RawResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let body: RawBody | undefined;
    let headChunks: Buffer[] = [];
    let headBytes = 0;
    let interim = 0;
    let settled = false;
    let headTimer: NodeJS.Timeout | undefined;
    /** While an upload's body goes out: the send made no progress for the read timeout. */
    const onSendIdle = () => fail(codedError(`${url.host} took none of the request body for ${options.bodyTimeoutMs} ms`, 'ETIMEDOUT'));

    const fail = (err: Error) => {
      cleanup();
      if (!settled) {
        settled = true;
        socket.destroy();
        reject(err);
      } else body?.fail(err);
    };
    const onAbort = () => fail(signal?.reason instanceof Error ? signal.reason : codedError('aborted', 'ABORT_ERR'));
    const cleanup = () => {
      clearTimeout(headTimer);
      signal?.removeEventListener('abort', onAbort);
    };

    const onread = {
      buffer: () => (body !== undefined ? body.nextBuffer() : Buffer.allocUnsafe(HEAD_READ_BYTES)),
      callback: (n: number, buf: Buffer): boolean => {
        if (body !== undefined) return body.onRead(n, buf);
        headChunks.push(Buffer.from(buf.subarray(0, n)));
        headBytes += n;
        return readHead();
      },
    };
    const { socket, connectEvent }: { socket: Socket; connectEvent: string } = rawConnect(url, options.tls, onread);

    /** Parses the head once it is complete; false pauses the socket until the consumer reads the body. */
    const readHead = (): boolean => {
      for (;;) {
        const all = headChunks.length === 1 ? headChunks[0]! : Buffer.concat(headChunks);
        headChunks = [all];
        const end = headEnd(all);
        if (end < 0) {
          if (headBytes > MAX_HEAD_BYTES)
            fail(codedError(`response head from ${url.host} is larger than ${MAX_HEAD_BYTES} bytes`, 'UND_ERR_HEADERS_OVERFLOW'));
          return true;
        }
        let parsed: ResponseHead;
        let framing: ReturnType<typeof bodyFraming>;
        try {
          parsed = parseResponseHead(all.subarray(0, end - 4).toString('latin1'));
          framing = bodyFraming(parsed);
        } catch (e) {
          fail(e as Error);
          return false;
        }
        const rest = all.subarray(end);
        if (parsed.statusCode >= 100 && parsed.statusCode < 200) {
          // an interim answer (100, 103): the real head follows. Reliability (issue 15): only a few,
          // an endless stream of them is an error (undici refuses 100 outright).
          if (++interim > MAX_INTERIM_RESPONSES) {
            fail(interimError(url.host, MAX_INTERIM_RESPONSES));
            return false;
          }
          headChunks = [rest];
          headBytes = rest.length;
          continue;
        }
        if (framing.kind === 'unsupported' || (framing.kind === 'chunked' && upload === undefined)) {
          fail(codedError(`response uses ${framing.kind === 'chunked' ? 'transfer-encoding chunked' : framing.why}`, RAW_UNSUPPORTED));
          return false;
        }
        const raw = new RawBody(
          socket,
          framing.kind === 'length' ? framing.length : framing.kind === 'none' ? 0 : undefined,
          options.bodyTimeoutMs,
        );
        body = raw;
        settled = true;
        clearTimeout(headTimer);
        socket.removeListener('timeout', onSendIdle);
        socket.on('timeout', () =>
          raw.fail(codedError(`no data from ${url.host} for ${options.bodyTimeoutMs} ms`, 'UND_ERR_BODY_TIMEOUT')),
        );
        raw.start(rest);
        body.once('close', cleanup);
        // the answer to an upload cannot be asked for again: a chunked one is read (it is short) and decoded
        const answer = framing.kind === 'chunked' ? Readable.from(dechunked(raw), { objectMode: false }) : raw;
        resolve({ statusCode: parsed.statusCode, headers: parsed.headers, body: answer });
        return false;
      }
    };

    // Reliability (issue 15): the head must be complete within headersTimeoutMs of the request (of the
    // end of its body, for an upload), however slowly its bytes trickle in (an idle timer would be
    // reset by each byte).
    const headLimit = options.headersTimeoutMs ?? options.bodyTimeoutMs;
    const headTimeout = () => fail(headersTimeoutError(url.host, headLimit));
    const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const connectTimer = setTimeout(
      () => fail(codedError(`connecting to ${url.host} timed out after ${connectTimeout} ms`, 'UND_ERR_CONNECT_TIMEOUT')),
      connectTimeout,
    );
    socket.once(connectEvent, () => {
      clearTimeout(connectTimer);
      socket.setTimeout(options.bodyTimeoutMs); // the idle limit on the body, reported by RawBody below
      socket.write(head);
      if (upload === undefined) {
        headTimer = setTimeout(headTimeout, headLimit);
        return;
      }
      // A large body may take long to go out (a slow link, a copy streamed from another registry): the
      // head's limit starts once all of it is sent; until then a send that makes no progress for the
      // read timeout fails. An answer that comes before the whole body went out ends the sending; a
      // send failure after an answer is that answer's business (the connection closes anyway).
      socket.on('timeout', onSendIdle);
      const send = upload.kind === 'file' ? sendFile(socket, upload, () => settled) : sendStream(socket, upload, () => settled);
      send.then(
        () => {
          socket.removeListener('timeout', onSendIdle);
          if (!settled) headTimer = setTimeout(headTimeout, headLimit);
        },
        (e: unknown) => {
          if (!settled) fail(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
    socket.on('error', (e) => {
      clearTimeout(connectTimer);
      fail(e);
    });
    // 'close' follows every 'end' (no half-open sockets), so the end of the stream is handled there once
    socket.on('close', () => {
      clearTimeout(connectTimer);
      if (body === undefined) fail(codedError(`${url.host} closed the connection before answering`, 'ECONNRESET'));
      else body.onEnd();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
