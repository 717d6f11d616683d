import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import { HubctlError, integrityError, storeError } from '../errors.js';
import { interrupted } from '../content/abort.js';
import { fsError, isFsError } from '../fs/fs-errors.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import { MediaType } from '../oci/media-types.js';
import {
  DOCKER_MANIFEST_FILE,
  DOCKER_REPOSITORIES_FILE,
  OCI_INDEX_FILE,
  OCI_LAYOUT_FILE,
  blobEntryName,
  type DockerArchiveEntry,
} from './format.js';

/** Where the writer reads blobs from (the image store). */
export interface ArchiveBlobSource {
  open(desc: Descriptor): Promise<{ stream: Readable }>;
}

/** Everything the archive holds, computed before a byte of blob is written. */
export interface ArchivePlan {
  /** index.json entries (with their name annotations). */
  index: Descriptor[];
  /** manifest.json entries. */
  dockerManifest: DockerArchiveEntry[];
  /** The legacy `repositories` file: familiar name -> tag -> top layer id. */
  repositories: Record<string, Record<string, string>>;
  /** Every blob, each once, in the order written. */
  blobs: Descriptor[];
}

export interface WriteArchiveOptions {
  signal?: AbortSignal;
  /** Called after each blob with the blob bytes written so far. */
  onProgress?: (bytes: number, total: number) => void;
}

/** Entries carry mtime 0, mode 0644/0755, uid/gid 0: the same images give the same tar. */
const EPOCH = new Date(0);

/**
 * Streams one tar that is both an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) and a
 * docker archive (`manifest.json` whose Config and Layers point at those blobs, plus `repositories`),
 * as docker ≥ 25 writes it. Metadata goes first so streaming readers learn the content early; each
 * blob is streamed from the store, never held in memory.
 */
export async function writeArchive(
  plan: ArchivePlan,
  source: ArchiveBlobSource,
  out: Writable,
  options: WriteArchiveOptions = {},
): Promise<void> {
  const pack = tarPack();
  const piping = pipeline(pack, out, options.signal ? { signal: options.signal } : {});
  // The output can fail at any time (a full disk, a reader that went away): every step races it.
  let outputError: unknown;
  const outputFailed = new Promise<never>((_resolve, reject) => {
    piping.catch((e: unknown) => {
      outputError = e;
      reject(e);
    });
  });
  outputFailed.catch(() => undefined);
  // A failing output (a full disk, a reader gone) also fails the blob being copied: the output's own
  // filesystem or pipe error is what to report. (Errors the pipeline passes on to `out` are not that.)
  let outputFault: unknown;
  const onOutputError = (e: unknown) => {
    if (isOutputFault(e)) outputFault ??= e;
  };
  out.on('error', onOutputError);
  const step = <T>(p: Promise<T>): Promise<T> => Promise.race([p, outputFailed]);
  try {
    const small = (name: string, text: string) => step(addBuffer(pack, name, Buffer.from(text)));
    await small(OCI_LAYOUT_FILE, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: plan.index };
    await small(OCI_INDEX_FILE, `${JSON.stringify(index)}\n`);
    await small(DOCKER_MANIFEST_FILE, `${JSON.stringify(plan.dockerManifest)}\n`);
    if (Object.keys(plan.repositories).length > 0) await small(DOCKER_REPOSITORIES_FILE, `${JSON.stringify(plan.repositories)}\n`);
    await step(addDir(pack, 'blobs/'));
    const dirs = new Set<string>();
    const total = plan.blobs.reduce((n, b) => n + b.size, 0);
    let written = 0;
    for (const blob of plan.blobs) {
      if (options.signal?.aborted) throw interrupted();
      const name = blobEntryName(blob.digest);
      const dir = name.slice(0, name.lastIndexOf('/') + 1);
      if (!dirs.has(dir)) {
        dirs.add(dir);
        await step(addDir(pack, dir));
      }
      const { stream } = await step(source.open(blob));
      await step(addStream(pack, name, blob, stream));
      written += blob.size;
      options.onProgress?.(written, total);
    }
    pack.finalize();
    await piping;
  } catch (e) {
    pack.destroy();
    await piping.catch(() => undefined);
    if (options.signal?.aborted) throw interrupted();
    if (outputFault !== undefined) throw outputFailure(outputFault);
    if (outputError !== undefined && !(e instanceof HubctlError)) throw outputFailure(outputError);
    throw e;
  } finally {
    out.off('error', onOutputError);
  }
}

/** A filesystem error or a reader that went away: the output's fault, not the blob's. */
function isOutputFault(err: unknown): boolean {
  return isFsError(err) || (err as NodeJS.ErrnoException).code === 'EPIPE';
}

function outputFailure(err: unknown): HubctlError {
  if (err instanceof HubctlError) return err;
  if (isFsError(err)) return fsError(err, { action: 'write' }) as HubctlError;
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE'
      ? 'the reader of the archive went away before it was complete'
      : (err as Error).message;
  return storeError('ARCHIVE_WRITE_FAILED', `cannot write the archive: ${why}`, { cause: err });
}

function addBuffer(pack: Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0 }, data, (err) => (err ? reject(err) : resolve()));
  });
}

function addDir(pack: Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, type: 'directory', mode: 0o755, mtime: EPOCH, uid: 0, gid: 0 }, (err) => (err ? reject(err) : resolve()));
  });
}

/** One blob as a tar entry of its descriptor's size; a store file of another size is refused. */
function addStream(pack: Pack, name: string, desc: Descriptor, stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      reject(err);
    };
    const sizeError = (err: Error) =>
      fail(
        integrityError('BLOB_SIZE_MISMATCH', `blob ${desc.digest} in the local store is not ${desc.size} bytes: ${err.message}`, {
          hint: 'check the store with hubctl images; pull the image again',
          cause: err,
        }),
      );
    const entry = pack.entry({ name, size: desc.size, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0 }, (err) => {
      if (err) {
        sizeError(err);
        return;
      }
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    entry.on('error', sizeError);
    stream.on('error', fail);
    stream.pipe(entry);
  });
}
