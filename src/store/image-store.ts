import { promises as fsp } from 'node:fs';
import { notFoundError, storeError, usageError } from '../errors.js';
import { isObject } from '../oci/manifest.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import type { ContentOpener, Destination, FetchOptions, IngestOptions, OpenedContent, Source } from '../content/types.js';
import { createFileExclusive } from './atomic-write.js';
import { BlobStore } from './blobs.js';
import { checkDescriptorShape, statSizeSync } from './verify.js';
import type { GcOptions, GcResult } from './gc.js';
import { walkGraph } from './graph.js';
import {
  emptyIndex,
  entryMatchesName,
  entryRefName,
  makeEntry,
  normalizeRefName,
  readIndexFile,
  serializeIndex,
  writeIndexFile,
} from './index-file.js';
import { Layout, OCI_LAYOUT_CONTENT } from './layout.js';
import { Lease, readLiveLeases } from './lease.js';
import { DEFAULT_LOCK_STALE_MS, DEFAULT_LOCK_TIMEOUT_MS, withLock } from './lock.js';
import { createStagingDir, type StagingDir } from './staging.js';
import { sweepLeftovers } from './sweep.js';
import type { ValidateOptions, ValidationReport } from './validate.js';

export interface ImageStoreOptions {
  /** Clock (ms since epoch) for lock timestamps, stale-lock detection and gc ages. */
  now?: () => number;
  /** How long to wait for the index.json lock before failing with STORE_LOCKED (default 15 s). */
  lockTimeoutMs?: number;
  /** Age after which a lock whose holder stopped refreshing it is broken (default 30 s). */
  lockStaleMs?: number;
  /** Blobs up to this size are fetched whole into memory, without lock or resumable partial file (default 128 KiB; 0 turns it off). */
  smallBlobBytes?: number;
  /** Remove what killed hubctl processes left (staging directories, blob locks; see sweep.ts) on open (default true). */
  sweep?: boolean;
  /** Called when another process holds the index lock and this one waits; returns what to call when the wait ends. */
  onLockWait?: (what: string) => (() => void) | undefined;
}

export interface StoreEntry {
  /** The full normalized reference (`docker.io/library/centos:latest`); undefined for an unnamed entry. */
  ref: string | undefined;
  descriptor: Descriptor;
}

/**
 * The local image store: an OCI image layout (oci-layout, index.json, blobs/<alg>/<hex>) that
 * skopeo (`oci:<root>:<ref>`) and umoci read as it is. index.json entries carry the full normalized
 * reference in `org.opencontainers.image.ref.name`.
 */
export class ImageStore implements Source, Destination {
  readonly layout: Layout;
  readonly blobs: BlobStore;
  private readonly now: () => number;
  private readonly lockTimeoutMs: number;
  private readonly lockStaleMs: number;
  private readonly lease: Lease;
  private readonly onLockWait: ImageStoreOptions['onLockWait'];

  private constructor(
    readonly root: string,
    options: ImageStoreOptions,
  ) {
    this.layout = new Layout(root);
    this.now = options.now ?? Date.now;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.lockStaleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
    this.onLockWait = options.onLockWait;
    this.blobs = new BlobStore(this.layout, {
      now: this.now,
      lockStaleMs: this.lockStaleMs,
      ...(options.smallBlobBytes !== undefined ? { smallBlobBytes: options.smallBlobBytes } : {}),
    });
    this.lease = new Lease(root, this.now);
  }

  /** Opens the store at `root`, creating the layout on first use (safe against concurrent creators). */
  static async open(root: string, options: ImageStoreOptions = {}): Promise<ImageStore> {
    const store = new ImageStore(root, options);
    const { layout } = store;
    const present = async (p: string) =>
      fsp.access(p).then(
        () => true,
        () => false,
      );
    try {
      // A complete layout is left untouched (so a read-only store can still be listed).
      if (!(await present(layout.algorithmDir('sha256')))) await fsp.mkdir(layout.algorithmDir('sha256'), { recursive: true });
      if (!(await present(layout.ociLayoutPath)))
        await createFileExclusive(layout.ociLayoutPath, `${JSON.stringify(OCI_LAYOUT_CONTENT)}\n`);
      if (!(await present(layout.indexPath))) await createFileExclusive(layout.indexPath, serializeIndex(emptyIndex()));
    } catch (e) {
      throw storeError('STORE_INIT_FAILED', `cannot create the image store at ${root}: ${(e as Error).message}`, {
        hint: 'check that the directory is writable, or choose another store with --store / HUBCTL_STORE',
        cause: e,
      });
    }
    let layoutJson: unknown;
    try {
      layoutJson = JSON.parse(await fsp.readFile(layout.ociLayoutPath, 'utf8'));
    } catch {
      layoutJson = undefined;
    }
    if (!isObject(layoutJson) || typeof layoutJson.imageLayoutVersion !== 'string') {
      throw storeError('STORE_LAYOUT_INVALID', `${layout.ociLayoutPath} is not a valid oci-layout file`, {
        hint: `the directory ${root} is not an OCI image layout; choose another store directory`,
      });
    }
    if (options.sweep !== false) await sweepLeftovers(root, layout, store.now, store.lockStaleMs);
    return store;
  }

