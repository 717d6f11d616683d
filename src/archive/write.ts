import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import { HubctlError, integrityError, storeError } from '../errors.js';
import { interrupted } from '../content/abort.js';
import { fsError, isFsError } from '../fs/fs-errors.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import type { ContentOpener, Destination, IngestOptions } from '../content/types.js';
import { MediaType } from '../oci/media-types.js';
import {
  DOCKER_MANIFEST_FILE,
  DOCKER_REPOSITORIES_FILE,
  OCI_INDEX_FILE,
  OCI_LAYOUT_FILE,
  blobEntryName,
  type DockerArchiveEntry,
} from './format.js';

/** Where writeArchive reads blobs from (the image store). */
export interface ArchiveBlobSource {
  open(desc: Descriptor): Promise<{ stream: Readable }>;
}

/** The archive's metadata, written before any blob. */
export interface ArchiveMetadata {
  /** index.json entries (with their name annotations). */
  index: Descriptor[];
  /** manifest.json entries. */
  dockerManifest: DockerArchiveEntry[];
  /** The legacy `repositories` file: familiar name -> tag -> top layer id. */
  repositories: Record<string, Record<string, string>>;
}

/** Everything the archive holds, computed before a byte of blob is written. */
export interface ArchivePlan extends ArchiveMetadata {
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
 * One tar that is both an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) and a
 * docker archive (`manifest.json` whose Config and Layers point at those blobs, plus `repositories`),
 * as docker ≥ 25 writes it, as a copy destination: `begin` writes the metadata first (so streaming
 * readers learn the content early), then copyGraph puts each blob once (entries one at a time, each
 * blob streamed from its source, never held in memory), then `finish`. The output can fail at any
 * time (a full disk, a reader that went away): every step races it.
 */
export class ArchiveWriter implements Destination {
  private readonly pack: Pack = tarPack();
  private readonly piping: Promise<void>;
  private readonly outputFailed: Promise<never>;
  private outputError: unknown;
  /** The output's own filesystem or pipe error (a full disk, a reader gone): what to report. */
  private outputFault: unknown;
  private readonly onOutputError = (e: unknown): void => {
    if (isOutputFault(e)) this.outputFault ??= e;
  };
  private readonly written = new Set<string>();
  private readonly dirs = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {
    // A failing output also fails the blob being copied: the output's own error is what to report.
    // (Errors the pipeline passes on to `out` are not that.)
    out.on('error', this.onOutputError);
    this.piping = pipeline(this.pack, out, signal ? { signal } : {});
    this.outputFailed = new Promise<never>((_resolve, reject) => {
      this.piping.catch((e: unknown) => {
        this.outputError = e;
        reject(e);
      });
    });
    this.outputFailed.catch(() => undefined);
  }

  private step<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.outputFailed]);
  }

  /** Entries go in one at a time: a tar is sequential. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.signal?.aborted) throw interrupted();
      return task();
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  begin(meta: ArchiveMetadata): Promise<void> {
    return this.serial(async () => {
      const small = (name: string, text: string) => this.step(addBuffer(this.pack, name, Buffer.from(text)));
      await small(OCI_LAYOUT_FILE, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: meta.index };
      await small(OCI_INDEX_FILE, `${JSON.stringify(index)}\n`);
      await small(DOCKER_MANIFEST_FILE, `${JSON.stringify(meta.dockerManifest)}\n`);
      if (Object.keys(meta.repositories).length > 0) await small(DOCKER_REPOSITORIES_FILE, `${JSON.stringify(meta.repositories)}\n`);
      await this.step(addDir(this.pack, 'blobs/'));
    });
  }

  /** Written already (blobs shared by several saved images go in once). */
  async exists(desc: Descriptor): Promise<boolean> {
    return this.written.has(desc.digest);
  }

  putBytes(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    return this.serial(async () => {
      if (this.written.has(desc.digest)) return;
      if (bytes.length !== desc.size) throw sizeMismatch(desc, new Error(`${bytes.length} bytes given`));
      await this.blobDir(desc);
      await this.step(addBuffer(this.pack, blobEntryName(desc.digest), Buffer.from(bytes)));
      this.written.add(desc.digest);
    });
  }

  ingest(desc: Descriptor, open: ContentOpener, options: IngestOptions = {}): Promise<void> {
    return this.serial(async () => {
      if (this.written.has(desc.digest)) return;
      await this.blobDir(desc);
      const { stream } = await this.step(open(0, options.signal));
      await this.step(addStream(this.pack, blobEntryName(desc.digest), desc, stream));
      this.written.add(desc.digest);
      options.onProgress?.({ digest: desc.digest, current: desc.size, total: desc.size });
    });
  }

  private async blobDir(desc: Descriptor): Promise<void> {
    const name = blobEntryName(desc.digest);
    const dir = name.slice(0, name.lastIndexOf('/') + 1);
    if (this.dirs.has(dir)) return;
    this.dirs.add(dir);
    await this.step(addDir(this.pack, dir));
  }

  /** Ends the tar once every entry is in, and waits for the output to take it. */
  finish(): Promise<void> {
    return this.serial(async () => {
      this.pack.finalize();
      try {
        await this.piping;
      } finally {
        this.out.off('error', this.onOutputError);
      }
    });
  }

  /** Stops the tar after a failure; resolves with the error to report (an output failure named as such). */
  async abort(e: unknown): Promise<unknown> {
    this.pack.destroy();
    await this.piping.catch(() => undefined);
    this.out.off('error', this.onOutputError);
    if (this.signal?.aborted) return interrupted();
    if (this.outputFault !== undefined) return outputFailure(this.outputFault);
    if (this.outputError !== undefined && !(e instanceof HubctlError)) return outputFailure(this.outputError);
    return e;
  }
}

/** Streams `plan` to `out` (metadata, then `plan.blobs` in order from `source`). */
export async function writeArchive(
  plan: ArchivePlan,
  source: ArchiveBlobSource,
  out: Writable,
  options: WriteArchiveOptions = {},
): Promise<void> {
  const writer = new ArchiveWriter(out, options.signal);
  try {
    await writer.begin(plan);
    const total = plan.blobs.reduce((n, b) => n + b.size, 0);
    let written = 0;
    for (const blob of plan.blobs) {
      await writer.ingest(blob, () => source.open(blob).then(({ stream }) => ({ stream, offset: 0 })));
      written += blob.size;
      options.onProgress?.(written, total);
    }
    await writer.finish();
  } catch (e) {
    throw await writer.abort(e);
  }
}

function sizeMismatch(desc: Descriptor, err: Error): HubctlError {
  return integrityError('BLOB_SIZE_MISMATCH', `blob ${desc.digest} in the local store is not ${desc.size} bytes: ${err.message}`, {
    hint: 'check the store with hubctl images; pull the image again',
    cause: err,
  });
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
    const sizeError = (err: Error) => fail(sizeMismatch(desc, err));
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
