import { formatReference, parseReference } from '../ref/reference.js';
import { sha256 } from '../digest/digest.js';
import { MediaType } from '../oci/media-types.js';
import { parseImageConfig } from '../oci/manifest.js';
import { formatPlatform } from '../oci/platform.js';
import type { Descriptor, ImageIndex, Platform } from '../oci/types.js';
import type { FetchedManifest } from '../registry/manifests.js';
import { RemoteRepository } from '../registry/remote.js';
import { usageError } from '../errors.js';
import { fetchConfig, fetchRootManifest, remoteTarget, type RemoteTarget } from './remote-image.js';
import { copyImageInto, type ChildStatus } from './index-children.js';
import { push, type PushEvent, type PushResult } from './push.js';
import type { Client } from './client.js';

export interface IndexCreateOptions {
  /** Also push the index (its children first, into the target's repository). */
  push?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: IndexCreateEvent) => void;
}

export type IndexCreateEvent =
  /** A source was read: its manifest digest and the platform its config names. */
  | { type: 'source'; source: string; digest: string; platform: Platform }
  /** With push: how a child reached the target repository. */
  | { type: 'child'; digest: string; platform: Platform; status: ChildStatus }
  | { type: 'push'; event: PushEvent };

export interface IndexCreateResult {
  /** Full normalized target reference. */
  reference: string;
  descriptor: Descriptor;
  /** The index as written (its sha256 is `descriptor.digest`). */
  bytes: Buffer;
  index: ImageIndex;
  pushed?: PushResult;
}

interface Source {
  text: string;
  target: RemoteTarget;
  manifest: FetchedManifest;
  platform: Platform;
}

/**
 * `hubctl index create TARGET SRC...` (docker manifest create, crane index append): a multi-platform
 * index over single-platform images read from the registry, each entry's platform taken from the
 * image's config. The index is a Docker manifest list when every image is a Docker manifest, else an
 * OCI index. It is written to the local store under TARGET (its children stay on the registry); with
 * `push`, each child is made present in TARGET's repository (already there, mounted from its
 * repository on the same registry, or copied) and the index is pushed with `push`.
 */
export async function createIndex(
  client: Client,
  targetText: string,
  sourceTexts: readonly string[],
  options: IndexCreateOptions = {},
): Promise<IndexCreateResult> {
  const targetRef = parseReference(targetText);
  if (targetRef.digest !== undefined) {
    throw usageError('INDEX_TARGET_DIGEST', `the index needs a tag, not a digest: ${targetText}`, {
      hint: 'e.g. hubctl index create registry/app:1.0 SRC...',
    });
  }
  if (sourceTexts.length === 0) throw usageError('INDEX_NO_SOURCES', 'name at least one source image');
  const reference = formatReference(targetRef);
  const sources: Source[] = [];
  for (const text of sourceTexts) {
    const source = await readSource(client, text, options.signal);
    const clash = sources.find((s) => formatPlatform(s.platform) === formatPlatform(source.platform));
    if (clash && clash.manifest.descriptor.digest !== source.manifest.descriptor.digest) {
      throw usageError('INDEX_DUPLICATE_PLATFORM', `${clash.text} and ${text} are both ${formatPlatform(source.platform)}`, {
        hint: 'an index holds one image per platform; leave one of them out',
      });
    }
    if (clash) continue;
    sources.push(source);
    options.onEvent?.({ type: 'source', source: text, digest: source.manifest.descriptor.digest, platform: source.platform });
  }
  const allDocker = sources.every((s) => s.manifest.descriptor.mediaType === MediaType.DockerManifest);
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: allDocker ? MediaType.DockerManifestList : MediaType.OciIndex,
    manifests: sources.map((s) => ({
      mediaType: s.manifest.descriptor.mediaType,
      digest: s.manifest.descriptor.digest,
      size: s.manifest.descriptor.size,
      platform: s.platform,
    })),
  };
  const bytes = Buffer.from(`${JSON.stringify(index, null, 2)}\n`);
  const descriptor: Descriptor = { mediaType: index.mediaType!, digest: sha256(bytes), size: bytes.length };
  const store = await client.store();
  await store.putBytes(descriptor, bytes);
  await store.tag(reference, descriptor);
  const result: IndexCreateResult = { reference, descriptor, bytes, index };
  if (!options.push) return result;

  const dest = new RemoteRepository(client.transport(targetRef.registry), targetRef.repository, { push: true });
  for (const s of sources) {
    const status = await copyImageInto(dest, s.target.repo, s.manifest, options.signal);
    options.onEvent?.({ type: 'child', digest: s.manifest.descriptor.digest, platform: s.platform, status });
  }
  result.pushed = await push(client, reference, {
    ...(options.signal ? { signal: options.signal } : {}),
    onEvent: (event) => options.onEvent?.({ type: 'push', event }),
  });
  return result;
}

async function readSource(client: Client, text: string, signal: AbortSignal | undefined): Promise<Source> {
  const target = remoteTarget(client, text);
  const sig = signal ? { signal } : {};
  const manifest = await fetchRootManifest(target, sig);
  if (manifest.parsed.kind === 'index') {
    const platforms = manifest.parsed.manifest.manifests.map((d) => formatPlatform(d.platform));
    throw usageError('INDEX_SOURCE_IS_INDEX', `${text} is already a multi-platform index (${platforms.join(', ')})`, {
      hint: `name one platform's image by digest (hubctl digest --platform OS/ARCH ${text}), as docker manifest create does`,
    });
  }
  const config = parseImageConfig((await fetchConfig(target, manifest, sig)).bytes);
  const platform: Platform = { architecture: config.architecture, os: config.os };
  if (typeof config.variant === 'string' && config.variant !== '') platform.variant = config.variant;
  if (typeof config['os.version'] === 'string' && config['os.version'] !== '') platform['os.version'] = config['os.version'];
  const features = config['os.features'];
  if (Array.isArray(features) && features.length > 0 && features.every((f) => typeof f === 'string')) platform['os.features'] = features;
  return { text, target, manifest, platform };
}
