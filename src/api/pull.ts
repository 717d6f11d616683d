import { formatReference, parseReference, type Reference } from '../ref/reference.js';
import { copyGraph, type CopyOptions } from '../content/graph.js';
import { layerBlobEvent, type BlobEvent } from '../content/events.js';
import { requiredSuccessors } from '../content/successors.js';
import { runnableManifests, selectPlatform, formatPlatform } from '../oci/platform.js';
import type { Descriptor, Platform } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import { manifestNotFound, type FetchedManifest } from '../registry/manifests.js';
import { HubctlError } from '../errors.js';
import { INDEX_DIGEST_ANNOTATION } from '../store/index-file.js';
import type { Client } from './client.js';

/** Annotation kept on a store entry made from one platform of an index: the index's digest. */
export { INDEX_DIGEST_ANNOTATION };

export interface PullOptions {
  platform?: Platform;
  /** Keep the whole index with every runnable platform. */
  allPlatforms?: boolean;
  /** Layers downloaded at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: (event: PullEvent) => void;
}

export type PullEvent =
  | { type: 'pulling'; tag: string; repository: string }
  | { type: 'blob'; event: BlobEvent }
  | { type: 'digest'; digest: string };

export interface PullResult {
  /** The full normalized reference stored: `docker.io/library/centos:latest`. */
  reference: string;
  parsed: Reference;
  /** What the tag (or digest) resolves to on the registry: an index digest for multi-arch images. */
  digest: string;
  /** The store entry's descriptor (the platform manifest, or the index with --all-platforms). */
  descriptor: Descriptor;
  /** Nothing new was downloaded and the tag already pointed here. */
  upToDate: boolean;
  bytesDownloaded: number;
  platform?: Platform;
}

export async function pull(client: Client, refText: string, options: PullOptions = {}): Promise<PullResult> {
  const ref = parseReference(refText);
  const reference = formatReference(ref);
  const signal = options.signal;
  const sig = signal ? { signal } : {};
  const repo = new RemoteRepository(client.transport(ref.registry), ref.repository);
  const store = await client.store();
  const previous = await store.resolve(reference);

  options.onEvent?.({ type: 'pulling', tag: ref.digest ?? ref.tag ?? 'latest', repository: ref.repository });
  const root = await getRootManifest(repo, ref, reference, signal);
  const copyOptions: CopyOptions = {
    concurrency: options.concurrency ?? 4,
    ...sig,
    onEvent: (e) => {
      const event = layerBlobEvent(e);
      if (event) options.onEvent?.({ type: 'blob', event });
    },
  };

  let entry: Descriptor;
  let bytes = 0;
  let platform: Platform | undefined;
  if (root.parsed.kind === 'index' && !options.allPlatforms) {
    platform = options.platform ?? client.platform;
    const chosen = selectPlatform(root.parsed.manifest.manifests, platform, refText);
    const child = await repo.getManifest(chosen.digest, sig);
    if (child.parsed.kind !== 'image') {
      throw new HubctlError(
        'integrity',
        'NESTED_INDEX',
        `the entry for ${formatPlatform(platform)} in ${refText} is an index, not an image`,
      );
    }
    bytes = (await copyGraph(repo, store, child.descriptor, { ...copyOptions, rootBytes: child.bytes })).bytes;
    entry = {
      ...child.descriptor,
      ...(chosen.platform ? { platform: chosen.platform } : {}),
      annotations: { [INDEX_DIGEST_ANNOTATION]: root.descriptor.digest },
    };
  } else {
    // --all-platforms: every runnable platform must come (attestations and unknown platforms stay behind)
    const successors = options.allPlatforms ? requiredSuccessors({ select: runnableManifests }) : undefined;
    bytes = (
      await copyGraph(repo, store, root.descriptor, { ...copyOptions, rootBytes: root.bytes, ...(successors ? { successors } : {}) })
    ).bytes;
    entry = { ...root.descriptor };
  }
  await store.tag(reference, entry);
  options.onEvent?.({ type: 'digest', digest: root.descriptor.digest });
  const upToDate = bytes === 0 && previous !== undefined && previous.digest === entry.digest;
  return {
    reference,
    parsed: ref,
    digest: root.descriptor.digest,
    descriptor: entry,
    upToDate,
    bytesDownloaded: bytes,
    ...(platform ? { platform } : {}),
  };
}

async function getRootManifest(repo: RemoteRepository, ref: Reference, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
  try {
    return await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', signal ? { signal } : {});
  } catch (e) {
    if (e instanceof HubctlError && e.kind === 'notfound') {
      const err = manifestNotFound(reference);
      throw new HubctlError('notfound', e.code, err.message, { ...(err.hint ? { hint: err.hint } : {}), cause: e });
    }
    throw e;
  }
}
