import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { codedError } from '../errors.js';
import { MAX_HEAD_BYTES, bodyFraming, chunkedBodyEnd, decodeChunked, headEnd, parseResponseHead, type ResponseHead } from './raw-head.js';
import { RAW_UNSUPPORTED, type RawClientOptions, type RawResponse } from './raw-request.js';

/** Bodies up to this size are read whole on a kept connection; larger ones are left to undici. */
export const MAX_SMALL_BODY_BYTES = 1024 * 1024;
/** Code of the error for a kept connection found closed before its answer began. */
export const STALE_CONNECTION = 'HUBCTL_STALE_CONNECTION';
const MAX_INTERIM_ANSWERS = 10;

export interface SmallAnswer {
  response: RawResponse;
  /** Whether the connection may carry the next request. */
  reusable: boolean;
}

/**
 * Sends `head` on `socket` (after `connectEvent` for a new connection) and reads the answer whole; the
 * caller keeps the connection when `reusable`, else closes it. A kept connection (no connectEvent)
 * that ends or fails before any byte of the answer fails with STALE_CONNECTION, so the caller can
 * send again on a new one. Answers framed by Content-Length, by chunked coding (decoded here) or by
 * the connection's end are read; other transfer codings, and answers larger than MAX_SMALL_BODY_BYTES,
 * fail with RAW_UNSUPPORTED (the connection closed). `onFinalHead` is called
 * when the final (non-1xx) head has come, before the body is read.
 */
