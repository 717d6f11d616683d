import { formatReference, parseReference, type Reference } from '../ref/reference.js';
import type { Descriptor } from '../oci/types.js';
import { addCopyResult, copyGraph, emptyCopyResult, type CopyResult } from '../content/graph.js';
import type { CopyEvent } from '../content/events.js';
import { requiredSuccessors } from '../content/successors.js';
import { RemoteRepository } from '../registry/remote.js';
import { HubctlError, authError, notFoundError, usageError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';
import { mountCandidates, tryParse } from './mount-candidates.js';
import { PushSource } from './push-source.js';

export { mountCandidates } from './mount-candidates.js';

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
 * `docker push`: for each tag, copyGraph from the store to the repository: every blob is checked
 * with HEAD (push scope, so one token serves the whole push), mounted from another repository of the
 * same registry that the store says holds it, or uploaded; layers top first, then the config, then
 * each child manifest of an index by digest, and the root manifest last, PUT under the tag.
 * Manifests go up with their exact media type as Content-Type. Foreign layers are never pushed.
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
    throw notFoundError(
      'IMAGE_NOT_FOUND',
      `An image does not exist locally with the tag: ${options.allTags ? repository : formatReference(ref)}`,
      {
        hint: 'list local images with "hubctl images"; name an image for this repository with "hubctl tag SOURCE TARGET"',
      },
    );
  }
  const remote = new RemoteRepository(client.transport(ref.registry), ref.repository, { push: true });
  let candidates: Promise<Map<string, string[]>> | undefined;
  const source = new PushSource(store, remote.transport, repository, () => {
    candidates ??= mountCandidates(store, ref.registry, ref.repository);
    return candidates;
  });
  options.onEvent?.({ type: 'repository', name: repository });
  const pushed: PushedTag[] = [];
  const total = emptyCopyResult();
  try {
    for (const t of targets) pushed.push(await pushTag(remote, source, ref, t, options, (r) => addCopyResult(total, r)));
  } catch (e) {
    throw explainDenied(e, repository);
  }
  return {
    repository,
    pushed,
    blobs: { existed: total.existed, mounted: total.mounted, uploaded: total.transferred, bytesUploaded: total.bytes },
  };
}

async function pushTag(
  remote: RemoteRepository,
  source: PushSource,
  ref: Reference,
  target: Target,
  options: PushOptions,
  count: (r: CopyResult) => void,
): Promise<PushedTag> {
  const { reference, descriptor: desc } = target;
  const tagOrDigest = reference.tag ?? reference.digest ?? 'latest';
  const emit = (event: PushEvent) => options.onEvent?.(event);
  emit({ type: 'tag', tag: tagOrDigest, descriptor: desc });
  let mediaType = desc.mediaType;
  let size = desc.size;
  const result = await copyGraph(source, remote, desc, {
    concurrency: options.concurrency ?? 5,
    ...(options.signal ? { signal: options.signal } : {}),
    successors: requiredSuccessors({ dropForeignLayers: true, topLayerFirst: true }),
    ...(options.mount === false ? {} : { mountFrom: (d: Descriptor) => source.sourcesFor(d.digest) }),
    putRoot: async (d, bytes) => {
      mediaType = await remote.pushManifest(d, bytes, tagOrDigest, options.signal ? { signal: options.signal } : {});
      size = bytes.length;
    },
    onEvent: (e) => {
      const layer = layerEvent(e);
      if (layer) emit(layer);
    },
  });
  count(result);
  emit({ type: 'manifest', descriptor: { mediaType, digest: desc.digest, size }, reference: tagOrDigest });
  emit({ type: 'digest', tag: tagOrDigest, digest: desc.digest, size });
  const name = { registry: ref.registry, repository: ref.repository };
  const full = formatReference(reference.digest !== undefined ? { ...name, digest: reference.digest } : { ...name, tag: tagOrDigest });
  return { reference: full, tag: tagOrDigest, digest: desc.digest, size, mediaType };
}

/** docker's push lines for a layer, from the copy's events (configs and manifests are not shown). */
function layerEvent(e: CopyEvent): PushEvent | undefined {
  if (e.role !== 'layer') return undefined;
  const descriptor = e.descriptor;
  switch (e.type) {
    case 'queued':
      return { type: 'layer', status: 'preparing', descriptor };
    case 'waiting':
      return { type: 'layer', status: 'waiting', descriptor };
    case 'exists':
      return { type: 'layer', status: 'exists', descriptor };
    case 'mounted':
      return { type: 'layer', status: 'mounted', descriptor, from: e.from };
    case 'progress':
      return { type: 'layer', status: 'pushing', descriptor, current: e.current, total: e.total };
    case 'done':
      return { type: 'layer', status: 'pushed', descriptor };
    default:
      return undefined;
  }
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
