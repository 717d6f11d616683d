import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256 } from '../../../src/digest/digest.js';
import { MediaType } from '../../../src/oci/media-types.js';
import type { Descriptor } from '../../../src/oci/types.js';
import type { ContentOpener } from '../../../src/content/types.js';
import { afterEach, beforeEach } from 'vitest';
import { ImageStore, type ImageStoreOptions } from '../../../src/store/index.js';

export async function tempDir(prefix = 'hubctl-store-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A fresh store in its own temp dir for every test of the file (vitest hooks): `use` receives the
 * directory and the store before each test; after it the store is closed and the directory removed.
 */
export function useTempStore(use: (t: { dir: string; store: ImageStore }) => void, options: ImageStoreOptions = {}): void {
  let t: { dir: string; store: ImageStore; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    const { dir, cleanup } = await tempDir();
    t = { dir, cleanup, store: await ImageStore.open(dir, options) };
    use(t);
  });
  afterEach(async () => {
    await t?.store.close();
    await t?.cleanup();
  });
}

export function descOf(bytes: Uint8Array, mediaType: string = MediaType.OciLayerGzip): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

export function randomBytesOf(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** Splits `bytes` into chunks of `chunk` bytes. */
export function chunks(bytes: Buffer, chunk: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(bytes.subarray(i, i + chunk));
  return out;
}

export interface OpenerLog {
  calls: number[];
}

export interface OpenerBehaviour {
  /** Ignore the requested offset and always serve from 0. */
  ignoreOffset?: boolean;
  /** Fail with ECONNRESET after this many bytes of the given attempt (index into calls). */
  failAfter?: (attempt: number) => number | undefined;
  chunk?: number;
  /** Bytes to serve instead of the real ones. */
  serve?: Buffer;
}

/** An in-memory opener that honours offsets (unless told not to) and can fail mid-stream. */
export function memoryOpener(bytes: Buffer, behaviour: OpenerBehaviour = {}): { open: ContentOpener; log: OpenerLog } {
  const log: OpenerLog = { calls: [] };
  const data = behaviour.serve ?? bytes;
  const open: ContentOpener = async (offset) => {
    const attempt = log.calls.length;
    log.calls.push(offset);
    const start = behaviour.ignoreOffset ? 0 : offset;
    const failAt = behaviour.failAfter?.(attempt);
    const slice = data.subarray(start);
    const parts = chunks(Buffer.from(slice), behaviour.chunk ?? 1000);
    async function* gen() {
      let sent = 0;
      for (const p of parts) {
        if (failAt !== undefined && sent + p.length > failAt) {
          const head = p.subarray(0, failAt - sent);
          if (head.length > 0) yield head;
          const err = new Error('socket hang up') as NodeJS.ErrnoException;
          err.code = 'ECONNRESET';
          throw err;
        }
        sent += p.length;
        yield p;
        await new Promise((r) => setImmediate(r));
      }
    }
    return { stream: Readable.from(gen(), { objectMode: false }), offset: start };
  };
  return { open, log };
}

/** Writes a small OCI image (config + layers + manifest) into the store; returns the manifest descriptor and bytes. */
export async function writeImage(
  store: ImageStore,
  opts: { layers: Buffer[]; created?: string; arch?: string },
): Promise<{ manifest: Descriptor; manifestBytes: Buffer; config: Descriptor; layers: Descriptor[] }> {
  const layers = opts.layers.map((l) => descOf(l, MediaType.OciLayer));
  for (let i = 0; i < layers.length; i++) await store.putBytes(layers[i]!, opts.layers[i]!);
  const configBytes = Buffer.from(
    JSON.stringify({
      created: opts.created ?? '2024-01-02T03:04:05Z',
      architecture: opts.arch ?? 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const config = descOf(configBytes, MediaType.OciConfig);
  await store.putBytes(config, configBytes);
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers }));
  const manifest = descOf(manifestBytes, MediaType.OciManifest);
  await store.putBytes(manifest, manifestBytes);
  return { manifest, manifestBytes, config, layers };
}

export async function writeIndex(store: ImageStore, children: { desc: Descriptor; arch: string }[]): Promise<Descriptor> {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: children.map((c) => ({ ...c.desc, platform: { os: 'linux', architecture: c.arch } })),
    }),
  );
  const desc = descOf(bytes, MediaType.OciIndex);
  await store.putBytes(desc, bytes);
  return desc;
}