  /** A staging directory in the store (`.hubctl/tmp/<prefix>*`), swept if its owner dies; remove() it when done. */
  createStagingDir(prefix: string): Promise<StagingDir> {
    return createStagingDir(this.root, prefix, this.now);
  }

  // ---- blobs (Storage, Fetcher) ----

  blobPath(digest: string): string {
    return this.blobs.blobPath(digest);
  }

  blobSize(digest: string): Promise<number | undefined> {
    return this.blobs.blobSize(digest);
  }

  /**
   * Whether the blob is present. As the destination of a copy this is the "skip it" check, so the
   * digest is leased first: gc in another process will not delete it before this store tags it.
   */
  async exists(desc: Descriptor, _options?: FetchOptions): Promise<boolean> {
    await this.lease.add(desc.digest).catch(() => undefined); // a read-only store cannot lease (nor be pulled into)
    return this.blobs.exists(desc);
  }

  /** As a source: whether the blob is here (nothing leased: reading does not protect it from gc). */
  async has(desc: Descriptor, _options?: FetchOptions): Promise<boolean> {
    return this.blobs.exists(desc);
  }

  /** The blob's file when the store holds it whole, so a destination can send the file itself (a push). */
  localFile(desc: Descriptor): string | undefined {
    const path = this.blobs.blobPath(desc.digest);
    return statSizeSync(path) === desc.size ? path : undefined;
  }

  open(desc: Descriptor, offset = 0, _options?: FetchOptions): Promise<OpenedContent> {
    return this.blobs.open(desc, offset);
  }

  fetchBytes(desc: Descriptor, limit: number, _options?: FetchOptions): Promise<Buffer> {
    return this.blobs.fetchBytes(desc, limit);
  }

  async putBytes(desc: Descriptor, bytes: Uint8Array, _options?: FetchOptions): Promise<void> {
    checkDescriptorShape(desc);
    await this.lease.add(desc.digest);
    await this.blobs.putBytes(desc, bytes);
  }

  async ingest(desc: Descriptor, open: ContentOpener, options?: IngestOptions): Promise<void> {
    checkDescriptorShape(desc);
    await this.lease.add(desc.digest);
    await this.blobs.ingest(desc, open, options);
  }

  async adoptFile(desc: Descriptor, path: string): Promise<boolean> {
    checkDescriptorShape(desc);
    await this.lease.add(desc.digest);
    return this.blobs.adoptFile(desc, path);
  }

  /** Drops this instance's lease on blobs it wrote but did not tag (call when done writing). */
  close(): Promise<void> {
    return this.lease.close();
  }

  // ---- index.json ----

