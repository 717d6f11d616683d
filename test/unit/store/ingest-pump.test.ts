import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import type { ImageStore } from '../../../src/store/index.js';
import { isPumpable, type ChunkSink, type ContentOpener, type PumpableStream } from '../../../src/content/types.js';
import { descOf, randomBytesOf, useTempStore } from './helpers.js';

// The pump path of ingest (a body that hands over views of its read buffers, like src/http/raw-body.ts).

let dir: string;
let store: ImageStore;
useTempStore((t) => ({ dir, store } = t), { smallBlobBytes: 0 });

const blobFiles = async () => (await readdir(`${dir}/blobs/sha256`)).sort();
const partialOf = (digest: string) => `${dir}/blobs/sha256/.${digest.slice(7)}.partial`;

interface Stats {
  handed: number;
  released: number;
  /** Views released before their bytes were in the partial file (checked when `partial` is given). */
  releasedUnwritten: number;
  doubleReleases: number;
}

/**
 * A PumpableStream over `data` (served from `offset`): hands `batch` views of `chunk` bytes per tick, so
 * several writes are in flight; fails with ECONNRESET once `failAt` bytes were handed. A released view is
 * scribbled over, as a read pool reusing it would; with `partial`, its bytes are first looked up there.
 */
class FakeBody extends Readable implements PumpableStream {
  constructor(
    private readonly data: Buffer,
    private readonly offset: number,
    private readonly stats: Stats,
    private readonly o: { chunk: number; batch: number; failAt?: number; partial?: string },
  ) {
    super();
  }

  override _read(): void {
    this.destroy(new Error('stream mode is not expected here'));
  }

  async pump(sink: ChunkSink): Promise<void> {
    let at = this.offset;
    while (at < this.data.length) {
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < this.o.batch && at < this.data.length; i++) {
        if (this.destroyed) throw Object.assign(new Error('destroyed'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
        if (this.o.failAt !== undefined && at - this.offset >= this.o.failAt)
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        const view = Buffer.from(this.data.subarray(at, at + this.o.chunk));
        const position = at;
        at += view.length;
        this.stats.handed++;
        let released = false;
        sink.chunk(view, () => {
          if (released) return void this.stats.doubleReleases++;
          released = true;
          this.stats.released++;
          if (this.o.partial !== undefined && !inFile(this.o.partial, view, position)) this.stats.releasedUnwritten++;
          view.fill(0xee);
        });
      }
    }
  }
}

function inFile(path: string, view: Buffer, position: number): boolean {
  const fd = openSync(path, 'r');
  try {
    const got = Buffer.alloc(view.length);
    return readSync(fd, got, 0, view.length, position) === view.length && got.equals(view);
  } finally {
    closeSync(fd);
  }
}

function pumpOpener(
  data: Buffer,
  o: { chunk?: number; batch?: number; failAt?: (attempt: number) => number | undefined; partial?: string } = {},
) {
  const calls: number[] = [];
  const stats: Stats = { handed: 0, released: 0, releasedUnwritten: 0, doubleReleases: 0 };
  const bodies: FakeBody[] = [];
  const open: ContentOpener = async (offset) => {
    const failAt = o.failAt?.(calls.length);
    calls.push(offset);
    const body = new FakeBody(data, offset, stats, {
      chunk: o.chunk ?? 64 * 1024,
      batch: o.batch ?? 4,
      ...(failAt !== undefined ? { failAt } : {}),
      ...(o.partial ? { partial: o.partial } : {}),
    });
    bodies.push(body);
    return { stream: body, offset };
  };
  return { open, calls, stats, bodies };
}

describe('ingest of a pumpable body', () => {
  it('stores the exact bytes, releasing each view once and only after it was written', async () => {
    const bytes = randomBytesOf(3_000_000 + 17);
    const desc = descOf(bytes);
    const src = pumpOpener(bytes, { chunk: 50_000, batch: 8, partial: partialOf(desc.digest) });
    await store.ingest(desc, src.open);
    expect(src.calls).toEqual([0]);
    expect(isPumpable(src.bodies[0]!)).toBe(true);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    expect(await blobFiles()).toEqual([desc.digest.slice(7)]);
    expect(src.stats.handed).toBe(Math.ceil(bytes.length / 50_000));
    expect(src.stats.released).toBe(src.stats.handed);
    expect(src.stats.releasedUnwritten).toBe(0);
    expect(src.stats.doubleReleases).toBe(0);
  });

  it('fails with an integrity error on more bytes than the descriptor says, and removes the partial', async () => {
    const bytes = randomBytesOf(1_000_000);
    const desc = { ...descOf(bytes), size: 600_000 };
    const src = pumpOpener(bytes, { chunk: 64 * 1024 });
    const err = await store.ingest(desc, src.open).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'integrity', code: 'SIZE_MISMATCH' });
    expect(src.calls).toEqual([0]);
    expect(await blobFiles()).toEqual([]);
    expect(src.bodies[0]!.destroyed).toBe(true);
    expect(src.stats.released).toBe(src.stats.handed);
  });

  it('resumes after a reset mid-pump at the length written, and the result is exact', async () => {
    const bytes = randomBytesOf(2_000_000);
    const desc = descOf(bytes);
    const chunk = 40_000;
    // the first attempt dies after 13 views (in batches of 4), the second after 20 more
    const src = pumpOpener(bytes, {
      chunk,
      failAt: (a) => (a === 0 ? 13 * chunk : a === 1 ? 20 * chunk : undefined),
      partial: partialOf(desc.digest),
    });
    await store.ingest(desc, src.open);
    expect(src.calls).toEqual([0, 13 * chunk, 33 * chunk]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    expect(src.stats.released).toBe(src.stats.handed);
    expect(src.stats.releasedUnwritten).toBe(0);
  });
});
