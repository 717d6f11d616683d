import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsync, mkdirSync, openSync, promises as fsp, renameSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { digestAlgorithm, digestHex } from '../digest/digest.js';
import { integrityError, notFoundError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { ContentOpener, IngestOptions, OpenedContent } from '../content/types.js';
import { fsyncDir } from './atomic-write.js';
import { TEMP_SUFFIX, type Layout } from './layout.js';
import { WRITE_BUFFER_BYTES, checkDescriptorShape, sizeMismatch, statSize, statSizeSync, verifyBytes } from './verify.js';
import { ingestBlob } from './ingest.js';
import { fsError } from '../fs/fs-errors.js';

const fsyncFd = promisify(fsync);

/** Temp names are `<hex>.<pid>.<random per process>-<counter>.tmp`: unique without a random draw per blob. */
const TEMP_PREFIX = `${process.pid}.${randomBytes(6).toString('hex')}`;
let tempCounter = 0;

/**
 * putBytes writes buffers up to this size with synchronous open/write/close/rename (microseconds each
 * on a local filesystem: the data only reaches the page cache) and keeps only the fsync, which can
 * take milliseconds on a disk, on the thread pool. Larger buffers use the promise API throughout.
 */
export const SYNC_PUT_BYTES = 1 << 20;

export interface BlobStoreOptions {
  now: () => number;
  lockStaleMs?: number;
  /** Blobs up to this size are fetched whole, without lock or partial file (default SMALL_BLOB_BYTES). */
  smallBlobBytes?: number;
}

/** Content-addressed blobs under `blobs/<alg>/<hex>`, verified on the way in. */
export class BlobStore {
  /** Algorithm directories known to exist (created once per store instance). */
  private readonly dirs = new Set<string>();

  constructor(
    readonly layout: Layout,
    private readonly opts: BlobStoreOptions,
  ) {}

  /** Creates `blobs/<alg>/` for a digest once; returns the directory. */
  async ensureDir(digest: string): Promise<string> {
    const dir = this.layout.algorithmDir(digestAlgorithm(digest));
    if (!this.dirs.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return dir;
  }

  private ensureDirSync(digest: string): string {
    const dir = this.layout.algorithmDir(digestAlgorithm(digest));
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return dir;
  }

  blobPath(digest: string): string {
    return this.layout.blobPath(digest);
  }

  /** Size of the stored blob, or undefined when absent (one synchronous stat, see statSizeSync). */
  async blobSize(digest: string): Promise<number | undefined> {
    return statSizeSync(this.blobPath(digest));
  }

  /** True when the blob is present with the descriptor's size. */
  async exists(desc: Descriptor): Promise<boolean> {
    return statSizeSync(this.blobPath(desc.digest)) === desc.size;
  }

  async open(desc: Descriptor, offset = 0): Promise<OpenedContent> {
    const path = this.blobPath(desc.digest);
    const size = await statSize(path);
    if (size === undefined) throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) {
      throw integrityError('BAD_OFFSET', `offset ${offset} is outside blob ${desc.digest} (${size} bytes)`);
    }
    return { stream: createReadStream(path, { start: offset, highWaterMark: WRITE_BUFFER_BYTES }), offset };
  }

  async fetchBytes(desc: Descriptor, limit: number): Promise<Buffer> {
    checkDescriptorShape(desc);
    if (desc.size > limit) {
      throw integrityError('BLOB_TOO_LARGE', `${desc.digest} is ${desc.size} bytes; the limit for this content is ${limit}`);
    }
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(this.blobPath(desc.digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`, { cause: e });
      }
      throw e;
    }
    verifyBytes(desc, bytes);
    return bytes;
  }

  /**
   * Verifies and writes a small blob: unique temp name, write, fsync, rename. The fsync before the
   * rename stays for every blob: presence is judged by name and size alone (exists()), so a name
   * must never survive a crash pointing at data that did not (a rename is not ordered after the
   * data on every filesystem; a later directory sync cannot repair that).
   */
  async putBytes(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    checkDescriptorShape(desc);
    verifyBytes(desc, bytes);
    if (await this.exists(desc)) return;
    const final = this.blobPath(desc.digest);
    if (bytes.length > SYNC_PUT_BYTES) return this.putLarge(final, await this.ensureDir(desc.digest), desc, bytes);
    const tmp = this.tempName(this.ensureDirSync(desc.digest), desc);
    let fd: number | undefined = openSync(tmp, 'wx', 0o644);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      await fsyncFd(fd);
      closeSync(fd);
      fd = undefined;
      // Identical content under the same name: a concurrent writer's rename is harmless.
      renameSync(tmp, final);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      throw fsError(e, { path: final, action: 'write', override: true });
    }
  }

  private tempName(dir: string, desc: Descriptor): string {
    return `${dir}/.${digestHex(desc.digest)}.${TEMP_PREFIX}-${tempCounter++}${TEMP_SUFFIX}`;
  }

  private async putLarge(final: string, dir: string, desc: Descriptor, bytes: Uint8Array): Promise<void> {
    const tmp = this.tempName(dir, desc);
    try {
      const fh = await fsp.open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, final);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw fsError(e, { path: final, action: 'write', override: true });
    }
  }

  /**
   * Renames a file the caller wrote and hashed into place (see Storage.adoptFile): its size is
   * checked and it is synced first, as ingest does; its bytes are not read again. False across
   * filesystems (EXDEV).
   */
  async adoptFile(desc: Descriptor, path: string): Promise<boolean> {
    checkDescriptorShape(desc);
    if (await this.exists(desc)) return true;
    const fh = await fsp.open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (size !== desc.size) throw sizeMismatch(desc, String(size));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.ensureDir(desc.digest);
    try {
      // identical content under the same name: a concurrent writer's rename is harmless
      await fsp.rename(path, this.blobPath(desc.digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') return false;
      throw e;
    }
    return true;
  }

  /**
   * Streams a blob into the store. One ingest per blob at a time across processes (a per-blob lock);
   * a second ingest waits for the first and then finds the blob present.
   */
  ingest(desc: Descriptor, opener: ContentOpener, options: IngestOptions = {}): Promise<void> {
    return ingestBlob(this, desc, opener, options, this.opts);
  }

  /** fsyncs the blob directories (called before index.json is rewritten). */
  async syncDirs(): Promise<void> {
    for (const alg of ['sha256', 'sha512']) {
      await fsyncDir(this.layout.algorithmDir(alg)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
  }
}
