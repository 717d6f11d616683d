import type { Fetcher, FetchOptions, OpenedContent } from '../content/types.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryTransport } from '../http/types.js';
import { fetchBlobBytes, openBlob, blobExists, headBlob } from './blobs.js';
import { deleteManifest, getManifest, headManifest, putManifest, type FetchedManifest } from './manifests.js';
import { listTags, type ListOptions } from './listing.js';
import { mountBlob, uploadBlob, type UploadBody, type UploadOptions, type UploadResult } from './upload.js';
import { pullScope, pushScope } from './scopes.js';
import { integrityError } from '../errors.js';

/** One repository on a registry: the distribution API as a content source and destination. */
export class RemoteRepository implements Fetcher {
  constructor(
    readonly transport: RegistryTransport,
    readonly repository: string,
  ) {}

  getManifest(reference: string, options: FetchOptions = {}): Promise<FetchedManifest> {
    return getManifest(this.transport, this.repository, reference, options.signal);
  }

  headManifest(reference: string, options: FetchOptions = {}): Promise<Descriptor | undefined> {
    return headManifest(this.transport, this.repository, reference, options.signal);
  }

  putManifest(reference: string, bytes: Uint8Array, mediaType: string, options: FetchOptions = {}): Promise<string> {
    return putManifest(this.transport, this.repository, reference, bytes, mediaType, options.signal);
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
    const scope = options.forPush ? pushScope(this.repository) : pullScope(this.repository);
    return blobExists(this.transport, this.repository, digest, [scope], options.signal);
  }

  uploadBlob(desc: Descriptor, body: UploadBody, options: UploadOptions = {}): Promise<UploadResult> {
    return uploadBlob(this.transport, this.repository, desc, body, options);
  }

  /** A cross-repository mount only (no upload): true when the registry mounted the blob from `from`. */
  mountBlob(desc: Descriptor, from: string, options: FetchOptions = {}): Promise<boolean> {
    return mountBlob(this.transport, this.repository, desc, from, options.signal);
  }
}