  /** Runs `fn` holding the index.json lock. */
  withIndexLock<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(
      this.layout.indexLockPath,
      {
        timeoutMs: this.lockTimeoutMs,
        staleMs: this.lockStaleMs,
        now: this.now,
        what: 'the image store index',
        ...(this.onLockWait ? { onWait: () => this.onLockWait?.('the image store index') } : {}),
      },
      fn,
    );
  }

  /** The current index.json (no lock needed: it is only ever replaced by an atomic rename). */
  readIndex(): Promise<ImageIndex> {
    return readIndexFile(this.layout.indexPath);
  }

  private async updateIndex<T>(fn: (index: ImageIndex) => { changed: boolean; value: T }): Promise<T> {
    return this.withIndexLock(async () => {
      const index = await this.readIndex();
      const { changed, value } = fn(index);
      if (changed) await writeIndexFile(this.layout.indexPath, index);
      return value;
    });
  }

  /**
   * Points `ref` at `desc` (replacing any entry for that ref). The content must already be in the
   * store: the manifest, and for an image its config and layers (children of an index may be absent).
   */
  async tag(ref: string, desc: Descriptor): Promise<void> {
    const name = normalizeRefName(ref);
    checkDescriptorShape(desc);
    if (!entryMatchesName(name, desc)) {
      throw usageError('DIGEST_REFERENCE_MISMATCH', `refusing to name ${desc.digest} ${name}: that name's digest is other content`, {
        hint: 'a digest reference can only name the content with that digest; use a tag',
      });
    }
    const entry = makeEntry(name, desc);
    // Blobs were fsynced before their rename; make the renames durable before the tag is.
    await this.blobs.syncDirs();
    await this.withIndexLock(async () => {
      // Checked under the lock that gc() also takes, so a concurrent rmi/gc cannot remove the
      // content between the check and the write.
      const reachable = await this.assertComplete(name, desc);
      const index = await this.readIndex();
      index.manifests = index.manifests.filter((d) => entryRefName(d) !== name);
      index.manifests.push(entry);
      await writeIndexFile(this.layout.indexPath, index);
      // The tag now protects these blobs; the lease no longer needs to.
      await this.lease.release(reachable).catch(() => undefined);
    });
  }

  private async assertComplete(name: string, desc: Descriptor): Promise<Set<string>> {
    const walk = await walkGraph(this.blobs, [desc]);
    const missing = walk.missing.filter((m) => !m.optional);
    if (missing.length === 0 && walk.invalid.length === 0) return walk.reachable;
    const what =
      missing.length > 0
        ? `${missing.length} blob(s) missing, first ${missing[0]!.digest}`
        : `manifest ${walk.invalid[0]!.digest} is unreadable: ${walk.invalid[0]!.error}`;
    throw storeError('STORE_CONTENT_MISSING', `cannot tag ${name}: ${what}`, {
      hint: 'the image is incomplete in the local store (a concurrent rmi may have removed part of it); pull it again',
      details: { missing, invalid: walk.invalid },
    });
  }

  /** Removes the entry for `ref`; false when there was none. */
  async untag(ref: string): Promise<boolean> {
    const names = refCandidates(ref);
    return this.updateIndex((index) => {
      const before = index.manifests.length;
      index.manifests = index.manifests.filter((d) => !names.includes(entryRefName(d) ?? '\0'));
      return { changed: index.manifests.length !== before, value: index.manifests.length !== before };
    });
  }

  /** Untags `ref`, returning the descriptor it pointed at; notfound error when absent. Run gc() after. */
  async remove(ref: string): Promise<Descriptor> {
    const names = refCandidates(ref);
    const removed = await this.updateIndex((index) => {
      const i = index.manifests.findIndex((d) => names.includes(entryRefName(d) ?? '\0'));
      if (i < 0) return { changed: false, value: undefined };
      const [d] = index.manifests.splice(i, 1);
      index.manifests = index.manifests.filter((e) => !names.includes(entryRefName(e) ?? '\0'));
      return { changed: true, value: d };
    });
    if (!removed) throw imageNotFound(ref);
    return removed;
  }

  /**
   * Removes every index.json entry `match` selects (named or not), under the lock, and returns them.
   * For removals by image ID or digest, where one image may have several entries. Run gc() after.
   */
  async untagWhere(match: (entry: StoreEntry) => boolean): Promise<StoreEntry[]> {
    return this.updateIndex((index) => {
      const removed: StoreEntry[] = [];
      index.manifests = index.manifests.filter((d) => {
        const entry = { ref: entryRefName(d), descriptor: d };
        if (!match(entry)) return true;
        removed.push(entry);
        return false;
      });
      return { changed: removed.length > 0, value: removed };
    });
  }

  /**
   * The entry for `ref`. A name with a digest (`repo@sha256:x`) only finds an entry that holds that
   * content (entryMatchesName): an entry whose content is not x (written by an older hubctl's load or
   * tag, or by another tool) is passed over, so nothing builds on or exports other content by that name.
   */
  async resolve(ref: string): Promise<Descriptor | undefined> {
    const names = refCandidates(ref);
    const index = await this.readIndex();
    for (const n of names) {
      const hit = index.manifests.find((d) => entryRefName(d) === n && entryMatchesName(n, d));
      if (hit) return hit;
    }
    return undefined;
  }

  async list(): Promise<StoreEntry[]> {
    const index = await this.readIndex();
    return index.manifests.map((d) => ({ ref: entryRefName(d), descriptor: d }));
  }

  /**
   * Deletes blobs no index.json entry reaches (under the index lock), except blobs leased by live
   * store instances that have not tagged them yet (pulls in progress, in any process).
   */
  async gc(options: GcOptions = {}): Promise<GcResult> {
    // loaded when used: pull, push and images never collect garbage
    const { collectGarbage } = await import('./gc.js');
    return this.withIndexLock(async () => {
      const index = await this.readIndex();
      return collectGarbage(this.blobs, index.manifests, this.now, {
        lockStaleMs: this.lockStaleMs,
        leased: () => readLiveLeases(this.root, this.now),
        ...options,
      });
    });
  }

  /** Checks index.json and that every blob it references is present (optionally re-hashing them). */
  async validate(options: ValidateOptions = {}): Promise<ValidationReport> {
    const { validateStore } = await import('./validate.js');
    return validateStore(this, options);
  }
}

/** The stored name for `ref`: the normalized reference, plus the raw text (for entries other tools wrote). */
function refCandidates(ref: string): string[] {
  const out: string[] = [];
  try {
    out.push(normalizeRefName(ref));
  } catch {
    // not a docker reference; may still match a raw ref.name written by another tool
  }
  if (!out.includes(ref)) out.push(ref);
  return out;
}

function imageNotFound(ref: string) {
  return notFoundError('IMAGE_NOT_FOUND', `no such image in the local store: ${ref}`, {
    hint: 'list local images with "hubctl images"',
  });
}
