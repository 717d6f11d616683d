import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { formatReference, parseReference, type Reference } from '../ref/reference.js';
import { runPool } from '../content/pool.js';
import { interrupted } from '../content/abort.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import { HubctlError, authError, notFoundError, usageError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';

export interface PushOptions {
  /** Push every tag of the repository found in the store (the reference must not carry a tag). */
  allTags?: boolean;
  /** Blobs uploaded at once (default 5, like docker's --max-concurrent-uploads). */
  concurrency?: number;
  /** Try cross-repository mounts from other repositories of the same registry in the store (default true). */
  mount?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: PushEvent) => void;
}

export type LayerStatus = 'preparing' | 'waiting' | 'exists' | 'mounted' | 'pushing' | 'pushed';

export type PushEvent =
  /** `The push refers to repository [docker.io/test/ubuntu]`. */
  | { type: 'repository'; name: string }
  | { type: 'tag'; tag: string; descriptor: Descriptor }
  /** A layer's state; `from` is the source repository of a mount, `current`/`total` bytes while pushing. */
  | { type: 'layer'; status: LayerStatus; descriptor: Descriptor; from?: string; current?: number; total?: number }
  | { type: 'manifest'; descriptor: Descriptor; reference: string }
  /** The tag is pushed: docker's `TAG: digest: sha256:... size: N`. */
  | { type: 'digest'; tag: string; digest: string; size: number };

export interface PushedTag {
  /** Full reference pushed, `docker.io/test/ubuntu:14.04`. */
  reference: string;
  tag: string;
  digest: string;
  size: number;
  mediaType: string;
}

export interface PushResult {
  /** `docker.io/test/ubuntu`. */
  repository: string;
  pushed: PushedTag[];
  /** Blobs (layers and configs) by what happened to them. */
  blobs: { existed: number; mounted: number; uploaded: number; bytesUploaded: number };
}

/**
 * `docker push`: for each tag, every blob is checked with HEAD (push scope, so one token serves the
 * whole push), mounted from another repository of the same registry that the store says holds it, or
 * uploaded; layers in parallel, then the config, then the manifest (each child of an index by digest,
 * then the index) and the tag last. Manifests go up with their exact media type as Content-Type.
 */
export async function push(client: Client, refText: string, options: PushOptions = {}): Promise<PushResult> {
  const ref = parseReference(refText, { defaultTag: !options.allTags });
  const repository = `${ref.registry}/${ref.repository}`;
  if (options.allTags && (ref.tag !== undefined || ref.digest !== undefined)) {
    throw usageError('TAG_WITH_ALL_TAGS', `tag can't be used with --all-tags/-a: ${refText}`);
  }
  const store = await client.store();
  const targets = options.allTags ? await storeTags(store, ref) : await oneTarget(store, ref);
  if (targets.length === 0) {
    throw notFoundError('IMAGE_NOT_FOUND', `An image does not exist locally with the tag: ${options.allTags ? repository : formatReference(ref)}`, {
      hint: 'list local images with "hubctl images"; name an image for this repository with "hubctl tag SOURCE TARGET"',
    });
  }
  const remote = new RemoteRepository(client.transport(ref.registry), ref.repository);
  const session = new PushSession(store, remote, ref, options);
  options.onEvent?.({ type: 'repository', name: repository });
  const pushed: PushedTag[] = [];
  try {
    for (const t of targets) pushed.push(await session.pushTag(t.reference, t.descriptor));
  } catch (e) {
    throw explainDenied(e, repository);
  }
  return { repository, pushed, blobs: session.counts };
}

interface Target {
  reference: Reference;
  descriptor: Descriptor;
}

async function oneTarget(store: ImageStore, ref: Reference): Promise<Target[]> {
  const descriptor = await store.resolve(formatReference(ref));
  return descriptor ? [{ reference: ref, descriptor }] : [];
}

/** Every tagged store entry of `ref`'s repository, sorted by tag. */
async function storeTags(store: ImageStore, ref: Reference): Promise<Target[]> {
  const out: Target[] = [];
  for (const entry of await store.list()) {
    const parsed = tryParse(entry.ref);
    if (!parsed || parsed.registry !== ref.registry || parsed.repository !== ref.repository || parsed.tag === undefined) continue;
    out.push({ reference: parsed, descriptor: entry.descriptor });
  }
  return out.sort((a, b) => (a.reference.tag! < b.reference.tag! ? -1 : 1));
}

