import type { FetchOptions, OpenedContent, Source } from '../content/types.js';
import { isManifestType } from '../oci/media-types.js';
import { parseManifest } from '../oci/manifest.js';
import { successorsOf } from '../content/successors.js';
import type { Descriptor } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import type { RegistryTransport } from '../http/types.js';
import { HubctlError, notFoundError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';

/**
 * What a push reads: the store, and for content the store lacks (a platform or attestation of an
 * index that was not pulled), the repositories of the target registry known to hold it (see
 * mountCandidates). A manifest is read there (verified by digest); its blobs are then mounted from
 * there (`sourcesFor` feeds the copy's mountFrom), or streamed from there when the registry will not mount.
 */
export class PushSource implements Source {
  /** Repositories a digest was seen in while reading a manifest there. */
  private readonly learned = new Map<string, string[]>();
  /** Repositories the registry refused to let us read. */
  private readonly denied = new Set<string>();

  constructor(
    private readonly store: ImageStore,
    private readonly transport: RegistryTransport,
    /** `registry/repository` pushed to, for messages. */
    private readonly target: string,
    private readonly candidates: () => Promise<Map<string, string[]>>,
  ) {}

  /** Repositories of the target registry that may hold `digest`: to mount from, or read from. */
  async sourcesFor(digest: string): Promise<string[]> {
    const known = [...((await this.candidates()).get(digest) ?? []), ...(this.learned.get(digest) ?? [])];
    return [...new Set(known)].filter((r) => !this.denied.has(r));
  }

  localFile(desc: Descriptor): string | undefined {
    return this.store.localFile(desc);
  }

  async has(desc: Descriptor): Promise<boolean> {
    return this.store.localFile(desc) !== undefined;
  }

  async fetchBytes(desc: Descriptor, limit: number, options: FetchOptions = {}): Promise<Buffer> {
    if (this.store.localFile(desc) !== undefined) return this.store.fetchBytes(desc, limit);
    if (isManifestType(desc.mediaType)) {
      for (const repo of await this.sourcesFor(desc.digest)) {
        const bytes = await this.attempt(repo, (r) => r.fetchBytes(desc, limit, options));
        if (bytes === undefined) continue;
        for (const s of successorsOf(parseManifest(bytes, desc.mediaType))) this.learn(s.descriptor.digest, repo);
        return bytes;
      }
      const platform = desc.platform ? ` (${desc.platform.os}/${desc.platform.architecture})` : '';
      throw notFoundError(
        'INDEX_CHILD_MISSING',
        `the index refers to ${desc.digest}${platform}, which is neither in the local store nor in ${this.target}`,
        { hint: 'pull the image with --all-platforms, or push a single platform' },
      );
    }
    return this.store.fetchBytes(desc, limit);
  }

  async open(desc: Descriptor, offset = 0, options: FetchOptions = {}): Promise<OpenedContent> {
    if (this.store.localFile(desc) !== undefined) return this.store.open(desc, offset);
    for (const repo of await this.sourcesFor(desc.digest)) {
      const opened = await this.attempt(repo, (r) => r.open(desc, offset, options));
      if (opened !== undefined) return opened;
    }
    throw notFoundError('BLOB_NOT_FOUND', `blob ${desc.digest} is not in the local store`, {
      hint: 'the image is incomplete locally; pull or build it again',
    });
  }

  private learn(digest: string, repo: string): void {
    const list = this.learned.get(digest);
    if (list === undefined) this.learned.set(digest, [repo]);
    else if (!list.includes(repo)) list.push(repo);
  }

  /** `read` from a repository of the target registry; undefined when it lacks the content or refuses us. */
  private async attempt<T>(repo: string, read: (r: RemoteRepository) => Promise<T>): Promise<T | undefined> {
    try {
      return await read(new RemoteRepository(this.transport, repo));
    } catch (e) {
      if (!(e instanceof HubctlError) || (e.kind !== 'notfound' && e.kind !== 'auth')) throw e;
      if (e.kind === 'auth') this.denied.add(repo);
      return undefined;
    }
  }
}
