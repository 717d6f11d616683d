import { formatReference, parseReference, type Reference } from '../ref/reference.js';
import { addCopyResult, copyGraph, emptyCopyResult, type CopyResult } from '../content/graph.js';
import type { CopyEvent } from '../content/events.js';
import { requiredSuccessors } from '../content/successors.js';
import { formatPlatform, selectPlatform } from '../oci/platform.js';
import type { Descriptor, Platform } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import { manifestNotFound, type FetchedManifest } from '../registry/manifests.js';
import { HubctlError, notFoundError, usageError } from '../errors.js';
import type { Client } from './client.js';

export interface CopyImageOptions {
  /** Copy every tag of the source repository (SRC and DST name repositories, without a tag). */
  allTags?: boolean;
  /**
   * Copy only this platform's manifest out of a multi-platform index (its digest, not the index's,
   * is what the destination gets). Default: the whole index, so the digest stays the same.
   */
  platform?: Platform;
  /** Blobs copied at once (default 4). */
  concurrency?: number;
  /** Mount blobs from the source repository when both are on one registry (default true). */
  mount?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: CopyImageEvent) => void;
}

export type CopyImageEvent =
  /** One image starts: full references of both ends. */
  | { type: 'copying'; source: string; destination: string }
  /** What happened to each layer, config and manifest (see CopyEvent). */
  | { type: 'node'; event: CopyEvent }
  /** The image is at the destination: `TAG: digest: sha256:... size: N`. */
  | { type: 'digest'; tag: string; digest: string; size: number };

export interface CopiedImage {
  /** Full source reference, as asked (`docker.io/library/alpine:3`). */
  source: string;
  /** Full destination reference written (with the tag, or `@digest` when copied by digest). */
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  /** The platform chosen with `platform`, when the source was an index. */
  platform?: Platform;
}

export interface CopyImageResult {
  images: CopiedImage[];
  /** Blobs (layers and configs) by what happened to them. */
  blobs: { existed: number; mounted: number; copied: number; bytesCopied: number };
}

/**
 * `crane copy` / `skopeo copy docker:// docker://`: registry to registry, streamed through this
 * process (no store; no blob ever whole in memory), each blob verified by digest and size before the
 * destination commits it. Within one registry blobs are mounted from the source repository (push on
 * the destination and pull on the source in the token's scopes); across registries they are copied.
 * A multi-platform index is copied whole (every child, attestations too) unless `platform` picks one.
 */
export async function copy(client: Client, srcText: string, dstText: string, options: CopyImageOptions = {}): Promise<CopyImageResult> {
  const src = parseReference(srcText, { defaultTag: !options.allTags });
  const dst = parseReference(dstText, { defaultTag: false });
  const srcRepo = new RemoteRepository(client.transport(src.registry), src.repository);
  const dstRepo = new RemoteRepository(client.transport(dst.registry), dst.repository, { push: true });
  const jobs: { from: Reference; to: Reference }[] = [];
  if (options.allTags) {
    for (const [r, text] of [
      [src, srcText],
      [dst, dstText],
    ] as const) {
      if (r.tag !== undefined || r.digest !== undefined) {
        throw usageError('TAG_WITH_ALL_TAGS', `tag can't be used with --all-tags/-a: ${text}`, {
          hint: 'name the repositories only: hubctl copy --all-tags SRC_REPO DST_REPO',
        });
      }
    }
    const tags = await srcRepo.listTags(options.signal ? { signal: options.signal } : {});
    if (tags.length === 0) throw notFoundError('NO_TAGS', `${src.registry}/${src.repository} has no tags`);
    for (const tag of tags) jobs.push({ from: { ...src, tag }, to: { ...dst, tag } });
  } else {
    // A destination without tag or digest takes the source's tag (or is written by digest).
    const to = dst.tag !== undefined || dst.digest !== undefined ? dst : { ...dst, ...(src.digest ? {} : { tag: src.tag }) };
    jobs.push({ from: src, to });
  }

  const total = emptyCopyResult();
  const images: CopiedImage[] = [];
  for (const job of jobs) images.push(await copyOne(srcRepo, dstRepo, job.from, job.to, options, (r) => addCopyResult(total, r)));
  return { images, blobs: { existed: total.existed, mounted: total.mounted, copied: total.transferred, bytesCopied: total.bytes } };
}

async function copyOne(
  srcRepo: RemoteRepository,
  dstRepo: RemoteRepository,
  from: Reference,
  to: Reference,
  options: CopyImageOptions,
  count: (r: CopyResult) => void,
): Promise<CopiedImage> {
  const sig = options.signal ? { signal: options.signal } : {};
  const source = formatReference(from);
  options.onEvent?.({ type: 'copying', source, destination: formatReference(to) });
  let root = await getRoot(srcRepo, from, source, options.signal);
  let platform: Platform | undefined;
  if (options.platform !== undefined && root.parsed.kind === 'index') {
    const chosen = selectPlatform(root.parsed.manifest.manifests, options.platform, source);
    root = await srcRepo.getManifest(chosen.digest, sig);
    platform = chosen.platform ?? options.platform;
  }
  const desc: Descriptor = root.descriptor;
  if (to.digest !== undefined && to.digest !== desc.digest) {
    throw usageError('DIGEST_MISMATCH', `${formatReference(to)} names ${to.digest}, but ${source} is ${desc.digest}`, {
      hint: platform
        ? `the ${formatPlatform(platform)} manifest has another digest than the index; name the destination by tag`
        : undefined,
    });
  }
  const tagOrDigest = to.tag ?? desc.digest;
  const sameRegistry = from.registry === to.registry && from.repository !== to.repository;
  let mediaType = desc.mediaType;
  const result = await copyGraph(srcRepo, dstRepo, desc, {
    concurrency: options.concurrency ?? 4,
    ...sig,
    rootBytes: root.bytes,
    successors: requiredSuccessors({ dropForeignLayers: true }),
    ...(sameRegistry && options.mount !== false ? { mountFrom: () => [from.repository] } : {}),
    putRoot: async (d, bytes) => {
      mediaType = await dstRepo.pushManifest(d, bytes, tagOrDigest, sig);
    },
    onEvent: (event) => options.onEvent?.({ type: 'node', event }),
  });
  count(result);
  options.onEvent?.({ type: 'digest', tag: tagOrDigest, digest: desc.digest, size: desc.size });
  const name = { registry: to.registry, repository: to.repository };
  const reference = formatReference(to.tag !== undefined ? { ...name, tag: to.tag } : { ...name, digest: desc.digest });
  return { source, reference, digest: desc.digest, mediaType, size: desc.size, ...(platform ? { platform } : {}) };
}

async function getRoot(repo: RemoteRepository, ref: Reference, text: string, signal?: AbortSignal): Promise<FetchedManifest> {
  try {
    // by digest, the bytes are checked against it (getManifest)
    return await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', signal ? { signal } : {});
  } catch (e) {
    if (e instanceof HubctlError && e.kind === 'notfound') {
      const err = manifestNotFound(text);
      throw new HubctlError('notfound', e.code, err.message, { ...(err.hint ? { hint: err.hint } : {}), cause: e });
    }
    throw e;
  }
}