function tryParse(text: string | undefined): Reference | undefined {
  if (text === undefined) return undefined;
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

/** docker's wording for a push the registry refuses, with what to do about it. */
function explainDenied(e: unknown, repository: string): unknown {
  if (!(e instanceof HubctlError) || e.kind !== 'auth') return e;
  // Only the registry's own 401/403 to a push request; a token server refusing the password says so itself.
  if (e.details?.url === undefined) return e;
  return authError('PUSH_DENIED', `denied: requested access to the resource is denied (push to ${repository})`, {
    hint: `log in as a user who may push to ${repository} (hubctl login), or tag the image under a namespace you own`,
    cause: e,
    ...(e.details ? { details: e.details } : {}),
  });
}

/**
 * Which repositories of the registry are known to hold a blob or manifest: store entries named on
 * the same registry (pulled images carry the repository they came from in their reference) whose
 * graph contains it. The target repository itself is left out (HEAD already answered for it).
 */
export async function mountCandidates(store: ImageStore, registry: string, targetRepository: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  const add = (digest: string, repo: string) => {
    const list = map.get(digest);
    if (list === undefined) map.set(digest, [repo]);
    else if (!list.includes(repo)) list.push(repo);
  };
  for (const entry of await store.list()) {
    const parsed = tryParse(entry.ref);
    if (!parsed || parsed.registry !== registry || parsed.repository === targetRepository) continue;
    const stack: Descriptor[] = [entry.descriptor];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (seen.has(d.digest) || !isManifestType(d.mediaType) || !(await store.exists(d))) continue;
      seen.add(d.digest);
      add(d.digest, parsed.repository);
      let parsedManifest: ParsedManifest;
      try {
        parsedManifest = parseManifest(await store.fetchBytes(d, MAX_MANIFEST_BYTES), d.mediaType);
      } catch {
        continue;
      }
      if (parsedManifest.kind === 'index') stack.push(...parsedManifest.manifest.manifests);
      else for (const b of [parsedManifest.manifest.config, ...parsedManifest.manifest.layers]) add(b.digest, parsed.repository);
    }
  }
  return map;
}

class PushSession {
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
      throw notFoundError('INDEX_CHILD_MISSING', `the index refers to ${child.digest}${child.platform ? ` (${child.platform.os}/${child.platform.architecture})` : ''}, which is neither in the local store nor in ${this.ref.registry}/${this.ref.repository}`, {
        hint: 'pull the image with --all-platforms, or push a single platform',
      });
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
    fresh.slice(this.concurrency).forEach((l) => this.emit({ type: 'layer', status: 'waiting', descriptor: l }));
    await runPool(pushable, this.concurrency, (layer) => this.pushBlob(layer, true), this.options.signal);
    await this.pushBlob(config, false);
  }

  /**
   * Copies a manifest the store lacks from `source` (same registry): GET by digest (verified), its
   * blobs mounted from there, then PUT. False when the source cannot provide it.
   */
  private async copyFromSibling(child: Descriptor, source: string): Promise<boolean> {
    const sibling = new RemoteRepository(this.remote.transport, source);
    let fetched;
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
    const mountFrom = this.options.mount === false
      ? undefined
      : (await this.mountSources()).get(desc.digest)?.find((repo) => !this.deniedSources.has(repo));
    const path = this.store.blobPath(desc.digest);
    let lastEmit = 0;
    const openBody = (): Readable => {
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          const now = Date.now();
          if (now - lastEmit >= 100 || sent === desc.size) {
            lastEmit = now;
            layerEvent('pushing', { current: sent, total: desc.size });
          }
          cb(null, chunk);
        },
      });
      const file = createReadStream(path);
      file.on('error', (e) => counter.destroy(e));
      return file.pipe(counter);
    };
    let result;
    try {
      result = await this.remote.uploadBlob(desc, openBody, { ...this.sig, ...(mountFrom ? { mountFrom } : {}) });
    } catch (e) {
      // A token may not cover pull on the mount source (another user's repository): upload plainly.
      if (mountFrom === undefined || !(e instanceof HubctlError) || e.kind !== 'auth') throw e;
      this.deniedSources.add(mountFrom);
      result = await this.remote.uploadBlob(desc, openBody, this.sig);
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
