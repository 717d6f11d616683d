import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Storage } from '../content/types.js';
import { DigestingStream } from '../digest/digest.js';
import { HubctlError, isHubctlError, usageError } from '../errors.js';
import { fsError } from '../fs/fs-errors.js';
import type { Descriptor } from '../oci/types.js';
import { defaultConcurrency, runPool } from './pool.js';
import { LayerSafetyChecker } from '../tar/index.js';
import { FILE_READ_CHUNK } from './tar-pack.js';
import type { BuildLog, BuiltLayer, LayerInput } from './types.js';

/** gzip level used for every layer: fixed so the same input always gives the same blob. */
export const GZIP_LEVEL = 6;

/**
 * zlib's output buffer (Node's default is 16 KiB). Each buffer filled is one threadpool job and one
 * callback on the main thread; 256 KiB makes those 16 times rarer. The bytes do not depend on it.
 */
export const GZIP_CHUNK = 256 * 1024;

/** A layer compressed and checked, waiting in a file to be ingested into the store. */
export interface PreparedLayer extends BuiltLayer {
  name: string;
  createdBy?: string;
  /** The blob's bytes: a temp file, or the user's own gzip file when it was used as it is. */
  blobPath: string;
  /** blobPath is this build's temp file, hashed as it was written: the store may take it by rename. */
  temp: boolean;
}

export interface PrepareOptions {
  /** Where temp files go (default os.tmpdir()); the store's own temp dir avoids a cross-device copy. */
  tmpDir?: string;
  /** Layers compressed at once (default: defaultConcurrency(), twice the CPUs up to the threadpool size). */
  concurrency?: number;
  onLog?: BuildLog;
  signal?: AbortSignal;
}

export interface PreparedLayers {
  layers: PreparedLayer[];
  /** Removes the temp files; safe to call more than once. */
  cleanup(): Promise<void>;
}

/** Writes into a Writable honouring backpressure; gives up when `failed` rejects. */
async function writeTo(w: { write(chunk: Buffer): boolean }, chunk: Buffer, failed: Promise<never>): Promise<void> {
  if (w.write(chunk)) return;
  const drained = once(w as unknown as NodeJS.EventEmitter, 'drain');
  drained.catch(() => undefined);
  await Promise.race([drained, failed]);
}

/**
 * A writable tar validator (for `hubctl load` too): every entry goes through the layer's safety
 * checker, bodies are skipped; `done` rejects with UNSAFE_LAYER or INVALID_LAYER.
 */
export function tarValidator(layerName: string): { sink: tar.Extract; done: Promise<void> } {
  const checker = new LayerSafetyChecker(layerName);
  const sink = tar.extract();
  sink.on('entry', (header, stream, next) => {
    // Destroying the extractor destroys the current entry with the same error; it is reported once, below.
    stream.on('error', () => undefined);
    try {
      checker.check(header);
    } catch (e) {
      sink.destroy(e as Error);
      return;
    }
    stream.on('end', () => next());
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    sink.on('error', (e: Error) =>
      reject(isHubctlError(e) ? e : usageError('INVALID_LAYER', `layer ${layerName} is not a valid tar: ${e.message}`, { cause: e })),
    );
    sink.on('finish', () => resolve());
  });
  return { sink, done };
}

/** A sink that takes the bytes and checks nothing (a trusted layer). */
function trustedSink(): {
  sink: { write(chunk: Buffer): boolean; end(x?: undefined): void; destroy(x?: undefined): void };
  done: Promise<void>;
} {
  return { sink: { write: () => true, end: () => undefined, destroy: () => undefined }, done: Promise.resolve() };
}

interface Failure {
  failed: Promise<never>;
  fail: (e: unknown) => void;
  /** Throws the first failure (or an interruption) so a pump stops reading at once. */
  check: () => void;
}

function failurePromise(signal?: AbortSignal): Failure {
  let first: { error: unknown } | undefined;
  let reject!: (e: unknown) => void;
  const failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => undefined);
  const fail = (error: unknown) => {
    first ??= { error };
    reject(error);
  };
  const check = () => {
    if (first) throw first.error;
    if (signal?.aborted) throw new HubctlError('interrupted', 'INTERRUPTED', 'build interrupted');
  };
  return { failed, fail, check };
}

/**
 * Joins small chunks into chunks of at least `size` bytes (the last one may be smaller); larger
 * chunks pass through uncopied. A tar of small files arrives as a 512-byte header, a small body and
 * its padding per file: written as they come, each would be a gzip job on the threadpool, a
 * callback and a safety-checker write of its own.
 */
export async function* batches(src: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of src) {
    if (pending.length === 0 && chunk.length >= size) {
      yield chunk;
      continue;
    }
    pending.push(chunk);
    bytes += chunk.length;
    if (bytes >= size) {
      yield Buffer.concat(pending, bytes);
      pending = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, bytes);
}

