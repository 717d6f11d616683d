import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BuildLog } from './types.js';
import { type HubctlError, storeError } from '../errors.js';

/** One entry to put in a generated tar. */
export interface PackItem {
  /** Path inside the tar: relative, no leading or trailing slash. */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  /** Permission bits (including setuid/setgid/sticky). */
  mode: number;
  size?: number;
  /** Symlink target, or for a hardlink the tar path of the first name. */
  linkname?: string;
  /** For files: where the bytes are read from. */
  sourcePath?: string;
  /** For files: the bytes, when they do not come from `sourcePath` (an entry of another tar). */
  body?: AsyncIterable<Buffer>;
  uid?: number;
  gid?: number;
  /** Overrides the pack's mtime (entries copied from an archive keep theirs). */
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
}

/** What a walk filter says about a path relative to the walked root. */
export type WalkDecision = 'include' | 'exclude' | 'descend-only';

export interface WalkOptions {
  /** Tar path the root maps to ('' = the layer root). */
  prefix?: string;
  filter?: (relPath: string, isDir: boolean) => WalkDecision;
  onWarning?: BuildLog;
  /** Shared across walks of one layer so hardlinks across sources link to the first name. */
  hardlinks?: Map<string, string>;
}

/**
 * Largest read from a file being packed. Node's default (64 KiB) means a threadpool round trip, a
 * tar-stream write, two hash updates and a gzip job per 64 KiB; 1 MiB cuts that main-thread work
 * (and the gzip stream's idle gaps between jobs) sixteenfold. Smaller files get a buffer of their
 * own size, not 1 MiB each.
 */
export const FILE_READ_CHUNK = 1 << 20;

/** The read buffer for a file of `size` bytes: its size, at most FILE_READ_CHUNK. */
export function readChunkFor(size: number): number {
  return Math.min(FILE_READ_CHUNK, Math.max(size, 1));
}

/** Entries of a directory lstat-ed ahead of the one being packed. */
const STAT_AHEAD = 32;
/** Files up to this size are read whole, several at once ahead of the one being packed... */
const SMALL_FILE = 64 * 1024;
/** ...this many packable items ahead. */
const READ_AHEAD = 16;

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Joins tar path parts, skipping empty ones. */
export function tarJoin(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/**
 * Walks a directory depth-first, each directory's children in byte order of their names (like
 * `tar --sort=name`). Directories are yielded before their contents; the root itself is not yielded.
 * Regular files with several links become hardlinks to the first name seen. Sockets, FIFOs and
 * device files are skipped with a warning (a layer built from a directory never carries them).
 */
export async function* walkDirectory(root: string, options: WalkOptions = {}): AsyncGenerator<PackItem> {
  const prefix = options.prefix ?? '';
  const hardlinks = options.hardlinks ?? new Map<string, string>();
  async function* walk(dir: string, rel: string): AsyncGenerator<PackItem> {
    const names = (await readdir(dir)).sort(byteOrder);
    // lstat a few names ahead: one at a time, a tree of small files waits on a threadpool round trip per entry
    const stats: Promise<Stats>[] = [];
    const statOf = (i: number): Promise<Stats> => {
      while (stats.length < Math.min(names.length, i + STAT_AHEAD)) {
        const st = lstat(join(dir, names[stats.length]!));
        st.catch(() => undefined);
        stats.push(st);
      }
      return stats[i]!;
    };
    for (const [i, name] of names.entries()) {
      const full = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = await statOf(i);
      const decision = options.filter ? options.filter(relPath, st.isDirectory()) : 'include';
      if (decision === 'exclude') continue;
      const tarName = tarJoin(prefix, relPath);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        if (decision === 'include') yield { name: tarName, type: 'directory', mode };
        yield* walk(full, relPath);
        continue;
      }
      if (decision !== 'include') continue;
      if (st.isSymbolicLink()) {
        yield { name: tarName, type: 'symlink', mode, linkname: await readlink(full) };
      } else if (st.isFile()) {
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          const first = hardlinks.get(key);
          if (first !== undefined) {
            yield { name: tarName, type: 'link', mode, linkname: first };
            continue;
          }
          hardlinks.set(key, tarName);
        }
        yield { name: tarName, type: 'file', mode, size: st.size, sourcePath: full };
      } else {
        options.onWarning?.(`warning: skipping ${full}: sockets, FIFOs and device files are not put in layers`);
      }
    }
  }
  yield* walk(root, '');
}

/**
 * Reads a small file whole: at most one byte more than `size`, so a file that grew since its lstat
 * still fails the tar entry's size check without being read to its end.
 */
