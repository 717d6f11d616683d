import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { ChunkSink } from '../content/types.js';
import { ReadPool } from './read-pool.js';
import { codedError } from '../errors.js';

/** Size of each read while the body is consumed as a plain stream (error bodies, `text()`). */
const STREAM_READ_BYTES = 64 * 1024;

const prematureClose = (got: number, want: number | undefined) =>
  codedError(`the connection closed after ${got}${want === undefined ? '' : ` of ${want}`} body bytes`, 'ERR_STREAM_PREMATURE_CLOSE');

type Mode = 'hold' | 'stream' | 'pump' | 'done';

/**
 * The body of a response read by raw-request.ts. It is a Readable like undici's bodies (so error bodies,
 * discard and `text()` work unchanged), and it can also `pump()` its bytes to a sink as views of the
 * socket's own read buffers: no copy, no per-read allocation, and the pool bounds memory. Bytes
 * that came with the head (and, over TLS, records already decrypted when the socket was paused) are
 * held until the consumer picks one way or the other.
 *
 * The idle timeout runs only while bytes are wanted: it is stopped while the socket is paused for a
 * slow consumer (a disk stall is not a dead registry), as undici does for its bodies.
 */
export class RawBody extends Readable {
  private mode: Mode = 'hold';
  private received = 0;
  private held: Buffer[] = [];
  private pool: ReadPool | undefined;
  private sink: ChunkSink | undefined;
  private pumping: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private pausedForRoom = false;
  private failure: Error | undefined;
  /** A close-delimited body whose connection ended while no consumer had come yet. */
  private ended = false;

  constructor(
    private readonly socket: Socket,
    /** Body length from Content-Length, or undefined to read until the connection ends. */
    private readonly length: number | undefined,
    /** Idle limit between reads, ms (the socket's 'timeout' listener is raw-request's). */
    private readonly idleMs: number,
  ) {
    super({ highWaterMark: STREAM_READ_BYTES });
  }

  /** Buffer for the next socket read (wired to the socket's onread by raw-request.ts once the head is read). */
  nextBuffer(): Buffer {
    return this.pool !== undefined ? this.pool.next() : Buffer.allocUnsafe(STREAM_READ_BYTES);
  }

  /** Starts with the body bytes that arrived with the head; the socket stays paused until a consumer comes. */
  start(leftover: Buffer): void {
    this.socket.setTimeout(0);
    this.accept(leftover);
  }

  private get complete(): boolean {
    return this.ended || (this.length !== undefined && this.received >= this.length);
  }

  /** Counts `view` against the length: the part that belongs to the body (bytes past it are dropped). */
  private accept(view: Buffer): Buffer {
    const body =
      this.length !== undefined && this.received + view.length > this.length ? view.subarray(0, this.length - this.received) : view;
    this.received += body.length;
    if (this.mode === 'hold' && body.length > 0) this.held.push(body);
    return body;
  }

  /** One socket read of `n` bytes into `buf`; returns false to pause the socket. */
  onRead(n: number, buf: Buffer): boolean {
    if (this.mode === 'done' || this.destroyed) return false;
    let view: Buffer;
    let release: () => void = noop;
    if (this.pool?.owns(buf) === true) ({ view, release } = this.pool.claim(buf, n));
    else view = buf.subarray(0, n);
    if (this.mode === 'hold') {
      // a read after the pause (TLS hands over what it already decrypted): keep it for the consumer
      this.accept(view);
      return false;
    }
    view = this.accept(view);
    if (this.mode === 'pump') {
      if (view.length > 0) this.sink?.chunk(view, release);
      else release();
      if (this.complete) return (this.finish(), false);
      if (this.pool !== undefined && !this.pool.hasRoom()) {
        this.pausedForRoom = true;
        this.socket.setTimeout(0);
        return false;
      }
      return true;
    }
    const more = view.length === 0 || this.push(view);
    if (this.complete) return (this.finish(), false);
    if (!more) this.socket.setTimeout(0);
    return more;
  }

  /** The connection ended (FIN): the end of a close-delimited body, early otherwise. */
  onEnd(): void {
    if (this.mode === 'done') return;
    if (this.length !== undefined) this.fail(prematureClose(this.received, this.length));
    else if (this.mode === 'hold') this.ended = true;
    else this.finish();
  }

  fail(err: Error): void {
    if (this.mode === 'done') return;
    const streaming = this.mode === 'stream';
    this.mode = 'done';
    this.failure = err;
    const pumping = this.pumping;
    this.pumping = undefined;
    pumping?.reject(err);
    // 'error' only reaches a stream consumer; a pump has its promise, and a held body nobody reads
    // would have no listener (later reads see a destroyed stream)
    if (streaming) this.destroy(err);
    else this.destroy();
  }

  /**
   * Hands the body's bytes to `sink` as views of pooled read buffers; each view is the sink's until it
   * calls the release given with it. Resolves once all bytes were handed over (releases may still be
   * pending), rejects when the body fails or is destroyed.
   */
  pump(sink: ChunkSink): Promise<void> {
    if (this.mode !== 'hold') return Promise.reject(this.failure ?? new Error('the body is already being read'));
    this.mode = 'pump';
    this.sink = sink;
    this.pool = new ReadPool();
    this.pool.onRoom = () => {
      if (this.pausedForRoom && this.mode === 'pump') {
        this.pausedForRoom = false;
        this.flow();
      }
    };
    return new Promise<void>((resolve, reject) => {
      this.pumping = { resolve, reject };
      for (const held of this.takeHeld()) sink.chunk(held, noop);
      if (this.complete) this.finish();
      else this.flow();
    });
  }

  /** Drops the rest of the body: the connection is closed, never reused, so nothing is read. */
  async dump(): Promise<void> {
    this.destroy();
  }

  override _read(): void {
    if (this.mode === 'hold') {
      this.mode = 'stream';
      for (const held of this.takeHeld()) this.push(held);
      if (this.complete) {
        this.finish();
        return;
      }
    }
    if (this.mode === 'stream') this.flow();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (this.mode !== 'done') {
      this.mode = 'done';
      this.pumping?.reject(err ?? codedError('the response body was destroyed', 'ERR_STREAM_PREMATURE_CLOSE'));
      this.pumping = undefined;
    }
    this.socket.destroy();
    cb(err);
  }

  /** Reads on, with the idle timeout running again. */
  private flow(): void {
    this.socket.setTimeout(this.idleMs);
    this.socket.resume();
  }

  private takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private finish(): void {
    if (this.mode === 'done') return;
    const wasPump = this.mode === 'pump';
    this.mode = 'done';
    // the request asked for Connection: close; nothing else will come on this socket
    this.socket.destroy();
    if (wasPump) {
      this.pumping?.resolve();
      this.pumping = undefined;
    } else this.push(null);
  }
}

function noop(): void {}
