import { familiarName, familiarString, parseReference } from '../ref/reference.js';
import { MAX_MANIFEST_BYTES } from '../oci/manifest.js';
import type { Descriptor, ImageConfig, Platform } from '../oci/types.js';
import { HubctlError, notFoundError } from '../errors.js';
import { describeImages } from '../store/describe.js';
import { inspect, loadImage, type InspectResult } from './inspect.js';
import { dockerReference } from './images.js';
import { INDEX_DIGEST_ANNOTATION } from './pull.js';
import { resolveLocalImage } from './tag.js';
import type { Client } from './client.js';

/** `docker image inspect`'s object, as far as an image store without a daemon can fill it. */
export interface DockerImageInspect {
  /** The image ID `hubctl images` shows: the config digest (the index digest for a multi-platform entry). */
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  /** The config's `config` section (Env, Cmd, Entrypoint, Labels, WorkingDir, User, ExposedPorts...). */
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  /** Bytes as stored: compressed layers and config (docker shows the unpacked size). */
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  /** The manifest or index the entry points at. */
  Descriptor: Descriptor;
}

export interface InspectImagesOptions {
  /** Ask the registry instead of the store. */
  remote?: boolean;
  /** For a multi-platform image: whose config to show (default this machine's). */
  platform?: Platform;
  signal?: AbortSignal;
}

export interface InspectImagesResult {
  images: DockerImageInspect[];
  /** References that could not be inspected, in order (docker prints the rest and exits non-zero). */
  failures: { reference: string; error: HubctlError }[];
}

const NO_TIME = '0001-01-01T00:00:00Z';

/** `hubctl inspect REF...`: docker's image inspect objects, from the store (references or image IDs) or the registry. */
export async function inspectImages(
  client: Client,
  refs: readonly string[],
  options: InspectImagesOptions = {},
): Promise<InspectImagesResult> {
  const out: InspectImagesResult = { images: [], failures: [] };
  for (const text of refs) {
    try {
      out.images.push(options.remote ? await inspectRemote(client, text, options) : await inspectLocal(client, text, options));
    } catch (e) {
      if (!(e instanceof HubctlError)) throw e;
      out.failures.push({ reference: text, error: e });
    }
  }
  return out;
}

async function inspectLocal(client: Client, text: string, options: InspectImagesOptions): Promise<DockerImageInspect> {
  const store = await client.store();
  const found = await resolveLocalImage(store, text);
  if (!found)
    throw notFoundError('IMAGE_NOT_FOUND', `No such image: ${text}`, {
      hint: 'list the store with hubctl images, or ask the registry with --remote',
    });
  const bytes = await store.fetchBytes(found.descriptor, MAX_MANIFEST_BYTES);
  const loaded = await loadImage(store, found.descriptor, bytes, {
    remote: false,
    platform: options.platform ?? client.platform,
    refText: text,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const rows = await describeImages(store);
  const self = rows.find((r) => r.digest === found.descriptor.digest);
  const id = self?.imageId ?? found.descriptor.digest;
  const entries = await store.list();
  const tags = new Set<string>();
  const digests = new Set<string>();
  for (const row of rows) {
    if (row.imageId !== id || row.ref === undefined) continue;
    // a raw name another tool stored (`MyTag`, `latest` alone) is no RepoTag
    const ref = dockerReference(row.ref);
    if (!ref) continue;
    if (ref.tag !== undefined) tags.add(familiarString(ref));
    const descriptor = entries.find((e) => e.ref === row.ref && e.descriptor.digest === row.digest)?.descriptor;
    digests.add(`${familiarName(ref)}@${descriptor?.annotations?.[INDEX_DIGEST_ANNOTATION] ?? ref.digest ?? row.digest}`);
  }
  return dockerShape(id, [...tags], [...digests], loaded, found.descriptor, self?.size);
}

async function inspectRemote(client: Client, text: string, options: InspectImagesOptions): Promise<DockerImageInspect> {
  const r = await inspect(client, text, {
    remote: true,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const ref = parseReference(r.reference);
  const image = r.platformManifest?.manifest ?? (r.manifest as { config?: Descriptor; layers?: Descriptor[] });
  const id = r.platformManifest || !image.config ? r.digest : image.config.digest;
  const size = image.config ? [image.config, ...(image.layers ?? [])].reduce((n, d) => n + d.size, 0) : undefined;
  const tags = ref.digest === undefined && ref.tag !== undefined ? [familiarString(ref)] : [];
  const descriptor = { mediaType: r.mediaType, digest: r.digest, size: r.size };
  return dockerShape(id, tags, [`${familiarName(ref)}@${r.digest}`], r, descriptor, size);
}

function dockerShape(
  id: string,
  repoTags: string[],
  repoDigests: string[],
  loaded: Omit<InspectResult, 'reference'>,
  descriptor: Descriptor,
  size: number | undefined,
): DockerImageInspect {
  const c: Partial<ImageConfig> = loaded.config ?? {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    Id: id,
    RepoTags: repoTags.sort(),
    RepoDigests: repoDigests.sort(),
    Parent: '',
    Comment: str(c.comment),
    Created: str(c.created),
    DockerVersion: str(c.docker_version),
    Author: str(c.author),
    Config: (c.config as Record<string, unknown> | undefined) ?? {},
    Architecture: str(c.architecture),
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: str(c.os),
    ...(c['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: size ?? 0,
    RootFS: { Type: 'layers', Layers: c.rootfs?.diff_ids ?? [] },
    Metadata: { LastTagTime: NO_TIME },
    Descriptor: { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size },
  };
}
