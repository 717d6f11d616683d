import { createReadStream, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { notFoundError, usageError } from '../errors.js';
import { FILE_READ_CHUNK, packTar, walkDirectory } from './tar-pack.js';
import type { BuildLog, LayerInput } from './types.js';

export interface LayerSourceOptions {
  /** Seconds since the epoch for every mtime in a tarred directory (SOURCE_DATE_EPOCH); default 0. */
  sourceDateEpoch?: number;
  onWarning?: BuildLog;
}

export type Compression = 'gzip' | 'zstd' | 'bzip2' | 'xz' | 'none';

/** The fixed timestamp used for mtimes and `created`: SOURCE_DATE_EPOCH or 1970-01-01T00:00:00Z. */
export function epochDate(sourceDateEpoch?: number): Date {
  if (sourceDateEpoch === undefined) return new Date(0);
  if (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0) {
    throw usageError('INVALID_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH must be a non-negative integer, got ${sourceDateEpoch}`);
  }
  return new Date(sourceDateEpoch * 1000);
}

/** Recognizes a compression format by its magic bytes. */
export function compressionOf(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (
    head.length >= 6 &&
    head[0] === 0xfd &&
    head[1] === 0x37 &&
    head[2] === 0x7a &&
    head[3] === 0x58 &&
    head[4] === 0x5a &&
    head[5] === 0x00
  )
    return 'xz';
  return 'none';
}

export async function sniffFile(path: string): Promise<Compression> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(6);
    const { bytesRead } = await fh.read(buf, 0, 6, 0);
    return compressionOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * A tar stream of a directory's contents: depth-first in byte order of names, uid/gid 0, empty
 * owner names, every mtime the epoch date, modes kept, symlinks as symlinks, hardlinked files as
 * tar hardlinks to the first name, directories included, special files skipped with a warning.
 */
export function directoryTar(dir: string, options: LayerSourceOptions = {}): Readable {
  const walkOpts = options.onWarning ? { onWarning: options.onWarning } : {};
  return packTar(walkDirectory(dir, walkOpts), { mtime: epochDate(options.sourceDateEpoch) });
}

/**
 * Turns a `--layer PATH` into a LayerInput: a directory (tarred on the fly), a gzipped tar (by
 * magic bytes, kept as it is) or a plain tar. zstd/bzip2/xz are refused.
 */
export async function openLayerSource(path: string, options: LayerSourceOptions = {}): Promise<LayerInput> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    throw notFoundError('LAYER_NOT_FOUND', `layer ${path} does not exist or cannot be read`, { cause: e });
  }
  const name = basename(path);
  const createdBy = `hubctl build --layer ${name}`;
  if (st.isDirectory()) {
    epochDate(options.sourceDateEpoch);
    return { name, kind: 'tar', createdBy, open: () => directoryTar(path, options) };
  }
  if (!st.isFile()) throw usageError('INVALID_LAYER', `layer ${path} is neither a file nor a directory`);
  const compression = await sniffFile(path);
  if (compression === 'gzip') {
    return { name, kind: 'gzip', createdBy, filePath: path, open: () => createReadStream(path, { highWaterMark: FILE_READ_CHUNK }) };
  }
  if (compression !== 'none') {
    throw usageError('UNSUPPORTED_LAYER_COMPRESSION', `layer ${path} is ${compression}-compressed`, {
      hint: 'give a plain tar, a gzipped tar or a directory',
    });
  }
  return { name, kind: 'tar', createdBy, open: () => createReadStream(path, { highWaterMark: FILE_READ_CHUNK }) };
}