/** tar -> sha256 (diff_id) + safety check + gzip -> sha256 -> temp file, in one pass. */
async function prepareTar(input: LayerInput, blobPath: string, signal?: AbortSignal): Promise<PreparedLayer> {
  const { failed, fail, check } = failurePromise(signal);
  const diff = createHash('sha256');
  const validator = input.trusted ? trustedSink() : tarValidator(input.name);
  const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: GZIP_CHUNK });
  const blob = new DigestingStream();
  const written = pipeline(gzip, blob, createWriteStream(blobPath));
  written.catch(fail);
  validator.done.catch(fail);
  const src: Readable = input.open();
  try {
    for await (const chunk of batches(src as AsyncIterable<Buffer>, GZIP_CHUNK)) {
      check();
      diff.update(chunk);
      await writeTo(validator.sink, chunk, failed);
      await writeTo(gzip, chunk, failed);
    }
    validator.sink.end(undefined);
    gzip.end();
    await Promise.race([Promise.all([validator.done, written]), failed]);
  } catch (e) {
    src.destroy();
    validator.sink.destroy(undefined);
    gzip.destroy();
    throw e;
  }
  return withMeta(input, { blobPath, temp: true, digest: blob.digest(), size: blob.bytes, diffId: `sha256:${diff.digest('hex')}` });
}

/** gzip as it is: compressed bytes hashed (and copied to a temp file unless a file), diff_id via gunzip. */
async function prepareGzip(input: LayerInput, tempPath: string, signal?: AbortSignal): Promise<PreparedLayer> {
  const { failed, fail, check } = failurePromise(signal);
  const diff = createHash('sha256');
  const validator = tarValidator(input.name);
  validator.done.catch(fail);
  const gunzip = createGunzip({ chunkSize: GZIP_CHUNK });
  const blob = createHash('sha256');
  let size = 0;
  const copy = input.filePath === undefined ? createWriteStream(tempPath) : undefined;
  const copied = copy ? new Promise<void>((resolve, reject) => copy.on('finish', resolve).on('error', reject)) : Promise.resolve();
  copied.catch(fail);
  const inflate = (async () => {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        diff.update(chunk);
        await writeTo(validator.sink, chunk, failed);
      }
    } catch (e) {
      throw isHubctlError(e)
        ? e
        : usageError('INVALID_LAYER', `layer ${input.name} is not a valid gzip stream: ${(e as Error).message}`, { cause: e });
    }
    validator.sink.end(undefined);
    await validator.done;
  })();
  inflate.catch(fail);
  const src: Readable = input.open();
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      check();
      blob.update(chunk);
      size += chunk.length;
      if (copy) await writeTo(copy, chunk, failed);
      await writeTo(gunzip, chunk, failed);
    }
    gunzip.end();
    copy?.end();
    await Promise.race([Promise.all([inflate, copied]), failed]);
  } catch (e) {
    src.destroy();
    gunzip.destroy();
    copy?.destroy();
    validator.sink.destroy(undefined);
    throw e;
  }
  const blobPath = input.filePath ?? tempPath;
  return withMeta(input, {
    blobPath,
    temp: blobPath === tempPath,
    digest: `sha256:${blob.digest('hex')}`,
    size,
    diffId: `sha256:${diff.digest('hex')}`,
  });
}

function withMeta(input: LayerInput, l: Omit<PreparedLayer, 'name' | 'createdBy'>): PreparedLayer {
  const out: PreparedLayer = { name: input.name, ...l };
  if (input.createdBy !== undefined) out.createdBy = input.createdBy;
  return out;
}

/**
 * Compresses and checks every layer (in parallel, streaming) into temp files. Nothing touches the
 * store: when any layer is unsafe or broken this throws and removes its temp files.
 */
export async function prepareLayers(inputs: readonly LayerInput[], options: PrepareOptions = {}): Promise<PreparedLayers> {
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'hubctl-build-'));
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const layers = await runPool(inputs, options.concurrency ?? defaultConcurrency(), async (input, i) => {
      if (options.signal?.aborted) throw new HubctlError('interrupted', 'INTERRUPTED', 'build interrupted');
      const tempPath = join(dir, `layer-${i}.blob`);
      const layer =
        input.kind === 'gzip' ? await prepareGzip(input, tempPath, options.signal) : await prepareTar(input, tempPath, options.signal);
      options.onLog?.(`layer ${input.name}: ${layer.digest} (${layer.size} bytes, diff_id ${layer.diffId})`);
      return layer;
    });
    return { layers, cleanup };
  } catch (e) {
    await cleanup();
    // a write into the temp directory that failed (a full disk) names that directory
    throw fsError(e, { path: dir, action: 'write' });
  }
}

/**
 * Puts prepared layers into the store (skipping blobs it already holds), in order: this build's temp
 * files are renamed in (hashed once, while written), anything else is ingested (read and verified).
 */
export async function commitLayers(
  storage: Storage,
  layers: readonly PreparedLayer[],
  mediaType: string,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const descs: Descriptor[] = [];
  for (const layer of layers) {
    const desc: Descriptor = { mediaType, digest: layer.digest, size: layer.size };
    descs.push(desc);
    if (await storage.exists(desc)) continue;
    if (layer.temp && storage.adoptFile !== undefined && (await storage.adoptFile(desc, layer.blobPath))) continue;
    await storage.ingest(
      desc,
      async (offset) => ({ stream: createReadStream(layer.blobPath, { start: offset, highWaterMark: FILE_READ_CHUNK }), offset }),
      signal ? { signal } : {},
    );
  }
  return descs;
}
