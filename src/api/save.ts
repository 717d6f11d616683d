import type { Writable } from 'node:stream';
import { familiarName, familiarString, formatReference, parseReference, type Reference } from '../ref/reference.js';
import { digestHex } from '../digest/digest.js';
import { integrityError, notFoundError } from '../errors.js';
import { MAX_CONFIG_BYTES, parseImageConfig } from '../oci/manifest.js';
import { copyGraph } from '../content/graph.js';
import { walkGraph } from '../content/walk.js';
import { platformMatches, runnableManifests } from '../oci/platform.js';
import { REF_NAME_ANNOTATION, type Descriptor, type Platform } from '../oci/types.js';
import type { ImageStore } from '../store/image-store.js';
import { CONTAINERD_IMAGE_NAME_ANNOTATION, blobEntryName, type DockerArchiveEntry } from '../archive/format.js';
import { ArchiveWriter, type ArchivePlan } from '../archive/write.js';
import type { Client } from './client.js';
import { resolveLocalImage } from './tag.js';

export interface SaveOptions {
  /** Platform written to manifest.json for multi-platform entries (default: the client's). */
  platform?: Platform;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
}

export interface SaveResult {
  images: { reference: string; digest: string }[];
  blobs: number;
  bytes: number;
}

/**
 * `docker save`: writes the images named by `refs` from the store to `out` as one tar that is both
 * an OCI image layout and a docker archive (docker ≥ 25's layout: manifest.json points at the OCI
 * blobs). Layers are written as they are stored (usually gzip), which docker load and skopeo's
 * docker-archive transport both decompress. A multi-platform entry is kept whole in index.json;
 * manifest.json, single-platform per entry, gets the platform manifest for `platform`.
 */
export async function save(client: Client, refs: readonly string[], out: Writable, options: SaveOptions = {}): Promise<SaveResult> {
  // An output that fails while the plan is made (a file that cannot be opened) must not crash the
  // process with an unhandled 'error': the write below reports it.
  const ignore = () => undefined;
  out.on('error', ignore);
  try {
    const store = await client.store();
    const { plan, images } = await planArchive(store, refs, options.platform ?? client.platform);
    const total = plan.blobs.reduce((n, b) => n + b.size, 0);
    let written = 0;
    const writer = new ArchiveWriter(out, options.signal);
    try {
      await writer.begin(plan);
      // Every saved image through the engine into the one tar: each blob once, successors first.
      for (const root of plan.index) {
        await copyGraph(store, writer, root, {
          concurrency: 1,
          ...(options.signal ? { signal: options.signal } : {}),
          onEvent: (e) => {
            if (e.type !== 'done') return;
            written += e.descriptor.size;
            options.onProgress?.(written, total);
          },
        });
      }
      await writer.finish();
    } catch (e) {
      throw await writer.abort(e);
    }
    return { images, blobs: plan.blobs.length, bytes: total };
  } finally {
    out.off('error', ignore);
  }
}

