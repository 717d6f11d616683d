import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { ChunkSink } from '../content/types.js';
import { ReadPool } from './read-pool.js';

/** Size of each read while the body is consumed as a plain stream (error bodies, `text()`). */
const STREAM_READ_BYTES = 64 * 1024;

const prematureClose = (got: number, want: number | undefined) =>
  Object.assign(new Error(`the connection closed after ${got}${want === undefined ? '' : ` of ${want}`} body bytes`), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });

type Mode = 'hold' | 'stream' | 'pump' | 'done';

/**
 * The body of a response read by raw-get.ts. It is a Readable like undici's bodies (so error bodies,
 * discard and `text()` work unchanged), and it can also `pump()` its bytes to a sink as views of the
 * socket's own read buffers: no copy, no per-read allocation, and the pool bounds memory. Bytes
 * that came with the head are held until the consumer picks one way or the other.
 */
export class RawBody extends Readable {
  private mode: Mode = 'hold';
  private received = 0;
  private held: Buffer | undefined;
  private pool: ReadPool | undefined;
  private sink: ChunkSink | undefined;
  private pumping: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private pausedForRoom = false;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    /** Body length from Content-Length, or undefined to read until the connection ends. */
    private readonly length: number | undefined,
  ) {
    super({ highWaterMark: STREAM_READ_BYTES });
  }

  /** Buffer for the next socket read (wired to the socket's onread by raw-get.ts once the head is read). */
  nextBuffer(): Buffer {
    return this.pool !== undefined ? this.pool.next() : Buffer.allocUnsafe(STREAM_READ_BYTES);
  }

  /** Starts with the body bytes that arrived with the head. */
  start(leftover: Buffer): void {
    if (leftover.length > 0) this.held = leftover;
    if (this.length === 0 || (this.length !== undefined && leftover.length >= this.length)) {
      this.held = leftover.subarray(0, this.length);
      this.received = this.length;
    } else this.received = leftover.length;
  }

  private get complete(): boolean {
    return this.length !== undefined && this.received >= this.length;
  }

  /** One socket read of `n` bytes into `buf`; returns false to pause the socket. */
  onRead(n: number, buf: Buffer): boolean {
    if (this.mode === 'done' || this.destroyed) return false;
    let view: Buffer;
    let release: () => void = noop;
    if (this.pool?.owns(buf) === true) ({ view, release } = this.pool.claim(buf, n));
    else view = buf.subarray(0, n);
    if (this.length !== undefined && this.received + view.length > this.length) view = view.subarray(0, this.length - this.received);
    this.received += view.length;
    if (this.mode === 'pump') {
      this.sink?.chunk(view, release);
      if (this.complete) return this.finish(), false;
      if (this.pool !== undefined && !this.pool.hasRoom()) {
        this.pausedForRoom = true;
        return false;
      }
      return true;
    }
    const more = this.push(view);
    if (this.complete) return this.finish(), false;
    return more;
  }

  /** The connection ended (FIN): the end of a close-delimited body, early otherwise. */
  onEnd(): void {
    if (this.mode === 'done') return;
    if (this.length === undefined) this.finish();
    else this.fail(prematureClose(this.received, this.length));
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
        this.socket.resume();
      }
    };
    return new Promise<void>((resolve, reject) => {
      this.pumping = { resolve, reject };
      const held = this.takeHeld();
      if (held !== undefined) sink.chunk(held, noop);
      if (this.complete) this.finish();
      else this.socket.resume();
    });
  }

  /** Drops the rest of the body: the connection is closed, never reused, so nothing is read. */
  async dump(): Promise<void> {
    this.destroy();
  }

  override _read(): void {
    if (this.mode === 'hold') {
      this.mode = 'stream';
      const held = this.takeHeld();
      if (held !== undefined) this.push(held);
      if (this.complete) return this.finish();
    }
    if (this.mode === 'stream') this.socket.resume();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (this.mode !== 'done') {
      this.mode = 'done';
      this.pumping?.reject(err ?? Object.assign(new Error('the response body was destroyed'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      this.pumping = undefined;
    }
    this.socket.destroy();
    cb(err);
  }

  private takeHeld(): Buffer | undefined {
    const held = this.held;
    this.held = undefined;
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
