#!/usr/bin/env node
// The node floor of a verified pull: what hubctl's blob path does (src/http/raw-*.ts, src/store/ingest.ts)
// with nothing else around it. Each layer on a connection of its own, read into four reused 1 MiB slabs
// (hubctl's own ReadPool), every read hashed on the main thread and written at its offset on libuv's
// pool, the socket paused while every slab waits on the disk; the digest checked at the end. No CLI, no
// store, no retries: the difference to hubctl is hubctl's overhead, the rest is node and the kernel.
//   node bench/floor.mjs DIR '[{"url":"http://HOST/v2/REPO/blobs/DIGEST","size":N,"digest":"sha256:..."}]'
import { createHash } from 'node:crypto';
import { closeSync, openSync, write } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ReadPool } from '../dist/http/read-pool.js';

const [dir, json] = process.argv.slice(2);
const layers = JSON.parse(json);

function fetchLayer({ url, size, digest }, file) {
  const u = new URL(url);
  const fd = openSync(file, 'w');
  const hash = createHash('sha256');
  const pool = new ReadPool();
  let head = Buffer.alloc(0);
  let pos = 0;
  let writes = 0;
  let paused = false;
  let finished = false;
  return new Promise((resolve, reject) => {
    const done = () => {
      if (finished || pos < size || writes > 0) return;
      finished = true;
      closeSync(fd);
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest) reject(new Error(`floor: ${url} has digest ${got}`));
      else resolve();
    };
    pool.onRoom = () => {
      if (paused) {
        paused = false;
        socket.resume();
      }
    };
    const body = (view, release) => {
      hash.update(view);
      const at = pos;
      pos += view.length;
      writes++;
      write(fd, view, 0, view.length, at, (err) => {
        writes--;
        release();
        if (err) reject(err);
        else done();
      });
    };
    const socket = connect({
      host: u.hostname,
      port: Number(u.port),
      onread: {
        buffer: () => pool.next(),
        callback: (n, buf) => {
          const { view, release } = pool.owns(buf) ? pool.claim(buf, n) : { view: Buffer.from(buf.subarray(0, n)), release: () => {} };
          if (head !== undefined) {
            head = Buffer.concat([head, view]);
            const end = head.indexOf('\r\n\r\n');
            release();
            if (end < 0) return true;
            const rest = Buffer.from(head.subarray(end + 4));
            head = undefined;
            if (rest.length > 0) body(rest, () => {});
          } else body(view, release);
          if (pos >= size) {
            socket.destroy();
            return false;
          }
          if (!pool.hasRoom()) paused = true;
          return !paused;
        },
      },
    });
    socket.on('connect', () => socket.write(`GET ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\nconnection: close\r\n\r\n`));
    socket.on('error', reject);
    socket.on('close', () => (pos < size ? reject(new Error(`floor: ${url} ended after ${pos} of ${size} bytes`)) : done()));
  });
}

await Promise.all(layers.map((l, i) => fetchLayer(l, join(dir, `layer${i}`))));
