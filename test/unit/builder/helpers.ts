import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll } from 'vitest';

export const sha = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const made: string[] = [];

// every test file that imports this module gets its own copy (vitest isolates files): its temp dirs go with it
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A new directory under the system temp dir, removed after the test file. */
export async function tempDir(prefix = 'hubctl-build-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface TarItem {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string;
  linkname?: string;
  mode?: number;
}

/** A tar built in memory with tar-stream (test inputs only). */
export async function makeTar(items: TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const it of items) {
    const type = it.type ?? 'file';
    const header = {
      name: it.name,
      type,
      mode: it.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      ...(it.linkname !== undefined ? { linkname: it.linkname } : {}),
    };
    if (type === 'file') pack.entry(header, it.body ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function writeTar(dir: string, name: string, items: TarItem[]): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, await makeTar(items));
  return p;
}

export interface ReadEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkname: string | null;
  body: string;
}

/** Lists a tar (gzip or not) with tar-stream. */
export async function listTar(bytes: Buffer): Promise<ReadEntry[]> {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const ex = tar.extract();
  const out: ReadEntry[] = [];
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      out.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        uname: h.uname,
        gname: h.gname,
        mtime: h.mtime.getTime() / 1000,
        linkname: h.linkname,
        body: Buffer.concat(chunks).toString(),
      });
    }
  })();
  ex.end(raw);
  await done;
  return out;
}
