import type { ContentOpener, Destination, FetchOptions, IngestOptions, OpenedContent, Source } from '../content/types.js';
import { isManifestType } from '../oci/media-types.js';
import { parseManifest } from '../oci/manifest.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryTransport } from '../http/types.js';
import { sha256 } from '../digest/digest.js';
import { fetchBlobBytes, openBlob, blobExists, headBlob } from './blobs.js';
import { deleteManifest, getManifest, headManifest, putManifest, type FetchedManifest } from './manifests.js';
import { listTags, type ListOptions } from './listing.js';
import { mountBlob, uploadBlob, type UploadBody, type UploadOptions, type UploadResult } from './upload.js';
import { uploadContent } from './destination.js';
import { pullScope, pushScope } from './scopes.js';
import { HubctlError, integrityError } from '../errors.js';

export interface RemoteRepositoryOptions {
  /**
   * The repository is written to (push, copy destination): existence checks ask for the push scope
   * too, so one token serves the whole copy.
   */
  push?: boolean;
}

/**
 * One repository on a registry: the distribution API as a content source (GET) and destination
 * (HEAD = exists, upload = push, cross-repository mount) for copyGraph.
 */
export class RemoteRepository implements Source, Destination {
  /** A registry checks a manifest's successors when it is PUT: one it holds is complete. */
  readonly completeManifests = true;
  /** Mount sources the registry refused to let us read: not tried again by this instance. */
  private readonly deniedMounts = new Set<string>();

  constructor(
    readonly transport: RegistryTransport,
    readonly repository: string,
    private readonly options: RemoteRepositoryOptions = {},
  ) {}

  private get scope(): string {
    return this.options.push ? pushScope(this.repository) : pullScope(this.repository);
  }

  getManifest(reference: string, options: FetchOptions = {}): Promise<FetchedManifest> {
    return getManifest(this.transport, this.repository, reference, options.signal);
  }

  headManifest(reference: string, options: FetchOptions = {}): Promise<Descriptor | undefined> {
    return headManifest(this.transport, this.repository, reference, options.signal, this.scope);
  }

  putManifest(reference: string, bytes: Uint8Array, mediaType: string, options: FetchOptions = {}): Promise<string> {
    return putManifest(this.transport, this.repository, reference, bytes, mediaType, options.signal);
  }

  /**
   * PUTs a manifest under `reference` (a tag or its digest) with the media type its body declares,
   * and checks that the registry stored it under the digest of these bytes.
   */
  async pushManifest(desc: Descriptor, bytes: Uint8Array, reference: string = desc.digest, options: FetchOptions = {}): Promise<string> {
    const mediaType = parseManifest(bytes, desc.mediaType).mediaType;
    const digest = await this.putManifest(reference, bytes, mediaType, options);
    if (digest !== desc.digest) {
      // The registry computed another digest from the same bytes: not possible unless it rewrote them.
      throw integrityError('DIGEST_MISMATCH', `the registry stored the manifest as ${digest}, expected ${desc.digest}`);
    }
    return mediaType;
  }

  /** Deletes the manifest with this digest (and with it every tag pointing at it). */
  deleteManifest(digest: string, options: FetchOptions = {}): Promise<void> {
    return deleteManifest(this.transport, this.repository, digest, options.signal);
  }

  /** The repository's tags, following Link pages. */
  listTags(options: ListOptions = {}): Promise<string[]> {
    return listTags(this.transport, this.repository, options);
  }

  /** A blob's size from HEAD; undefined when absent. */
  headBlob(digest: string, options: FetchOptions = {}): Promise<{ size: number | undefined } | undefined> {
    return headBlob(this.transport, this.repository, digest, options.signal);
  }

  open(desc: Descriptor, offset = 0, options: FetchOptions = {}): Promise<OpenedContent> {
    return openBlob(this.transport, this.repository, desc, offset, options.signal);
  }

  async fetchBytes(desc: Descriptor, limit: number, options: FetchOptions = {}): Promise<Buffer> {
    if (isManifestType(desc.mediaType)) {
      const m = await this.getManifest(desc.digest, options);
      if (m.descriptor.size !== desc.size) {
        throw integrityError('SIZE_MISMATCH', `${desc.digest}: expected ${desc.size} bytes, received ${m.descriptor.size}`);
      }
      return m.bytes;
    }
    return fetchBlobBytes(this.transport, this.repository, desc, limit, options.signal);
  }

  /** Does the repository hold this blob? Uses push scope when `forPush`, so one token serves the push. */
  blobExists(digest: string, options: FetchOptions & { forPush?: boolean } = {}): Promise<boolean> {
    const scope = options.forPush || this.options.push ? pushScope(this.repository) : pullScope(this.repository);
    return blobExists(this.transport, this.repository, digest, [scope], options.signal);
  }

  /** HEAD of the manifest or blob. */
  async exists(desc: Descriptor, options: FetchOptions = {}): Promise<boolean> {
    if (isManifestType(desc.mediaType)) return (await this.headManifest(desc.digest, options)) !== undefined;
    return this.blobExists(desc.digest, options);
  }

  /** As a source: the same HEAD. */
  has(desc: Descriptor, options: FetchOptions = {}): Promise<boolean> {
    return this.exists(desc, options);
  }

  /** A manifest PUT by digest, or a small blob uploaded in one request (both checked against `desc`). */
  async putBytes(desc: Descriptor, bytes: Uint8Array, options: FetchOptions = {}): Promise<void> {
    if (isManifestType(desc.mediaType)) {
      await this.pushManifest(desc, bytes, desc.digest, options);
      return;
    }
    if (bytes.length !== desc.size || sha256(bytes) !== desc.digest) {
      throw integrityError('DIGEST_MISMATCH', `the bytes given for ${desc.digest} are not that blob`);
    }
    await this.uploadBlob(desc, bytes, options);
  }

  /** Uploads a blob from a local file (`options.file`) or from another registry's stream; see uploadContent. */
  async ingest(desc: Descriptor, open: ContentOpener, options: IngestOptions = {}): Promise<void> {
    await uploadContent(this.transport, this.repository, desc, open, options);
  }

  /**
   * Tries a cross-repository mount from the first of `from` this registry has not refused us, in the
   * upload session that sends the bytes when the registry does not mount (202). A token that may not
   * read the source (another user's repository) fails the mount: that source is not tried again and
   * the bytes are uploaded.
   */
  async mount(desc: Descriptor, from: readonly string[], open: ContentOpener, options: IngestOptions = {}): Promise<string | undefined> {
    const source = from.find((r) => r !== this.repository && !this.deniedMounts.has(r));
    if (source === undefined) {
      await this.ingest(desc, open, options);
      return undefined;
    }
    let result: UploadResult;
    try {
      result = await uploadContent(this.transport, this.repository, desc, open, { ...options, mountFrom: source });
    } catch (e) {
      if (!(e instanceof HubctlError) || e.kind !== 'auth') throw e;
      this.deniedMounts.add(source);
      result = await uploadContent(this.transport, this.repository, desc, open, options);
    }
    return result.kind === 'mounted' ? result.from : undefined;
  }

  uploadBlob(desc: Descriptor, body: UploadBody, options: UploadOptions = {}): Promise<UploadResult> {
    return uploadBlob(this.transport, this.repository, desc, body, options);
  }

  /** A cross-repository mount only (no upload): true when the registry mounted the blob from `from`. */
  mountBlob(desc: Descriptor, from: string, options: FetchOptions = {}): Promise<boolean> {
    return mountBlob(this.transport, this.repository, desc, from, options.signal);
  }
}
