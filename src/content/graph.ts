import { HubctlError } from '../errors.js';
import { MAX_MANIFEST_BYTES, parseManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { interrupted } from './abort.js';
import type { CopyEvent } from './events.js';
import { Limiter } from './limiter.js';
import { defaultSuccessors, type Successor, type SuccessorsHook } from './successors.js';
import type { ContentOpener, Destination, FetchOptions, IngestOptions, Source } from './types.js';

export interface CopyOptions {
  /** Transfers (and manifest reads) at once, over the whole graph (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  /** The root manifest's bytes when the caller has read them already (they are not read again). */
  rootBytes?: Uint8Array;
  /** Which successors to copy below each manifest (default: all, see successorsOf). */
  successors?: SuccessorsHook;
  /** Repositories of the destination's registry that may hold a blob, to mount it from (destinations that can). */
  mountFrom?: (desc: Descriptor) => readonly string[] | Promise<readonly string[]>;
  /** Writes the root manifest instead of the destination's putBytes (push and copy PUT it under the tag). */
  putRoot?: (desc: Descriptor, bytes: Buffer) => Promise<void>;
  onEvent?: (event: CopyEvent) => void;
}

/** Counts of blobs (configs and layers; manifests are not counted). */
export interface CopyResult {
  /** Blobs sent to the destination (not present, not mounted). */
  transferred: number;
  /** Bytes of the blobs transferred. */
  bytes: number;
  mounted: number;
  /** Blobs the destination already held. */
  existed: number;
  /** Optional blobs and manifests the source does not hold (foreign layers, platforms not pulled). */
  skipped: number;
}

/** Adds the counts of `r` to `total` (a verb copying several graphs reports them together). */
export function addCopyResult(total: CopyResult, r: CopyResult): CopyResult {
  total.transferred += r.transferred;
  total.bytes += r.bytes;
  total.mounted += r.mounted;
  total.existed += r.existed;
  total.skipped += r.skipped;
  return total;
}

export const emptyCopyResult = (): CopyResult => ({ transferred: 0, bytes: 0, mounted: 0, existed: 0, skipped: 0 });

/**
 * Copies the graph under `root` from `src` to `dst`: every successor before its manifest (layers and
 * config, then each manifest, then the index), each digest once however many manifests share it, at
 * most `concurrency` transfers at once over the whole graph. The first failure (or an abort) stops new
 * work; what is in flight settles before it is thrown, so no temporary file is being written then.
 * Nothing is tagged here: the caller tags once the whole graph is present, so an interrupted copy
 * never leaves a tag pointing at missing content.
 */
export function copyGraph(src: Source, dst: Destination, root: Descriptor, options: CopyOptions = {}): Promise<CopyResult> {
  return new GraphCopy(src, dst, options).run(root);
}

const isNotFound = (e: unknown) => e instanceof HubctlError && e.kind === 'notfound';

class GraphCopy {
  readonly result: CopyResult = emptyCopyResult();
  private readonly visits = new Map<string, Promise<void>>();
  private readonly announced = new Set<string>();
  private readonly limiter: Limiter;
  private readonly successors: SuccessorsHook;
  private readonly sig: FetchOptions;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly src: Source,
    private readonly dst: Destination,
    private readonly options: CopyOptions,
  ) {
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.successors = options.successors ?? defaultSuccessors;
    this.sig = options.signal ? { signal: options.signal } : {};
  }

  async run(root: Descriptor): Promise<CopyResult> {
    try {
      await this.visit({ descriptor: root, role: isManifestType(root.mediaType) ? 'manifest' : 'blob', optional: false }, true);
    } catch (e) {
      const error = this.failure?.error ?? e;
      // an abort may surface as whatever the transfer in flight threw: it is an interruption
      if (this.options.signal?.aborted && !(error instanceof HubctlError && error.kind === 'interrupted')) throw interrupted();
      throw error;
    }
    return this.result;
  }

  private visit(s: Successor, isRoot = false): Promise<void> {
    let p = this.visits.get(s.descriptor.digest);
    if (p === undefined) {
      p = isManifestType(s.descriptor.mediaType) ? this.copyManifest(s, isRoot) : this.copyBlob(s);
      p.catch((error: unknown) => {
        this.failure ??= { error };
      });
      this.visits.set(s.descriptor.digest, p);
    }
    return p;
  }

  private emit(type: 'queued' | 'waiting' | 'start' | 'done' | 'exists' | 'skipped', s: Successor): void {
    this.options.onEvent?.({ type, descriptor: s.descriptor, role: s.role });
  }

  /** No new work after a failure or an abort. */
  private check(): void {
    if (this.options.signal?.aborted) throw interrupted();
    if (this.failure !== undefined) throw new HubctlError('interrupted', 'COPY_STOPPED', 'stopped after an earlier failure');
  }

  /** Runs `task` in a slot, unless the copy has stopped by then. */
  private slot<T>(task: () => Promise<T>, onWait?: () => void): Promise<T> {
    return this.limiter.run(() => {
      this.check();
      return task();
    }, onWait);
  }

  private found(s: Successor): void {
    if (!isManifestType(s.descriptor.mediaType)) this.result.existed++;
    this.emit('exists', s);
  }

  private skip(s: Successor): void {
    this.result.skipped++;
    this.emit('skipped', s);
  }

  private async copyManifest(s: Successor, isRoot: boolean): Promise<void> {
    const desc = s.descriptor;
    if (!isRoot && this.dst.completeManifests && (await this.slot(() => this.dst.exists(desc, this.sig)))) return this.found(s);
    let bytes: Buffer;
    if (isRoot && this.options.rootBytes !== undefined) bytes = Buffer.from(this.options.rootBytes);
    else {
      try {
        bytes = await this.slot(() => this.src.fetchBytes(desc, MAX_MANIFEST_BYTES, this.sig));
      } catch (e) {
        if (s.optional && isNotFound(e)) return this.skip(s);
        throw e;
      }
    }
    const children = await this.successors(desc, parseManifest(bytes, desc.mediaType));
    for (const c of children) {
      if (this.announced.has(c.descriptor.digest)) continue;
      this.announced.add(c.descriptor.digest);
      this.emit('queued', c);
    }
    const settled = await Promise.allSettled(children.map((c) => this.visit(c)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    this.check();
    if (isRoot && this.options.putRoot) return this.options.putRoot(desc, bytes);
    await this.slot(async () => {
      // a registry's children were checked above; the root and the store's manifests are checked here
      if ((isRoot || !this.dst.completeManifests) && (await this.dst.exists(desc, this.sig))) return this.found(s);
      await this.dst.putBytes(desc, bytes, this.sig);
      this.emit('done', s);
    });
  }

  private copyBlob(s: Successor): Promise<void> {
    const desc = s.descriptor;
    return this.slot(
      async () => {
        if (await this.dst.exists(desc, this.sig)) return this.found(s);
        if (s.optional && this.src.has && !(await this.src.has(desc, this.sig))) return this.skip(s);
        this.emit('start', s);
        const open: ContentOpener = (offset, signal) => this.src.open(desc, offset, signal ? { signal } : this.sig);
        const file = this.src.localFile?.(desc);
        const ingest: IngestOptions = {
          ...this.sig,
          ...(file !== undefined ? { file } : {}),
          onProgress: (p) =>
            this.options.onEvent?.({ type: 'progress', descriptor: desc, role: s.role, current: p.current, total: p.total }),
        };
        const from = this.dst.mount && this.options.mountFrom ? await this.options.mountFrom(desc) : [];
        if (from.length > 0 && this.dst.mount) {
          const mounted = await this.dst.mount(desc, from, open, ingest);
          if (mounted !== undefined) {
            this.result.mounted++;
            this.options.onEvent?.({ type: 'mounted', descriptor: desc, role: s.role, from: mounted });
            return;
          }
        } else await this.dst.ingest(desc, open, ingest);
        this.result.transferred++;
        this.result.bytes += desc.size;
        this.emit('done', s);
      },
      () => this.emit('waiting', s),
    );
  }
}
