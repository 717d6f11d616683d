import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import type { ImageStore } from '../../../src/store/index.js';
import { Lease, LEASES_DIR, parseLease } from '../../../src/store/lease.js';
import { SYNC_PUT_BYTES } from '../../../src/store/blobs.js';
import { descOf, randomBytesOf, useTempStore } from './helpers.js';

let dir: string;
let store: ImageStore;
useTempStore((t) => ({ dir, store } = t));

const entries = async () => (await readdir(`${dir}/blobs/sha256`)).sort();

describe('putBytes: synchronous small writes, promise API above SYNC_PUT_BYTES', () => {
  it('writes both sizes, verified, with no temp file left', async () => {
    const small = randomBytesOf(16 * 1024, 2);
    const large = randomBytesOf(SYNC_PUT_BYTES + 1, 3);
    await Promise.all([store.putBytes(descOf(small), small), store.putBytes(descOf(large), large)]);
    expect(await entries()).toEqual([sha256(small).slice(7), sha256(large).slice(7)].sort());
    expect((await readFile(store.blobPath(sha256(small)))).equals(small)).toBe(true);
    expect((await readFile(store.blobPath(sha256(large)))).equals(large)).toBe(true);
  });

  it('many concurrent writes of distinct blobs get distinct temp names', async () => {
    const blobs = Array.from({ length: 50 }, (_, i) => randomBytesOf(1000 + i, 10 + i));
    await Promise.all(blobs.map((b) => store.putBytes(descOf(b), b)));
    expect(await entries()).toEqual(blobs.map((b) => sha256(b).slice(7)).sort());
  });

  it('a failed rename removes the temp file, for both paths', async () => {
    for (const bytes of [randomBytesOf(100, 4), randomBytesOf(SYNC_PUT_BYTES + 10, 5)]) {
      // a directory where the blob should go: rename(2) fails
      await mkdir(join(store.blobPath(sha256(bytes)), 'x'), { recursive: true });
      await expect(store.putBytes(descOf(bytes), bytes)).rejects.toMatchObject({ kind: 'store', code: expect.stringMatching(/^FS_E/) });
    }
    expect((await entries()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('Lease (synchronous appends)', () => {
  const leaseFiles = async () => (await readdir(join(dir, LEASES_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));

  it('is in the file when add() resolves; release and close update it; add after close starts a new file', async () => {
    const lease = new Lease(dir, Date.now);
    const [a, b] = [sha256('a'), sha256('b')];
    await lease.add(a);
    await lease.add(a); // once
    await lease.add(b);
    const [name] = await leaseFiles();
    const path = join(dir, LEASES_DIR, name!);
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('+')),
    ).toEqual([`+${a}`, `+${b}`]);
    await lease.release([a, sha256('never leased')]);
    expect([...parseLease(readFileSync(path, 'utf8'))!.digests]).toEqual([b]);
    await lease.close();
    expect(await leaseFiles()).toEqual([]);
    await lease.add(a);
    expect([...parseLease(readFileSync(path, 'utf8'))!.digests]).toEqual([a]);
    await lease.close();
    expect(await leaseFiles()).toEqual([]);
  });

  it('rejects (does not throw) when the lease directory cannot be made', async () => {
    const lease = new Lease(join(dir, 'oci-layout'), Date.now); // a file, not a directory
    await expect(lease.add(sha256('x'))).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    await lease.close();
  });
});
