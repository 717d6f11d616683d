import type { Socket } from 'node:net';
import { rawConnect } from './raw-connect.js';
import { createRawClient, requestHead, type RawClient, type RawClientOptions, type RawResponse } from './raw-request.js';
import { STALE_CONNECTION, readSmallAnswer } from './raw-small-answer.js';

export { MAX_SMALL_BODY_BYTES } from './raw-small-answer.js';

/**
 * GETs of small bodies (small blobs, a few KiB each) on connections kept open between requests.
 *
 * Why not undici: a pull of 200 small layers spent about 1.3 ms of CPU per blob in undici's request
 * machinery (request and handler objects, the wasm parser, a body stream and its async iterator);
 * the same 200 GETs read whole here cost about half. The registry needs the other core for its own
 * part of each request, so the client's share is what decides.
 *
 * Only answers framed by Content-Length or chunked coding (or without a body) up to MAX_SMALL_BODY_BYTES
 * are read (raw-small-answer.ts); any other answer fails with RAW_UNSUPPORTED on a connection that is
 * then closed, and HttpClient asks again through undici. Besides small blobs, the ping, manifests and
 * tokens come this way: a pull from a registry on loopback or without a proxy never loads undici. A connection is reused after a complete answer
 * to HTTP/1.1 that did not say `Connection: close`; idle ones are unref'd (they never keep the
 * process alive) and closed after IDLE_MS. A kept connection the server closed meanwhile fails before the first byte of the answer:
 * the GET (idempotent) is then sent once more on a new connection.
 */
export const IDLE_MS = 10_000;
const MAX_IDLE_PER_ORIGIN = 8;

/** The raw requests of raw-request.ts, plus small-body GETs on kept-alive connections. */
export interface KeptRawClient extends RawClient {
  /** `onHead`: called when the final answer's head has come, before its body is read. */
  getSmall: (url: URL, headers: Record<string, string>, signal?: AbortSignal, onHead?: () => void) => Promise<RawResponse>;
  /** Closes the kept-alive connections. */
  close: () => void;
}

export function createKeptRawClient(options: RawClientOptions): KeptRawClient {
  const kept = new KeepAliveGets(options);
  return {
    ...createRawClient(options),
    getSmall: (url, headers, signal, onHead) => kept.get(url, headers, signal, onHead),
    close: () => kept.close(),
  };
}

interface Idle {
  socket: Socket;
  /** Takes the idle watch off the connection and refs it again, for the next request. */
  wake: () => void;
}

export class KeepAliveGets {
  private readonly idle = new Map<string, Idle[]>();
  private closed = false;

  constructor(private readonly options: RawClientOptions) {}

  async get(url: URL, headers: Record<string, string>, signal?: AbortSignal, onHead?: () => void): Promise<RawResponse> {
    const head = requestHead(url, headers, 'GET', undefined, true);
    const kept = this.take(url.origin);
    if (kept !== undefined) {
      try {
        return await this.exchange(kept, undefined, url, head, signal, onHead);
      } catch (e) {
        if ((e as { code?: unknown }).code !== STALE_CONNECTION) throw e;
      }
    }
    const { socket, connectEvent } = rawConnect(url, this.options.tls);
    // errors are handled by each exchange's listener; this one keeps a late one from being unhandled
    socket.on('error', noop);
    return this.exchange(socket, connectEvent, url, head, signal, onHead);
  }

  /** Closes the idle connections; connections in use close after their answer. */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const { socket } of list) socket.destroy();
    this.idle.clear();
  }

  private take(origin: string): Socket | undefined {
    const list = this.idle.get(origin);
    for (let entry = list?.pop(); entry !== undefined; entry = list?.pop()) {
      entry.wake();
      if (!entry.socket.destroyed) return entry.socket;
    }
    return undefined;
  }

  /** Keeps a connection whose answer was read whole for the next GET to the same origin. */
  private keep(origin: string, socket: Socket): void {
    let list = this.idle.get(origin);
    if (list === undefined) this.idle.set(origin, (list = []));
    if (this.closed || list.length >= MAX_IDLE_PER_ORIGIN) return void socket.destroy();
    const entries = list;
    // anything arriving on an idle connection, its end or its idle limit makes it unusable
    const drop = () => {
      const i = entries.indexOf(entry);
      if (i >= 0) entries.splice(i, 1);
      socket.destroy();
    };
    const entry: Idle = {
      socket,
      wake: () => {
        socket.removeListener('data', drop).removeListener('end', drop).removeListener('close', drop).removeListener('timeout', drop);
        socket.setTimeout(0);
        socket.ref();
      },
    };
    socket.once('data', drop).once('end', drop).once('close', drop).once('timeout', drop);
    socket.setTimeout(IDLE_MS);
    socket.unref();
    entries.push(entry);
  }

  private async exchange(
    socket: Socket,
    connectEvent: string | undefined,
    url: URL,
    head: string,
    signal?: AbortSignal,
    onHead?: () => void,
  ): Promise<RawResponse> {
    const { response, reusable } = await readSmallAnswer(socket, connectEvent, url, head, this.options, signal, onHead);
    if (reusable) this.keep(url.origin, socket);
    else socket.destroy();
    return response;
  }
}

function noop(): void {}
