import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { LayerSafetyChecker } from '../tar/index.js';
import { HubctlError, integrityError } from '../errors.js';

export type LayerCompression = 'none' | 'gzip' | 'zstd';

export interface LayerScan {
  compression: LayerCompression;
  /** sha256 of the uncompressed tar (undefined for zstd, which Node 20 cannot decompress). */
  diffId: string | undefined;
  entries: number;
}

/** gzip `1f 8b`, zstd `28 b5 2f fd`, else none. */
export async function detectCompression(path: string): Promise<LayerCompression> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    if (bytesRead >= 4 && buf.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
    return 'none';
  } finally {
    await fh.close();
  }
}

/**
 * Reads a layer file once: decompresses it, hashes the tar (its diff_id) and checks every entry
 * with tar/safety's LayerSafetyChecker (no `..`, no absolute paths, no links escaping the root,
 * nothing written through a symlink). Throws a usage/UNSAFE_LAYER error naming the entry.
 */
export async function scanLayer(path: string, layerName: string): Promise<LayerScan> {
  const compression = await detectCompression(path);
  if (compression === 'zstd') return { compression, diffId: undefined, entries: 0 };
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const checker = new LayerSafetyChecker(layerName);
  const extract = tarExtract();
  const stages: (Readable | Transform)[] = [createReadStream(path)];
  if (compression === 'gzip') stages.push(createGunzip());
  const piping = (pipeline as unknown as (streams: unknown[]) => Promise<void>)([...stages, hasher, extract]);
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) {
      checker.check({ name: entry.header.name, type: entry.header.type ?? 'file', linkname: entry.header.linkname ?? null });
      entry.resume();
    }
    await piping;
  } catch (e) {
    extract.destroy();
    await piping.catch(() => undefined);
    if (e instanceof HubctlError) throw e;
    throw integrityError(
      'INVALID_LAYER',
      `layer ${layerName} is not a readable ${compression === 'gzip' ? 'gzipped ' : ''}tar: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return { compression, diffId: `sha256:${hash.digest('hex')}`, entries: checker.entries };
}
