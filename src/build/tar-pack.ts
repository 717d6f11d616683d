import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BuildLog } from './types.js';

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
    for (const name of names) {
      const full = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(full);
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
    for await (const item of items) {
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
        for await (const chunk of item.body ?? createReadStream(item.sourcePath!, { highWaterMark: readChunkFor(item.size ?? 0) })) {
          if (!sink.write(chunk as Buffer)) {
            const drained = once(sink as unknown as NodeJS.EventEmitter, 'drain');
            drained.catch(() => undefined);
            await Promise.race([drained, closed]);
          }
          if (pack.destroyed) return;
        }
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