export function readSmallAnswer(
  socket: Socket,
  connectEvent: string | undefined,
  url: URL,
  head: string,
  options: Pick<RawClientOptions, 'bodyTimeoutMs' | 'connectTimeoutMs'>,
  signal?: AbortSignal,
  onFinalHead?: () => void,
): Promise<SmallAnswer> {
  return new Promise<SmallAnswer>((resolve, reject) => {
    let received = 0;
    let headBuf: Buffer | undefined;
    let interim = 0;
    let answer: ResponseHead | undefined;
    let reusable = false;
    let length: number | undefined; // undefined: until the connection ends; -1: chunked
    const parts: Buffer[] = [];
    let bodyBytes = 0;
    let done = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const idleMs = options.bodyTimeoutMs;

    const detach = () => {
      done = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData).removeListener('end', onEnd).removeListener('error', onError);
      socket.removeListener('close', onEnd).removeListener('timeout', onTimeout);
      socket.setTimeout(0);
    };
    const fail = (err: Error) => {
      if (done) return;
      detach();
      socket.destroy();
      reject(err);
    };
    let chunked = false;
    const finish = () => {
      if (done || answer === undefined) return;
      detach();
      let body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bodyBytes);
      if (chunked) {
        try {
          body = decodeChunked(body);
        } catch (e) {
          return fail(e as Error);
        }
      }
      resolve({
        response: { statusCode: answer.statusCode, headers: answer.headers, body: bufferBody(body) },
        reusable: reusable && length !== undefined,
      });
    };
    const onAbort = () => fail(signal?.reason instanceof Error ? signal.reason : codedError('aborted', 'ABORT_ERR'));
    const onError = (e: Error) => fail(received === 0 && connectEvent === undefined ? stale(e) : e);
    const onEnd = () => {
      if (answer !== undefined && length === undefined) return finish();
      const what =
        answer === undefined ? 'before answering' : chunked ? 'inside a chunked body' : `after ${bodyBytes} of ${length} body bytes`;
      const err = codedError(
        `${url.host} closed the connection ${what}`,
        answer === undefined ? 'ECONNRESET' : 'ERR_STREAM_PREMATURE_CLOSE',
      );
      fail(received === 0 && connectEvent === undefined ? stale(err) : err);
    };
    const onTimeout = () =>
      fail(
        answer === undefined
          ? codedError(`no response head from ${url.host} for ${idleMs} ms`, 'UND_ERR_HEADERS_TIMEOUT')
          : codedError(`no data from ${url.host} for ${idleMs} ms`, 'UND_ERR_BODY_TIMEOUT'),
      );

    const onChunkedBody = (chunk: Buffer) => {
      parts.push(chunk);
      bodyBytes += chunk.length;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bodyBytes);
      parts.length = 0;
      parts.push(all);
      let end: number;
      try {
        end = chunkedBodyEnd(all);
      } catch (e) {
        return fail(e as Error);
      }
      if (end < 0) {
        if (bodyBytes > MAX_SMALL_BODY_BYTES)
          fail(codedError(`a chunked answer larger than ${MAX_SMALL_BODY_BYTES} bytes`, RAW_UNSUPPORTED));
        return;
      }
      // bytes past the body on a connection nothing else was asked on: answer kept, connection not
      if (end < all.length) reusable = false;
      parts[0] = all.subarray(0, end);
      bodyBytes = end;
      finish();
    };
    const onBody = (chunk: Buffer) => {
      if (chunked) return onChunkedBody(chunk);
      if (length !== undefined && bodyBytes + chunk.length > length) {
        // bytes past the body on a connection nothing else was asked on: answer kept, connection not
        chunk = chunk.subarray(0, length - bodyBytes);
        reusable = false;
      }
      if (chunk.length > 0) parts.push(chunk);
      bodyBytes += chunk.length;
      if (length === undefined && bodyBytes > MAX_SMALL_BODY_BYTES) {
        fail(codedError(`a close-delimited answer larger than ${MAX_SMALL_BODY_BYTES} bytes`, RAW_UNSUPPORTED));
      } else if (length !== undefined && bodyBytes >= length) finish();
    };
    const onHead = (chunk: Buffer) => {
      headBuf = headBuf === undefined ? chunk : Buffer.concat([headBuf, chunk]);
      for (;;) {
        const end = headEnd(headBuf);
        if (end < 0) {
          if (headBuf.length > MAX_HEAD_BYTES)
            fail(codedError(`response head from ${url.host} is larger than ${MAX_HEAD_BYTES} bytes`, 'UND_ERR_HEADERS_OVERFLOW'));
          return;
        }
        let parsed: ResponseHead;
        let framing: ReturnType<typeof bodyFraming>;
        try {
          parsed = parseResponseHead(headBuf.subarray(0, end - 4).toString('latin1'));
          framing = bodyFraming(parsed);
        } catch (e) {
          return fail(e as Error);
        }
        const rest = headBuf.subarray(end);
        if (parsed.statusCode >= 100 && parsed.statusCode < 200) {
          if (++interim > MAX_INTERIM_ANSWERS)
            return fail(codedError(`${url.host} sent more than ${MAX_INTERIM_ANSWERS} interim answers`, 'HPE_INVALID_RESPONSE'));
          headBuf = rest;
          continue;
        }
        if (framing.kind === 'unsupported') return fail(codedError(`response uses ${framing.why}`, RAW_UNSUPPORTED));
        if (framing.kind === 'length' && framing.length > MAX_SMALL_BODY_BYTES) {
          return fail(codedError(`a ${framing.length}-byte answer is not small`, RAW_UNSUPPORTED));
        }
        answer = parsed;
        chunked = framing.kind === 'chunked';
        length = framing.kind === 'length' ? framing.length : framing.kind === 'none' ? 0 : chunked ? -1 : undefined;
        reusable = headBuf.toString('latin1', 0, 9) === 'HTTP/1.1 ' && !saysClose(parsed.headers.connection);
        headBuf = undefined;
        onFinalHead?.();
        if (length === 0) return finish();
        if (rest.length > 0) onBody(rest);
        return;
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (answer === undefined) onHead(chunk);
      else onBody(chunk);
    };

    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError).on('timeout', onTimeout);
    const connectMs = options.connectTimeoutMs ?? 10_000;
    if (connectEvent !== undefined) {
      connectTimer = setTimeout(
        () => fail(codedError(`connecting to ${url.host} timed out after ${connectMs} ms`, 'UND_ERR_CONNECT_TIMEOUT')),
        connectMs,
      );
    }
    const send = () => {
      clearTimeout(connectTimer);
      if (done) return;
      socket.setTimeout(idleMs);
      socket.write(head);
    };
    if (connectEvent === undefined) send();
    else socket.once(connectEvent, send);
  });
}

function stale(cause: Error): Error {
  return Object.assign(codedError(`a kept connection was closed: ${cause.message}`, STALE_CONNECTION), { cause });
}

function saysClose(value: string | string[] | undefined): boolean {
  const all = Array.isArray(value) ? value.join(',') : (value ?? '');
  return all.split(',').some((t) => t.trim().toLowerCase() === 'close');
}

/** A Readable of one buffer (the whole body): no per-chunk machinery for the callers that iterate it. */
function bufferBody(data: Buffer): Readable {
  const body = new Readable({ read() {} });
  if (data.length > 0) body.push(data);
  body.push(null);
  return body;
}
