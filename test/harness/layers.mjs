// Stream tar+gzip layers to disk, hashing as they go (never holds a layer in memory).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

/**
 * @typedef {'random' | 'pattern' | 'zero'} LayerContent
 * @typedef {{ digest: string, size: number, diffId: string, uncompressedSize: number, mediaType: string }} LayerBlob
 */

const CHUNK = 1 << 20;

/**
 * A readable of `size` bytes: random (incompressible), a text pattern (compressible) or zeros.
 * @param {number} size
 * @param {LayerContent} content
 * @param {string} salt makes pattern content unique per layer
 */
export function contentStream(size, content, salt) {
  let left = size;
  const pattern =
    content === 'pattern' ? Buffer.from(`hubctl test layer ${salt} `.repeat(Math.ceil(CHUNK / 20) + 1)).subarray(0, CHUNK) : null;
  const zeros = content === 'zero' ? Buffer.alloc(Math.min(CHUNK, Math.max(size, 1))) : null;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(content === 'random' ? randomBytes(n) : /** @type {Buffer} */ (pattern ?? zeros).subarray(0, n));
    },
  });
}

/** A pass-through that hashes and counts. */
function hasher() {
  const h = createHash('sha256');
  let n = 0;
  const t = new Transform({
    transform(chunk, _enc, cb) {
      h.update(chunk);
      n += chunk.length;
      cb(null, chunk);
    },
  });
  return { t, result: () => ({ digest: `sha256:${h.digest('hex')}`, size: n }) };
}

/**
 * Write one gzip layer holding `files` (each a path + size + content) into `<layoutDir>/blobs/sha256/`.
 * @param {string} layoutDir
 * @param {{ path: string, size: number, content?: LayerContent }[]} files
 * @param {{ gzipLevel?: number, salt?: string, mediaType?: string }} [opts]
 * @returns {Promise<LayerBlob>}
 */
export async function writeTarGzLayer(layoutDir, files, opts = {}) {
  const blobs = join(layoutDir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const tmp = join(blobs, `.tmp-${randomBytes(8).toString('hex')}`);
  const pack = tar.pack();
  const feed = (async () => {
    const mtime = new Date('2024-01-01T00:00:00Z');
    for (const f of files) {
      await new Promise((resolve, reject) => {
        const entry = pack.entry({ name: f.path, size: f.size, mode: 0o644, mtime, uid: 0, gid: 0 }, (err) =>
          err ? reject(err) : resolve(undefined),
        );
        contentStream(f.size, f.content ?? 'random', `${opts.salt ?? ''}/${f.path}`).pipe(entry);
      });
    }
    pack.finalize();
  })();
  const raw = hasher();
  const gz = hasher();
  await Promise.all([
    feed,
    pipeline(pack, raw.t, createGzip({ level: opts.gzipLevel ?? 1, chunkSize: 1 << 16 }), gz.t, createWriteStream(tmp)),
  ]);
  const { digest, size } = gz.result();
  const diff = raw.result();
  await rename(tmp, join(blobs, digest.slice(7)));
  return {
    digest,
    size,
    diffId: diff.digest,
    uncompressedSize: diff.size,
    mediaType: opts.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
  };
}