async function readSmallFile(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/**
 * Yields `items` with the bytes of small files already being read, READ_AHEAD items ahead: packed
 * one at a time, each small file costs several threadpool round trips (open, read, read, close) in
 * a row. A read's failure surfaces when its item comes up, as it would have unread ahead. Nothing
 * is asked for past an item with a `body` until that item has been packed.
 */
async function* readAhead(items: AsyncIterable<PackItem>): AsyncGenerator<{ item: PackItem; body?: Promise<Buffer> }> {
  const it = items[Symbol.asyncIterator]();
  const queue: { item: PackItem; body?: Promise<Buffer> }[] = [];
  let ended = false;
  try {
    for (;;) {
      // An item with a `body` (an entry of another tar) must be consumed before the next is asked for.
      while (!ended && queue.length < READ_AHEAD && queue.at(-1)?.item.body === undefined) {
        const next = await it.next();
        if (next.done) {
          ended = true;
          break;
        }
        const item = next.value;
        const size = item.size ?? 0;
        if (item.type === 'file' && item.body === undefined && item.sourcePath !== undefined && size > 0 && size <= SMALL_FILE) {
          const body = readSmallFile(item.sourcePath, size);
          body.catch(() => undefined);
          queue.push({ item, body });
        } else {
          queue.push({ item });
        }
      }
      const head = queue.shift();
      if (head === undefined) return;
      yield head;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}

/**
 * A file whose size changed between listing and reading (something writes to it during the build):
 * a local filesystem condition (exit 7), not a broken layer.
 */
function fileChanged(path: string, listed: number, read: string): HubctlError {
  return storeError('FILE_CHANGED', `file ${path} changed while being read (${listed} bytes when listed, ${read} read)`, {
    hint: 'run the build again when nothing is writing to it (or leave it out with .dockerignore)',
    details: { path },
  });
}

export interface PackOptions {
  mtime: Date;
  /** Owner for items that do not set their own (default 0:0). */
  uid?: number;
  gid?: number;
}

/**
 * A tar stream of `items`, generated lazily with backpressure: file bytes are streamed from disk,
 * never held whole. Owner names are empty; every mtime is `options.mtime`.
 */
export function packTar(items: AsyncIterable<PackItem>, options: PackOptions): Readable {
  const pack = tar.pack();
  // When the reader goes away (an error elsewhere, an abort), stop waiting for 'drain' and close the file.
  const closed = new Promise<void>((resolve) => pack.once('close', () => resolve()));
  const run = async (): Promise<void> => {
    for await (const { item, body } of readAhead(items)) {
      if (pack.destroyed) return;
      const header: tar.Header = {
        name: item.type === 'directory' ? `${item.name}/` : item.name,
        type: item.type,
        mode: item.mode,
        uid: item.uid ?? options.uid ?? 0,
        gid: item.gid ?? options.gid ?? 0,
        uname: '',
        gname: '',
        mtime: item.mtime ?? options.mtime,
        size: item.type === 'file' ? (item.size ?? 0) : 0,
        linkname: item.linkname ?? '',
        devmajor: item.devmajor ?? 0,
        devminor: item.devminor ?? 0,
      };
      if (item.type === 'file' && (item.size ?? 0) > 0) {
        let sink!: ReturnType<typeof pack.entry>;
        const done = new Promise<void>((resolve, reject) => {
          sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
        });
        done.catch(() => undefined);
        // A file that changed size since it was listed fails the entry ("Size mismatch"): reported
        // through `done`, not as an uncaught 'error' event.
        sink.on('error', () => undefined);
        const source = body
          ? [await body]
          : (item.body ?? createReadStream(item.sourcePath!, { highWaterMark: readChunkFor(item.size ?? 0) }));
        const size = item.size ?? 0;
        let read = 0;
        for await (const chunk of source) {
          read += (chunk as Buffer).length;
          // a file that grew since it was listed: say so, before the tar's own size check does
          if (read > size && item.sourcePath !== undefined) throw fileChanged(item.sourcePath, size, `more than ${size}`);
          if (!sink.write(chunk as Buffer)) {
            const drained = once(sink as unknown as NodeJS.EventEmitter, 'drain');
            drained.catch(() => undefined);
            await Promise.race([drained, closed]);
          }
          if (pack.destroyed) return;
        }
        if (read < size && item.sourcePath !== undefined) throw fileChanged(item.sourcePath, size, String(read));
        sink.end(undefined);
        await done;
      } else {
        await new Promise<void>((resolve, reject) => {
          pack.entry(header, (err) => (err ? reject(err) : resolve())).end(undefined);
        });
      }
    }
    pack.finalize();
  };
  run().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  // tar-stream's pack is a streamx stream; hand out a plain node Readable of bytes.
  return Readable.from(pack, { objectMode: false });
}
