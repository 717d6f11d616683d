import { formatReference, parseReference } from '../ref/reference.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseImageConfig, parseManifest } from '../oci/manifest.js';
import { selectPlatform } from '../oci/platform.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import { manifestNotFound } from '../registry/manifests.js';
import { notFoundError } from '../errors.js';
import type { Fetcher } from '../content/types.js';
import type { Client } from './client.js';
import { resolveLocalImage } from './tag.js';

export interface InspectResult {
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  /** The manifest or index as stored. */
  manifest: ImageManifest | ImageIndex;
  /** For an image (or the chosen platform of an index): its config. */
  config?: ImageConfig;
  /** For an index: the platform manifest whose config is shown. */
  platformManifest?: { digest: string; manifest: ImageManifest };
}

export interface InspectOptions {
  /** Ask the registry instead of the store (nothing is pulled). */
  remote?: boolean;
  platform?: Platform;
  signal?: AbortSignal;
}

export async function inspect(client: Client, refText: string, options: InspectOptions = {}): Promise<InspectResult> {
  const sig = options.signal ? { signal: options.signal } : {};
  let reference: string;
  let source: Fetcher;
  let root: Descriptor;
  let rootBytes: Buffer;
  if (options.remote) {
    const ref = parseReference(refText);
    reference = formatReference(ref);
    const repo = new RemoteRepository(client.transport(ref.registry), ref.repository);
    try {
      const m = await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', sig);
      root = m.descriptor;
      rootBytes = m.bytes;
    } catch (e) {
      if ((e as { kind?: string }).kind === 'notfound') throw manifestNotFound(reference);
      throw e;
    }
    source = repo;
  } else {
    const store = await client.store();
    // a reference, a raw name another tool stored, or an image ID (as docker inspect takes)
    const found = await resolveLocalImage(store, refText);
    if (!found) {
      throw notFoundError('IMAGE_NOT_FOUND', `no such image in the store: ${refText}`, {
        hint: `pull it first (hubctl pull ${refText}) or ask the registry with --remote`,
      });
    }
    reference = found.name;
    const entry = found.descriptor;
    root = entry;
    rootBytes = await store.fetchBytes(entry, MAX_MANIFEST_BYTES);
    source = store;
  }
  const loaded = await loadImage(source, root, rootBytes, {
    remote: options.remote === true,
    platform: options.platform ?? client.platform,
    refText,
    ...sig,
  });
  return { reference, ...loaded };
}

/** The manifest or index at `root` and, for an image (or the chosen platform of an index), its config. */
export async function loadImage(
  source: Fetcher,
  root: Descriptor,
  rootBytes: Buffer,
  options: { remote: boolean; platform: Platform; refText: string; signal?: AbortSignal },
): Promise<Omit<InspectResult, 'reference'>> {
  const sig = options.signal ? { signal: options.signal } : {};
  const parsed = parseManifest(rootBytes, root.mediaType);
  const result: Omit<InspectResult, 'reference'> = {
    digest: root.digest,
    mediaType: parsed.mediaType,
    size: root.size,
    manifest: parsed.manifest,
  };
  let image: ImageManifest | undefined;
  if (parsed.kind === 'index') {
    const available = options.remote ? parsed.manifest.manifests : await presentOnly(source, parsed.manifest.manifests);
    if (available.length > 0) {
      const chosen = selectPlatform(available, options.platform, options.refText);
      const childBytes = await source.fetchBytes(chosen, MAX_MANIFEST_BYTES, sig);
      const child = parseManifest(childBytes, chosen.mediaType);
      if (child.kind === 'image') {
        image = child.manifest;
        result.platformManifest = { digest: chosen.digest, manifest: child.manifest };
      }
    }
  } else {
    image = parsed.manifest;
  }
  if (image) result.config = parseImageConfig(await source.fetchBytes(image.config, MAX_CONFIG_BYTES, sig));
  return result;
}

async function presentOnly(source: Fetcher, manifests: Descriptor[]): Promise<Descriptor[]> {
  const exists = (source as unknown as { exists?: (d: Descriptor) => Promise<boolean> }).exists;
  if (!exists) return manifests;
  const flags = await Promise.all(manifests.map((d) => exists.call(source, d)));
  return manifests.filter((_, i) => flags[i]);
}
