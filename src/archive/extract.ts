import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { checkTarEntry, normalizeEntryName } from '../tar/index.js';
import { HubctlError, integrityError, usageError } from '../errors.js';
import { interrupted } from '../content/abort.js';
import { fsError, isFsError } from '../fs/fs-errors.js';

/** A regular file of the archive, written to the staging directory and hashed on the way. */
export interface StagedFile {
  /** Normalized name in the archive (`blobs/sha256/<hex>`, `manifest.json`). */
  name: string;
  path: string;
  size: number;
  /** sha256 of the content. */
  digest: string;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Called with the bytes read so far from the archive. */
  onProgress?: (bytes: number) => void;
}

/** tar/safety's check on an archive member, worded for the archive rather than a layer. */
function checkEntry(header: Header): string {
  try {
    return checkTarEntry({ name: header.name, type: header.type ?? 'file', linkname: header.linkname ?? null }, 'archive');
  } catch (e) {
    if (!(e instanceof HubctlError)) throw e;
    const prefix = `layer archive: entry "${header.name}" `;
    const why = (e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message).replace(/; refusing the layer$/, '');
    throw unsafe(header.name, why);
  }
}

/**
 * An archive unpacked into a staging directory: regular files under numbered names (never under
 * their archive paths, so nothing is written outside the directory), symlinks and hardlinks kept as
 * aliases inside the archive. Every entry name and link is checked before anything is written.
 */
export class StagedArchive {
  private readonly files = new Map<string, StagedFile>();
  private readonly links = new Map<string, string>();

  constructor(readonly dir: string) {}

  /** The file an archive path names, following links inside the archive (at most 16). */
  get(name: string): StagedFile | undefined {
    let n = normalizeEntryName(name);
    for (let i = 0; i < 16; i++) {
      const f = this.files.get(n);
      if (f) return f;
      const next = this.links.get(n);
      if (next === undefined) return undefined;
      n = next;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** A small file read whole (JSON metadata, configs), refused above `limit` bytes. */
  async read(name: string, limit: number): Promise<Buffer> {
    const f = this.get(name);
    if (!f) throw usageError('INVALID_ARCHIVE', `the archive has no ${name}`);
    if (f.size > limit) throw usageError('INVALID_ARCHIVE', `${name} in the archive is ${f.size} bytes; at most ${limit} are accepted`);
    return fsp.readFile(f.path);
  }

  names(): string[] {
    return [...this.files.keys()];
  }

  addFile(f: StagedFile): void {
    this.files.set(f.name, f);
    this.links.delete(f.name);
  }

  addLink(name: string, target: string): void {
    this.links.set(name, target);
    this.files.delete(name);
  }

  remove(): Promise<void> {
    return fsp.rm(this.dir, { recursive: true, force: true });
  }
}

/** Streams a tar (docker archive or OCI archive) into `dir`, which must exist and be empty. */
export async function extractArchive(input: Readable, dir: string, options: ExtractOptions = {}): Promise<StagedArchive> {
  const staged = new StagedArchive(dir);
  const extract = tarExtract();
  let read = 0;
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      read += chunk.length;
      options.onProgress?.(read);
      cb(null, chunk);
    },
  });
  const feeding = pipeline(input, counter, extract, options.signal ? { signal: options.signal } : {}).catch((e: unknown) => {
    extract.destroy(e as Error);
    throw e;
  });
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const header = entry.header as Header;
      const name = checkEntry(header);
      const type = header.type ?? 'file';
      if (type === 'file' || type === 'contiguous-file') {
        if (name === '') throw usageError('UNSAFE_ARCHIVE', 'the archive has a file entry without a name');
        const path = join(dir, String(n++));
        const hash = createHash('sha256');
        let size = 0;
        const hasher = new Transform({
          transform(chunk: Buffer, _e, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        });
        await pipeline(entry, hasher, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        staged.addFile({ name, path, size, digest: `sha256:${hash.digest('hex')}` });
      } else if (type === 'symlink') {
        const link = header.linkname ?? '';
        if (link.startsWith('/')) throw unsafe(header.name, `is a symlink to the absolute path "${link}"`);
        staged.addLink(name, posix.normalize(posix.join(posix.dirname(name), link)));
        entry.resume();
      } else if (type === 'link') {
        staged.addLink(name, normalizeEntryName(header.linkname ?? ''));
        entry.resume();
      } else if (type === 'directory') {
        entry.resume();
      } else {
        throw unsafe(header.name, `is a ${type}, which an image archive never holds`);
      }
      if (options.signal?.aborted) throw interrupted();
    }
    await feeding;
  } catch (e) {
    extract.destroy();
    if (options.signal?.aborted) throw interrupted();
    if (e instanceof HubctlError) throw e;
    // the local disk (a full or read-only staging directory, an unreadable input file), not the archive
    if (isFsError(e)) throw fsError(e, { path: dir, action: 'write' });
    throw integrityError('INVALID_ARCHIVE', `cannot read the archive: ${(e as Error).message}`, {
      hint: 'the file is not a (complete) tar archive; docker save, skopeo and hubctl save write one',
      cause: e,
    });
  }
  return staged;
}

function unsafe(entry: string, why: string) {
  return usageError('UNSAFE_ARCHIVE', `archive entry "${entry}" ${why}; refusing the archive`, {
    hint: 'the archive was not written by docker save, skopeo or hubctl save; nothing was loaded',
    details: { entry },
  });
}
