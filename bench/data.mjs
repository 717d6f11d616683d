// Bench inputs: directory trees of realistic data, and the one-core gzip rate to compare builds with.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { createGzip, constants } from 'node:zlib';
import { spawn } from 'node:child_process';

/**
 * Writes about `bytes` of files under `dir`: half random (incompressible), half text-like (compressible),
 * in files of 4 MiB, so gzip does real work on both kinds.
 */
export async function writeRandomTree(dir, bytes, seed) {
  const FILE = 4 * 1024 * 1024;
  let left = bytes;
  let i = 0;
  while (left > 0) {
    const size = Math.min(FILE, left);
    const sub = join(dir, `d${i % 16}`);
    await mkdir(sub, { recursive: true });
    const data = i % 2 === 0 ? randomBytes(size) : Buffer.from(textLike(size, seed + i));
    await pipeline(Readable.from([data]), createWriteStream(join(sub, `f${i}.bin`)));
    left -= size;
    i++;
  }
  return dir;
}

function textLike(size, seed) {
  const words = ['registry', 'layer', 'manifest', 'digest', 'blob', 'token', 'scope', 'index', 'config', 'push', 'pull'];
  let s = '';
  let x = seed * 2654435761;
  while (s.length < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += words[x % words.length] + (x % 7 === 0 ? '\n' : ' ');
  }
  return s.slice(0, size);
}

/** Seconds node's zlib (level 6, the level hubctl build uses) takes to gzip `tar -c dir`, on one core. */
export async function gzipOneCoreSeconds(dir) {
  const tar = spawn('tar', ['-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const start = process.hrtime.bigint();
  await pipeline(
    tar.stdout,
    createGzip({ level: 6, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY }),
    new Writable({ write: (_c, _e, cb) => cb() }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}