/** Resolves every reference first (nothing is written when one is missing), then collects the blobs. */
export async function planArchive(
  store: ImageStore,
  refs: readonly string[],
  platform: Platform,
): Promise<{ plan: ArchivePlan; images: SaveResult['images'] }> {
  const plan: ArchivePlan = { index: [], dockerManifest: [], repositories: {}, blobs: [] };
  const images: SaveResult['images'] = [];
  const resolved: { ref: Reference | undefined; full: string; desc: Descriptor }[] = [];
  for (const text of refs) {
    const found = await resolveLocalImage(store, text);
    if (!found) {
      throw notFoundError('IMAGE_NOT_FOUND', `No such image: ${text}`, { hint: 'list local images with "hubctl images"' });
    }
    // Saved by image ID (like docker), or an entry another tool stored under a raw name: no name.
    let ref = found.byId ? undefined : parseOrUndefined(found.name);
    // One platform pulled from an index by digest: the archive holds that platform's manifest, so
    // it is named by that manifest's digest (a load refuses a digest name over other content).
    if (ref?.digest !== undefined && ref.digest !== found.descriptor.digest) ref = { ...ref, digest: found.descriptor.digest };
    const full = ref ? formatReference(ref) : found.descriptor.digest;
    if (!resolved.some((r) => r.full === full)) resolved.push({ ref, full, desc: found.descriptor });
  }

  const dockerByManifest = new Map<string, DockerArchiveEntry>();

  for (const { ref, full, desc } of resolved) {
    const annotations: Record<string, string> = {};
    if (ref) annotations[CONTAINERD_IMAGE_NAME_ANNOTATION] = full;
    if (ref?.tag !== undefined) annotations[REF_NAME_ANNOTATION] = ref.tag;
    plan.index.push({
      mediaType: desc.mediaType,
      digest: desc.digest,
      size: desc.size,
      ...(desc.platform ? { platform: desc.platform } : {}),
      ...(ref ? { annotations } : {}),
    });
    images.push({ reference: full, digest: desc.digest });

    const image = await collect(store, desc, platform, plan.blobs);
    if (image === undefined) continue;
    let entry = dockerByManifest.get(image.manifest.digest);
    if (entry === undefined) {
      entry = {
        Config: blobEntryName(image.config.digest),
        RepoTags: [],
        Layers: image.layers.map((l) => blobEntryName(l.digest)),
      };
      dockerByManifest.set(image.manifest.digest, entry);
      plan.dockerManifest.push(entry);
    }
    if (ref?.tag !== undefined) {
      entry.RepoTags!.push(familiarString(ref));
      const top = image.diffIds.at(-1);
      if (top !== undefined) (plan.repositories[familiarName(ref)] ??= {})[ref.tag] = digestHex(top);
    }
  }
  for (const e of plan.dockerManifest) if (e.RepoTags!.length === 0) e.RepoTags = null;
  return { plan, images };
}

/** The reference a stored name is, unless it is a raw name another tool wrote (not in docker's full form). */
function parseOrUndefined(name: string): Reference | undefined {
  try {
    const ref = parseReference(name);
    return formatReference(ref) === name ? ref : undefined;
  } catch {
    return undefined;
  }
}

interface DockerImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  diffIds: string[];
}

/**
 * Walks the graph under `root` in the store (the successors a copy follows): appends its blobs to
 * `blobs` (successors first, each once over the whole archive; index children and foreign layers the
 * store lacks are left out) and returns the image manifest.json describes: `root` itself, or the
 * platform's child of an index (else the first runnable one the store holds).
 */
async function collect(store: ImageStore, root: Descriptor, platform: Platform, blobs: Descriptor[]): Promise<DockerImage | undefined> {
  const images = new Map<string, DockerImage>();
  let index: Descriptor[] | undefined;
  const walk = await walkGraph(store.blobs, [root], {
    onManifest: async (d, parsed) => {
      if (parsed.kind === 'index') {
        if (d.digest === root.digest) index = parsed.manifest.manifests;
        return;
      }
      const { config, layers } = parsed.manifest;
      let diffIds: string[] = [];
      try {
        diffIds = parseImageConfig(await store.fetchBytes(config, MAX_CONFIG_BYTES)).rootfs.diff_ids;
      } catch {
        diffIds = [];
      }
      images.set(d.digest, { manifest: d, config, layers, diffIds });
    },
  });
  const required = walk.missing.find((m) => !m.optional);
  if (required !== undefined) {
    const what = required.role === 'layer' ? 'layer' : required.role === 'config' ? 'config' : 'blob';
    throw notFoundError('BLOB_NOT_FOUND', `${what} ${required.digest} of ${required.parent ?? root.digest} is not in the local store`, {
      hint: 'pull the image again',
    });
  }
  const unreadable = walk.invalid[0];
  if (unreadable !== undefined) {
    throw integrityError('INVALID_MANIFEST', `manifest ${unreadable.digest} in the local store is unreadable: ${unreadable.error}`, {
      hint: 'pull the image again',
    });
  }
  const absent = new Set(walk.missing.map((m) => m.digest));
  for (const image of images.values()) image.layers = image.layers.filter((l) => !absent.has(l.digest));
  const listed = new Set(blobs.map((b) => b.digest));
  for (const d of walk.present) {
    if (listed.has(d.digest)) continue;
    listed.add(d.digest);
    blobs.push({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  }
  if (images.has(root.digest)) return images.get(root.digest);
  const children = runnableManifests(index ?? []).filter((c) => images.has(c.digest));
  const chosen = children.find((c) => platformMatches(platform, c.platform)) ?? children[0];
  return chosen ? images.get(chosen.digest) : undefined;
}
