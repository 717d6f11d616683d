import { readFileSync } from 'node:fs';
import { formatReference, type Reference } from '../ref/reference.js';
import { runPool } from '../content/pool.js';
import { interrupted } from '../content/abort.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import type { FetchedManifest } from '../registry/manifests.js';
import type { UploadBody, UploadResult } from '../registry/upload.js';
import { HubctlError, notFoundError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';
import { mountCandidates } from './mount-candidates.js';
import type { LayerStatus, PushedTag, PushEvent, PushOptions } from './push.js';

/**
 * Blobs up to this size are read whole (one synchronous read from the store) and sent from memory in
 * one write; larger ones are streamed from their file. For small layers the stream (open, read,
 * close on the thread pool, a progress Transform, undici's stream writer) cost more than the bytes.
 */
export const PUSH_BUFFER_BYTES = 128 * 1024;

/** One push to one repository: blobs (existing, mounted or uploaded, each once), manifests, tags. */
export class PushSession {
  readonly counts = { existed: 0, mounted: 0, uploaded: 0, bytesUploaded: 0 };
  private readonly blobs = new Map<string, Promise<void>>();
  private readonly manifestsDone = new Set<string>();
  /** Mount sources the registry refused to let us read: not tried again in this push. */
  private readonly deniedSources = new Set<string>();
  private candidates: Promise<Map<string, string[]>> | undefined;
  private readonly concurrency: number;

  constructor(
    private readonly store: ImageStore,
    private readonly remote: RemoteRepository,
    private readonly ref: Reference,
    private readonly options: PushOptions,
  ) {
    this.concurrency = options.concurrency ?? 5;
  }

  private get sig(): { signal?: AbortSignal } {
    return this.options.signal ? { signal: this.options.signal } : {};
  }

  private emit(event: PushEvent): void {
    this.options.onEvent?.(event);
  }

  async pushTag(reference: Reference, desc: Descriptor): Promise<PushedTag> {
    const tagOrDigest = reference.tag ?? reference.digest ?? 'latest';
    this.emit({ type: 'tag', tag: tagOrDigest, descriptor: desc });
    const bytes = await this.store.fetchBytes(desc, MAX_MANIFEST_BYTES);
    const parsed = parseManifest(bytes, desc.mediaType);
    const mediaType = parsed.manifest.mediaType ?? desc.mediaType;
    if (parsed.kind === 'index') {
      for (const child of parsed.manifest.manifests) {
        if (!isManifestType(child.mediaType)) continue;
        await this.pushChildManifest(child, desc.digest);
      }
    } else {
      await this.pushImageBlobs(parsed);
    }
    this.check();
    const digest = await this.remote.putManifest(tagOrDigest, bytes, mediaType, this.sig);
    if (digest !== desc.digest) {
      // The registry computed another digest from the same bytes: not possible unless it rewrote them.
      throw new HubctlError('integrity', 'DIGEST_MISMATCH', `the registry stored the manifest as ${digest}, expected ${desc.digest}`);
    }
    this.emit({ type: 'manifest', descriptor: { mediaType, digest: desc.digest, size: bytes.length }, reference: tagOrDigest });
    this.emit({ type: 'digest', tag: tagOrDigest, digest: desc.digest, size: bytes.length });
    const name = { registry: this.ref.registry, repository: this.ref.repository };
    const full = formatReference(reference.digest !== undefined ? { ...name, digest: reference.digest } : { ...name, tag: tagOrDigest });
    return { reference: full, tag: tagOrDigest, digest: desc.digest, size: bytes.length, mediaType };
  }

  /**
   * A child of an index: its blobs, then the manifest by digest. A child absent locally (a platform
   * or attestation not pulled) must be in the target already, or is copied registry-side from a
   * repository of the same registry known to hold the index: manifest read there, blobs mounted.
   */
  private async pushChildManifest(child: Descriptor, parent: string): Promise<void> {
    if (this.manifestsDone.has(child.digest)) return;
    if (!(await this.store.exists(child))) {
      if (await this.remote.headManifest(child.digest, this.sig)) {
        this.manifestsDone.add(child.digest);
        return;
      }
      const candidates = await this.mountSources();
      const sources = [...new Set([...(candidates.get(child.digest) ?? []), ...(candidates.get(parent) ?? [])])];
      for (const source of sources) {
        if (this.deniedSources.has(source)) continue;
        if (await this.copyFromSibling(child, source)) {
          this.manifestsDone.add(child.digest);
          return;
        }
      }
      throw notFoundError(
        'INDEX_CHILD_MISSING',
        `the index refers to ${child.digest}${child.platform ? ` (${child.platform.os}/${child.platform.architecture})` : ''}, which is neither in the local store nor in ${this.ref.registry}/${this.ref.repository}`,
        {
          hint: 'pull the image with --all-platforms, or push a single platform',
        },
      );
    }
    const bytes = await this.store.fetchBytes(child, MAX_MANIFEST_BYTES);
    const parsed = parseManifest(bytes, child.mediaType);
    if (parsed.kind === 'index') {
      for (const c of parsed.manifest.manifests) if (isManifestType(c.mediaType)) await this.pushChildManifest(c, child.digest);
    } else {
      await this.pushImageBlobs(parsed);
    }
    this.check();
    await this.remote.putManifest(child.digest, bytes, parsed.manifest.mediaType ?? child.mediaType, this.sig);
    this.manifestsDone.add(child.digest);
  }

  private async pushImageBlobs(parsed: Extract<ParsedManifest, { kind: 'image' }>): Promise<void> {
    const { config, layers } = parsed.manifest;
    // Like docker: top layer first, every new layer announced as Preparing, those beyond the upload
    // limit as Waiting. Foreign layers (with URLs) are never pushed.
    const pushable = layers.filter((l) => !(l.urls && l.urls.length > 0)).reverse();
    const fresh = pushable.filter((l, i) => !this.blobs.has(l.digest) && pushable.findIndex((o) => o.digest === l.digest) === i);
    for (const l of fresh) this.emit({ type: 'layer', status: 'preparing', descriptor: l });
    for (const l of fresh.slice(this.concurrency)) this.emit({ type: 'layer', status: 'waiting', descriptor: l });
    await runPool(pushable, this.concurrency, (layer) => this.pushBlob(layer, true), this.options.signal);
    await this.pushBlob(config, false);
  }

  /**
   * Copies a manifest the store lacks from `source` (same registry): GET by digest (verified), its
   * blobs mounted from there, then PUT. False when the source cannot provide it.
   */
  private async copyFromSibling(child: Descriptor, source: string): Promise<boolean> {
    const sibling = new RemoteRepository(this.remote.transport, source);
    let fetched: FetchedManifest;
    try {
      fetched = await sibling.getManifest(child.digest, this.sig);
    } catch (e) {
      if (e instanceof HubctlError && (e.kind === 'notfound' || e.kind === 'auth')) {
        if (e.kind === 'auth') this.deniedSources.add(source);
        return false;
      }
      throw e;
    }
    const parsed = fetched.parsed;
    if (parsed.kind === 'index') {
      for (const c of parsed.manifest.manifests) if (isManifestType(c.mediaType)) await this.pushChildManifest(c, child.digest);
    } else {
      for (const blob of [...parsed.manifest.layers, parsed.manifest.config]) {
        if (blob.urls && blob.urls.length > 0) continue;
        if (await this.store.exists(blob)) {
          await this.pushBlob(blob, false);
          continue;
        }
        if (await this.remote.blobExists(blob.digest, { forPush: true, ...this.sig })) {
          this.counts.existed++;
          continue;
        }
        let mounted: boolean;
        try {
          mounted = await this.remote.mountBlob(blob, source, this.sig);
        } catch (e) {
          if (!(e instanceof HubctlError) || e.kind !== 'auth') throw e;
          this.deniedSources.add(source);
          return false;
        }
        if (!mounted) return false;
        this.counts.mounted++;
      }
    }
    this.check();
    await this.remote.putManifest(child.digest, fetched.bytes, fetched.descriptor.mediaType, this.sig);
    return true;
  }

  private check(): void {
    if (this.options.signal?.aborted) throw interrupted();
  }

  /** One blob once per push, however many manifests share it. */
  private pushBlob(desc: Descriptor, isLayer: boolean): Promise<void> {
    let p = this.blobs.get(desc.digest);
    if (p === undefined) {
      p = this.transferBlob(desc, isLayer);
      this.blobs.set(desc.digest, p);
    }
    return p;
  }

  private async transferBlob(desc: Descriptor, isLayer: boolean): Promise<void> {
    const layerEvent = (status: LayerStatus, extra: { from?: string; current?: number; total?: number } = {}) => {
      if (isLayer) this.emit({ type: 'layer', status, descriptor: desc, ...extra });
    };
    this.check();
    if (await this.remote.blobExists(desc.digest, { forPush: true, ...this.sig })) {
      this.counts.existed++;
      layerEvent('exists');
      return;
    }
    if (!(await this.store.exists(desc))) {
      throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`, {
        hint: 'the image is incomplete locally; pull or build it again',
      });
    }
    const mountFrom =
      this.options.mount === false
        ? undefined
        : (await this.mountSources()).get(desc.digest)?.find((repo) => !this.deniedSources.has(repo));
    const path = this.store.blobPath(desc.digest);
    let body: UploadBody;
    if (desc.size <= PUSH_BUFFER_BYTES) {
      body = readFileSync(path);
      if (body.length !== desc.size) {
        throw new HubctlError(
          'integrity',
          'SIZE_MISMATCH',
          `blob ${desc.digest} in the local store is ${body.length} bytes, not ${desc.size}`,
          {
            hint: 'the local store is damaged; pull or build the image again',
          },
        );
      }
      // handed to the connection in one write: that is all the progress there is to report
      layerEvent('pushing', { current: desc.size, total: desc.size });
    } else {
      let lastEmit = 0;
      body = {
        kind: 'file',
        path,
        size: desc.size,
        onSent: (sent) => {
          const now = Date.now();
          if (now - lastEmit >= 100 || sent === desc.size) {
            lastEmit = now;
            layerEvent('pushing', { current: sent, total: desc.size });
          }
        },
      };
    }
    let result: UploadResult;
    try {
      result = await this.remote.uploadBlob(desc, body, { ...this.sig, ...(mountFrom ? { mountFrom } : {}) });
    } catch (e) {
      // A token may not cover pull on the mount source (another user's repository): upload plainly.
      if (mountFrom === undefined || !(e instanceof HubctlError) || e.kind !== 'auth') throw e;
      this.deniedSources.add(mountFrom);
      result = await this.remote.uploadBlob(desc, body, this.sig);
    }
    if (result.kind === 'mounted') {
      this.counts.mounted++;
      layerEvent('mounted', { from: result.from });
    } else {
      this.counts.uploaded++;
      this.counts.bytesUploaded += desc.size;
      layerEvent('pushed');
    }
  }

  private mountSources(): Promise<Map<string, string[]>> {
    this.candidates ??= mountCandidates(this.store, this.ref.registry, this.ref.repository);
    return this.candidates;
  }
}
