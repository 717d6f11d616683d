/**
 * Socket read buffers for a body that is handed over without copying (see raw-body.ts): reads land in
 * a few large slabs, each read's bytes are given to the receiver as a view, and a slab is reused once
 * every view of it was released (e.g. its file write finished). When every slab is busy, the socket
 * is paused; a read that still arrives goes into a small parking buffer and is copied out once a slab
 * frees up, so the pool stays at `slabs` x `slabBytes`. (A read that lands while every slab is still
 * held, which only TLS does after a pause, gets a copy of its own.)
 */
export const SLAB_BYTES = 1024 * 1024;
export const SLABS = 4;
/** A slab's free tail smaller than this is not offered to the socket; the next slab is used instead. */
const MIN_READ_BYTES = 64 * 1024;

interface Slab {
  buf: Buffer;
  used: number;
  /** Views handed out and not yet released. */
  refs: number;
}

export class ReadPool {
  private readonly free: Slab[] = [];
  private current: Slab | undefined;
  private created = 0;
  private parking: Buffer | undefined;
  /** The buffer last given to the socket by next(). */
  private armed: Buffer | undefined;
  private armedSlab: Slab | undefined;

  /** Called whenever a slab becomes reusable (the owner resumes a paused socket). */
  onRoom: (() => void) | undefined;

  constructor(
    private readonly slabBytes = SLAB_BYTES,
    private readonly slabs = SLABS,
  ) {}

  /** Where the next socket read goes: the current slab's tail, a free slab, or the parking buffer. */
  next(): Buffer {
    const cur = this.current;
    if (cur !== undefined && cur.buf.length - cur.used >= Math.min(MIN_READ_BYTES, this.slabBytes)) {
      return this.arm(cur.buf.subarray(cur.used), cur);
    }
    const slab = this.take();
    if (slab === undefined) {
      this.parking ??= Buffer.allocUnsafe(Math.min(MIN_READ_BYTES, this.slabBytes));
      return this.arm(this.parking, undefined);
    }
    this.current = slab;
    return this.arm(slab.buf, slab);
  }

  /** Whether a read can go on without the parking buffer; false means pause the socket. */
  hasRoom(): boolean {
    const cur = this.current;
    if (cur !== undefined && (cur.refs === 0 || cur.buf.length - cur.used >= Math.min(MIN_READ_BYTES, this.slabBytes))) return true;
    return this.free.length > 0 || this.created < this.slabs;
  }

  /** Whether `buf` is the buffer this pool gave for the read that just completed. */
  owns(buf: Buffer): boolean {
    return buf === this.armed;
  }

  /** The `n` bytes just read into `buf` (from next()) as a view, with the function that gives it back. */
  claim(buf: Buffer, n: number): { view: Buffer; release: () => void } {
    let slab = this.armedSlab;
    if (slab === undefined) {
      const free = this.take();
      if (free === undefined) {
        // a read while every slab is held (TLS delivers records it decrypted before the pause): a
        // copy of its own, outside the pool, so the pool never grows
        this.armed = undefined;
        return { view: Buffer.from(buf.subarray(0, n)), release: () => undefined };
      }
      // read into the parking buffer after a slab came free: copy it in
      slab = free;
      this.current = slab;
      buf.copy(slab.buf, 0, 0, n);
    }
    this.armed = undefined;
    this.armedSlab = undefined;
    const start = slab.used;
    slab.used += n;
    slab.refs++;
    const owner = slab;
    let released = false;
    return {
      view: owner.buf.subarray(start, start + n),
      release: () => {
        if (released) return;
        released = true;
        if (--owner.refs > 0) return;
        if (owner !== this.current) this.free.push(owner);
        this.onRoom?.();
      },
    };
  }

  private arm(buf: Buffer, slab: Slab | undefined): Buffer {
    this.armed = buf;
    this.armedSlab = slab;
    return buf;
  }

  private take(): Slab | undefined {
    const cur = this.current;
    if (cur !== undefined && cur.refs === 0) {
      cur.used = 0;
      return cur;
    }
    const slab = this.free.pop() ?? (this.created < this.slabs ? this.make() : undefined);
    if (slab !== undefined) slab.used = 0;
    return slab;
  }

  private make(): Slab {
    this.created++;
    // a slab of its own (not from Node's shared pool), reused for the whole body
    return { buf: Buffer.allocUnsafeSlow(this.slabBytes), used: 0, refs: 0 };
  }
}
