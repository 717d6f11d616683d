import { describe, expect, it } from 'vitest';
import { ReadPool, SLABS, SLAB_BYTES } from '../../../src/http/read-pool.js';

interface Held {
  view: Buffer;
  release: () => void;
  /** What the read put there, to check the view was not overwritten while held. */
  copy: Buffer;
}

/** A read's view, and whether the pool had room after it (false: the socket pauses). */
type Read = Held & { more: boolean };

/** Marks a read's bytes: its number at both ends, a fill byte between. */
function fill(buf: Buffer, n: number, seed: number): void {
  buf.fill(seed & 0xff, 0, n);
  if (n >= 8) {
    buf.writeUInt32LE(seed, 0);
    buf.writeUInt32LE(seed, n - 4);
  }
}

const overlaps = (a: Buffer, b: Buffer) =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;

/**
 * Drives a pool the way net's onread does: next() is asked for right after each read (even when the
 * socket is about to pause), and a paused "socket" reads again only once onRoom fired.
 */
function reader(pool: ReadPool) {
  let room = 0;
  pool.onRoom = () => room++;
  const buffers = new Set<ArrayBufferLike>();
  let armed = pool.next();
  buffers.add(armed.buffer);
  let seed = 0;
  return {
    buffers,
    get roomEvents() {
      return room;
    },
    /** One read of up to `want` bytes; returns the claimed view and whether the socket may keep reading. */
    read(want: number): Read {
      const buf = armed;
      expect(pool.owns(buf)).toBe(true);
      const n = Math.min(want, buf.length);
      fill(buf, n, ++seed);
      const copy = Buffer.from(buf.subarray(0, n));
      const { view, release } = pool.claim(buf, n);
      const more = pool.hasRoom();
      armed = pool.next();
      buffers.add(armed.buffer);
      buffers.add(view.buffer);
      return { view, release, copy, more };
    },
  };
}

describe('ReadPool', () => {
  it('hands out views that never overlap while held, and keeps their bytes until released', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    const held: Held[] = [];
    let rng = 12345;
    const rand = (n: number) => ((rng = (rng * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 400; i++) {
      const got = r.read(1 + rand(200_000));
      expect(got.view.length).toBeGreaterThan(0);
      for (const h of held) expect(overlaps(h.view, got.view)).toBe(false);
      held.push(got);
      // release some views, not in order; when the pool is out of room, release until it has some again
      const before = r.roomEvents;
      while (held.length > 0 && (rand(3) === 0 || (!got.more && r.roomEvents === before))) {
        const [h] = held.splice(rand(held.length), 1);
        expect(h!.view.equals(h!.copy)).toBe(true);
        h!.release();
      }
    }
    for (const h of held) expect(h.view.equals(h.copy)).toBe(true);
    expect(r.buffers.size).toBeLessThanOrEqual(SLABS + 1);
  });

  it('reuses slabs once their views are released', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    const slabs = new Set<ArrayBufferLike>();
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const got = r.read(300_000);
      slabs.add(got.view.buffer);
      total += got.view.length;
      got.release();
    }
    expect(total).toBeGreaterThan(10 * SLAB_BYTES);
    // the next read is armed before the last view is released, so two slabs take turns
    expect(slabs.size).toBeLessThanOrEqual(2);
  });

  it('says there is no room once every slab holds a view, and gets room back when one slab is released', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    const held: Held[] = [];
    let got = r.read(SLAB_BYTES);
    held.push(got);
    for (let i = 0; got.more && i < 100; i++) held.push((got = r.read(SLAB_BYTES)));
    expect(got.more).toBe(false);
    expect(pool.hasRoom()).toBe(false);
    expect(held).toHaveLength(SLABS);
    expect(new Set(held.map((h) => h.view.buffer)).size).toBe(SLABS);
    // releasing the same view twice counts once
    held[0]!.release();
    held[0]!.release();
    expect(r.roomEvents).toBe(1);
    expect(pool.hasRoom()).toBe(true);
  });

  it('counts every view of a slab: the slab is free only after the last one', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    const held: Read[] = [];
    for (let i = 0; i < 100 && (held.length === 0 || held.at(-1)!.more); i++) held.push(r.read(100_000));
    expect(pool.hasRoom()).toBe(false);
    const first = held[0]!.view.buffer;
    const sameSlab = held.filter((h) => h.view.buffer === first);
    expect(sameSlab.length).toBeGreaterThan(2);
    sameSlab[0]!.release();
    sameSlab[0]!.release();
    expect(pool.hasRoom()).toBe(false);
    for (const h of sameSlab.slice(1)) h.release();
    expect(r.roomEvents).toBe(1);
    expect(pool.hasRoom()).toBe(true);
  });

  it('copies a read that landed in the parking buffer into a freed slab, byte for byte', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    const held: Read[] = [];
    for (let i = 0; i < 100 && (held.length === 0 || held.at(-1)!.more); i++) held.push(r.read(SLAB_BYTES));
    expect(held).toHaveLength(SLABS);
    const slabs = new Set(held.map((h) => h.view.buffer));
    // the socket was paused, but the buffer for its next read is already armed: the parking buffer
    held[1]!.release();
    const parked = r.read(SLAB_BYTES);
    expect(slabs.has(parked.view.buffer)).toBe(true);
    expect(parked.view.buffer).toBe(held[1]!.view.buffer);
    expect(parked.view.length).toBeLessThan(SLAB_BYTES);
    expect(parked.view.equals(parked.copy)).toBe(true);
    for (const h of [held[0]!, held[2]!, held[3]!]) expect(h.view.equals(h.copy)).toBe(true);
    // one slab set plus the parking buffer, nothing more
    expect(r.buffers.size).toBe(SLABS + 1);
  });

  it('stays within its slabs and the parking buffer when the consumer holds everything until paused', () => {
    const pool = new ReadPool();
    const r = reader(pool);
    let total = 0;
    for (let round = 0; round < 10; round++) {
      const held: Held[] = [];
      let more = true;
      for (let i = 0; more && i < 1000; i++) {
        const got = r.read(48 * 1024 + i);
        held.push(got);
        total += got.view.length;
        more = got.more;
      }
      expect(more).toBe(false);
      for (const h of held) expect(h.view.equals(h.copy)).toBe(true);
      for (const h of held) h.release();
    }
    expect(total).toBeGreaterThan(10 * (SLABS - 1) * SLAB_BYTES);
    expect(r.buffers.size).toBeLessThanOrEqual(SLABS + 1);
  });

  it('works with slabs smaller than the usual minimum read', () => {
    const pool = new ReadPool(1024, 2);
    const r = reader(pool);
    const a = r.read(5000);
    expect(a.view.length).toBe(1024);
    const b = r.read(10);
    expect(b.more).toBe(false);
    expect(overlaps(a.view, b.view)).toBe(false);
    a.release();
    expect(pool.hasRoom()).toBe(true);
    b.release();
    expect(r.buffers.size).toBeLessThanOrEqual(3);
  });
});
