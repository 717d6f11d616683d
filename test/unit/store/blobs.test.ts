import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import { HubctlError } from '../../../src/errors.js';
import { ImageStore, MAX_INGEST_RETRIES } from '../../../src/store/index.js';
import type { ContentOpener, ProgressEvent } from '../../../src/content/types.js';
import { descOf, memoryOpener, randomBytesOf, useTempStore } from './helpers.js';

let dir: string;
let store: ImageStore;
// the streaming path (lock, partial file, resume) for every size; small blobs have their own test
useTempStore((t) => ({ dir, store } = t), { smallBlobBytes: 0 });

const blobFiles = async () => (await readdir(`${dir}/blobs/sha256`)).sort();

describe('ImageStore blobs: ingest', () => {
  it('streams a blob in, verifies it and renames it into blobs/sha256/<hex>', async () => {
    const bytes = randomBytesOf(3_000_000);
    const desc = descOf(bytes);
    const { open, log } = memoryOpener(bytes, { chunk: 64 * 1024 });
    const events: ProgressEvent[] = [];
    await store.ingest(desc, open, { onProgress: (e) => events.push(e) });
    expect(log.calls).toEqual([0]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    expect(await store.exists(desc)).toBe(true);
    expect(await store.blobSize(desc.digest)).toBe(bytes.length);
    expect(await blobFiles()).toEqual([desc.digest.slice(7)]);
    expect(events.at(-1)).toEqual({ digest: desc.digest, current: bytes.length, total: bytes.length });
  });

  it('ingests an empty blob', async () => {
    const bytes = Buffer.alloc(0);
    const desc = descOf(bytes);
    await store.ingest(desc, memoryOpener(bytes).open);
    expect(await store.exists(desc)).toBe(true);
  });

  it('rejects a digest mismatch and leaves nothing behind', async () => {
    const bytes = randomBytesOf(10_000);
    const desc = { ...descOf(bytes), digest: sha256('something else') };
    const err = await store.ingest(desc, memoryOpener(bytes).open).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err).toMatchObject({ kind: 'integrity', code: 'DIGEST_MISMATCH' });
    expect((err as Error).message).toContain(desc.digest);
    expect((err as Error).message).toContain(sha256(bytes));
    expect(await blobFiles()).toEqual([]);
  });

  it('rejects more bytes than the descriptor size and deletes the partial', async () => {
    const bytes = randomBytesOf(10_000);
    const desc = { ...descOf(bytes), size: 5_000 };
    const err = await store.ingest(desc, memoryOpener(bytes).open).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'integrity', code: 'SIZE_MISMATCH' });
    expect((err as Error).message).toContain('5000');
    expect(await blobFiles()).toEqual([]);
  });

  it('skips a blob that is already present without calling the opener', async () => {
    const bytes = randomBytesOf(1000);
    const desc = descOf(bytes);
    await store.putBytes(desc, bytes);
    let called = 0;
    await store.ingest(desc, async () => {
      called++;
      throw new Error('must not be called');
    });
    expect(called).toBe(0);
  });

  it('resumes from a partial file when the opener honours the offset', async () => {
    const bytes = randomBytesOf(200_000);
    const desc = descOf(bytes);
    await writeFile(`${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`, bytes.subarray(0, 123_456));
    const { open, log } = memoryOpener(bytes);
    const events: ProgressEvent[] = [];
    await store.ingest(desc, open, { onProgress: (e) => events.push(e) });
    expect(log.calls).toEqual([123_456]);
    expect(events[0]!.current).toBeGreaterThan(123_456);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    expect(await blobFiles()).toEqual([desc.digest.slice(7)]);
  });

  it('rewrites the partial when the opener ignores the offset (answers 0)', async () => {
    const bytes = randomBytesOf(200_000);
    const desc = descOf(bytes);
    await writeFile(`${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`, bytes.subarray(0, 50_000));
    const { open, log } = memoryOpener(bytes, { ignoreOffset: true });
    await store.ingest(desc, open);
    expect(log.calls).toEqual([50_000]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
  });

  it('discards a partial that holds wrong bytes and reports the mismatch', async () => {
    const bytes = randomBytesOf(20_000);
    const desc = descOf(bytes);
    await writeFile(`${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`, randomBytesOf(5_000, 99));
    const err = await store.ingest(desc, memoryOpener(bytes).open).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await blobFiles()).toEqual([]);
    await store.ingest(desc, memoryOpener(bytes).open);
    expect(await store.exists(desc)).toBe(true);
  });

  it('finishes from a complete partial without opening', async () => {
    const bytes = randomBytesOf(20_000);
    const desc = descOf(bytes);
    await writeFile(`${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`, bytes);
    let called = 0;
    await store.ingest(desc, async () => {
      called++;
      throw new Error('not needed');
    });
    expect(called).toBe(0);
    expect(await store.exists(desc)).toBe(true);
  });

  it('retries a mid-stream connection reset by resuming at the current length', async () => {
    const bytes = randomBytesOf(100_000);
    const desc = descOf(bytes);
    const { open, log } = memoryOpener(bytes, { failAfter: (a) => (a < 2 ? 30_000 : undefined) });
    await store.ingest(desc, open);
    expect(log.calls).toEqual([0, 30_000, 60_000]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
  });

  it('retries a network HubctlError thrown by the opener', async () => {
    const bytes = randomBytesOf(10_000);
    const desc = descOf(bytes);
    let n = 0;
    const inner = memoryOpener(bytes).open;
    const open: ContentOpener = async (offset, signal) => {
      if (n++ === 0) throw new HubctlError('network', 'CONNECTION_FAILED', 'boom');
      return inner(offset, signal);
    };
    await store.ingest(desc, open);
    expect(n).toBe(2);
    expect(await store.exists(desc)).toBe(true);
  });

  it(`gives up after ${MAX_INGEST_RETRIES} retries, keeps the partial, and a later ingest resumes it`, async () => {
    const bytes = randomBytesOf(100_000);
    const desc = descOf(bytes);
    const failing = memoryOpener(bytes, { failAfter: () => 1_000 });
    const err = await store.ingest(desc, failing.open).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', code: 'BLOB_DOWNLOAD_FAILED' });
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(failing.log.calls.length).toBe(MAX_INGEST_RETRIES + 1);
    const partial = `${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`;
    expect((await stat(partial)).size).toBe(6_000);
    expect(existsSync(store.blobPath(desc.digest))).toBe(false);
    const ok = memoryOpener(bytes);
    await store.ingest(desc, ok.open);
    expect(ok.log.calls).toEqual([6_000]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
  });

  it('does not retry a non-network error', async () => {
    const bytes = randomBytesOf(10_000);
    let n = 0;
    const err = await store
      .ingest(descOf(bytes), async () => {
        n++;
        throw new HubctlError('auth', 'DENIED', 'denied');
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
    expect(n).toBe(1);
  });

  it('on abort removes the partial (no temp file left) and never writes a final blob', async () => {
    const bytes = randomBytesOf(500_000);
    const desc = descOf(bytes);
    const ac = new AbortController();
    const open: ContentOpener = async (offset) => {
      async function* gen() {
        yield bytes.subarray(offset, offset + 100_000);
        ac.abort();
        await new Promise((r) => setTimeout(r, 20));
        yield bytes.subarray(offset + 100_000);
      }
      return { stream: Readable.from(gen()), offset };
    };
    const err = await store.ingest(desc, open, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'interrupted' });
    expect(existsSync(store.blobPath(desc.digest))).toBe(false);
    expect(existsSync(`${dir}/blobs/sha256/.${desc.digest.slice(7)}.partial`)).toBe(false);
    const again = memoryOpener(bytes);
    await store.ingest(desc, again.open);
    expect(again.log.calls).toEqual([0]);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
  });

  it('two concurrent ingests of the same blob (two store instances) both succeed; one download', async () => {
    const bytes = randomBytesOf(2_000_000);
    const desc = descOf(bytes);
    const other = await ImageStore.open(dir, { smallBlobBytes: 0 });
    const a = memoryOpener(bytes, { chunk: 16 * 1024 });
    const b = memoryOpener(bytes, { chunk: 16 * 1024 });
    await Promise.all([store.ingest(desc, a.open), other.ingest(desc, b.open)]);
    expect(a.log.calls.length + b.log.calls.length).toBe(1);
    expect(sha256(await readFile(store.blobPath(desc.digest)))).toBe(desc.digest);
    expect(await blobFiles()).toEqual([desc.digest.slice(7)]);
  });
});

describe('ImageStore blobs: small blobs (fetched whole, no lock or partial file)', () => {
  it('stores a small blob, retries a reset from 0, and refuses wrong bytes without leaving files', async () => {
    const small = await ImageStore.open(dir);
    const bytes = randomBytesOf(50_000, 21);
    const desc = descOf(bytes);
    const { open, log } = memoryOpener(bytes, { failAfter: (attempt) => (attempt === 0 ? 20_000 : undefined) });
    await small.ingest(desc, open);
    expect(log.calls).toEqual([0, 0]);
    expect(sha256(await readFile(small.blobPath(desc.digest)))).toBe(desc.digest);
    const other = randomBytesOf(50_000, 22);
    const wrong = { ...descOf(other), digest: sha256(randomBytesOf(50_000, 23)) };
    await expect(small.ingest(wrong, memoryOpener(other).open)).rejects.toMatchObject({ kind: 'integrity' });
    expect(await blobFiles()).toEqual([desc.digest.slice(7)]);
    await small.close();
  });
});

describe('ImageStore blobs: putBytes, open, fetchBytes', () => {
  it('putBytes verifies digest and size', async () => {
    const bytes = Buffer.from('{"a":1}');
    await expect(store.putBytes({ ...descOf(bytes), size: 3 }, bytes)).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    await expect(store.putBytes({ ...descOf(bytes), digest: sha256('x') }, bytes)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await blobFiles()).toEqual([]);
    await store.putBytes(descOf(bytes), bytes);
    await store.putBytes(descOf(bytes), bytes);
    expect(await blobFiles()).toEqual([sha256(bytes).slice(7)]);
  });

  it('concurrent putBytes of the same content is fine', async () => {
    const bytes = randomBytesOf(100_000);
    await Promise.all(Array.from({ length: 8 }, () => store.putBytes(descOf(bytes), bytes)));
    expect(await blobFiles()).toEqual([sha256(bytes).slice(7)]);
  });

  it('open streams from an offset; fetchBytes verifies and caps', async () => {
    const bytes = randomBytesOf(10_000);
    const desc = descOf(bytes);
    await store.putBytes(desc, bytes);
    const opened = await store.open(desc, 4_000);
    const got: Buffer[] = [];
    for await (const c of opened.stream) got.push(c as Buffer);
    expect(opened.offset).toBe(4_000);
    expect(Buffer.concat(got).equals(bytes.subarray(4_000))).toBe(true);
    expect((await store.fetchBytes(desc, 1 << 20)).equals(bytes)).toBe(true);
    await expect(store.fetchBytes(desc, 100)).rejects.toMatchObject({ kind: 'integrity' });
    await writeFile(store.blobPath(desc.digest), randomBytesOf(10_000, 7));
    await expect(store.fetchBytes(desc, 1 << 20)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    const missing = descOf(Buffer.from('nope'));
    await expect(store.open(missing)).rejects.toMatchObject({ kind: 'notfound' });
    await expect(store.fetchBytes(missing, 100)).rejects.toMatchObject({ kind: 'notfound' });
  });

  it('rejects an invalid digest instead of building a path from it', () => {
    expect(() => store.blobPath('sha256:../../etc/passwd')).toThrow(HubctlError);
  });
});
