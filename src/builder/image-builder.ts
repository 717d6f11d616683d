import type { Storage } from '../content/types.js';
import { sha256 } from '../digest/digest.js';
import { notFoundError, usageError } from '../errors.js';
import { MediaType } from '../oci/media-types.js';
import { hostPlatform, parsePlatform } from '../oci/platform.js';
import type { Descriptor, HistoryEntry, ImageConfig, ImageManifest, Platform } from '../oci/types.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { applyConfigChanges, platformOf, scratchConfig, type ConfigChanges } from './image-config.js';
import { epochDate, openLayerSource } from './layer-source.js';
import { commitLayers, prepareLayers, type PreparedLayer } from './layer-writer.js';
import type { BaseImage, BuildLog, BuiltLayer, ImageFormat, LayerInput, Tagger } from './types.js';

export interface BuildImageOptions {
  storage: Storage;
  /** Needed when `tags` are given. */
  tagger?: Tagger;
  /** The base image (resolved by the caller through a BaseImageSource) or 'scratch' (default). */
  from?: BaseImage | 'scratch';
  /** `--layer` paths (tar, gzipped tar or directory) or ready LayerInputs, bottom first. */
  layers?: ReadonlyArray<string | LayerInput>;
  cmd?: string[];
  entrypoint?: string[];
  env?: string[];
  labels?: Record<string, string>;
  workdir?: string;
  user?: string;
  expose?: string[];
  /** `os/arch[/variant]`; default: the base's platform, else the host's. */
  platform?: string | Platform;
  format?: ImageFormat;
  /** SOURCE_DATE_EPOCH (seconds): mtimes of tarred directories and every `created`; default 0. */
  sourceDateEpoch?: number;
  tags?: string[];
  concurrency?: number;
  tmpDir?: string;
  onLog?: BuildLog;
  signal?: AbortSignal;
}

export interface BuildResult {
  manifestDescriptor: Descriptor;
  configDigest: string;
  /** The layers this build added (base layers not included). */
  layers: BuiltLayer[];
  manifest: ImageManifest;
  config: ImageConfig;
  /** The normalized references that were tagged. */
  tags: string[];
}

/** Parses and normalizes tags up front, so a bad tag fails before anything is written. */
export function normalizeTags(tags: readonly string[] | undefined, tagger?: Tagger): string[] {
  if (tags && tags.length > 0 && !tagger) throw usageError('NO_TAGGER', 'tags were given but nothing to record them in');
  return (tags ?? []).map((t) => {
    const ref = parseReference(t);
    if (ref.digest !== undefined) {
      throw usageError('INVALID_TAG', `cannot tag a build with the digest reference "${t}"`, { hint: 'give NAME[:TAG]' });
    }
    return formatReference(ref);
  });
}

export const LAYER_TYPE: Record<ImageFormat, string> = { oci: MediaType.OciLayerGzip, docker: MediaType.DockerLayerGzip };
const CONFIG_TYPE: Record<ImageFormat, string> = { oci: MediaType.OciConfig, docker: MediaType.DockerConfig };
const MANIFEST_TYPE: Record<ImageFormat, string> = { oci: MediaType.OciManifest, docker: MediaType.DockerManifest };
const EQUIVALENT: Record<string, Record<ImageFormat, string>> = {
  [MediaType.OciLayerGzip]: { oci: MediaType.OciLayerGzip, docker: MediaType.DockerLayerGzip },
  [MediaType.DockerLayerGzip]: { oci: MediaType.OciLayerGzip, docker: MediaType.DockerLayerGzip },
};

/** A base layer's descriptor in the target format (gzip layers switch media type; others are kept). */
export function convertLayer(desc: Descriptor, format: ImageFormat): Descriptor {
  const mediaType = EQUIVALENT[desc.mediaType]?.[format] ?? desc.mediaType;
  if (format === 'docker' && mediaType.startsWith('application/vnd.oci.')) {
    throw usageError('INCOMPATIBLE_BASE', `the base image has a ${desc.mediaType} layer, which a Docker schema2 image cannot carry`, {
      hint: 'build with --format oci',
    });
  }
  const out: Descriptor = { mediaType, digest: desc.digest, size: desc.size };
  if (desc.urls) out.urls = desc.urls;
  if (desc.annotations) out.annotations = desc.annotations;
  return out;
}

export interface WriteImageOptions {
  storage: Storage;
  tagger?: Tagger;
  base?: BaseImage;
  /** The final config, whose rootfs and history already list every layer. */
  config: ImageConfig;
  layers: readonly PreparedLayer[];
  format: ImageFormat;
  tags: readonly string[];
  signal?: AbortSignal;
}

export interface WriteManifestOptions {
  storage: Storage;
  tagger?: Tagger;
  /** The config as it is to be stored (its digest is the image ID). */
  configBytes: Buffer;
  /** Every layer's descriptor, bottom first, all already in the storage. */
  layers: Descriptor[];
  format: ImageFormat;
  tags: readonly string[];
}

/** Writes the config, then the manifest, then the tags; the layers must be in the storage already. */
export async function writeManifest(
  o: WriteManifestOptions,
): Promise<{ manifestDescriptor: Descriptor; configDesc: Descriptor; manifest: ImageManifest }> {
  const configDesc: Descriptor = { mediaType: CONFIG_TYPE[o.format], digest: sha256(o.configBytes), size: o.configBytes.length };
  await o.storage.putBytes(configDesc, o.configBytes);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MANIFEST_TYPE[o.format], config: configDesc, layers: o.layers };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDescriptor: Descriptor = { mediaType: MANIFEST_TYPE[o.format], digest: sha256(manifestBytes), size: manifestBytes.length };
  await o.storage.putBytes(manifestDescriptor, manifestBytes);
  for (const ref of o.tags) await o.tagger!.tag(ref, manifestDescriptor);
  return { manifestDescriptor, configDesc, manifest };
}

/** Writes layers, then the config, then the manifest, then the tags (children before parents). */
export async function writeImage(o: WriteImageOptions): Promise<BuildResult> {
  const baseLayers = (o.base?.manifest.layers ?? []).map((d) => convertLayer(d, o.format));
  for (const d of baseLayers) {
    if (!(await o.storage.exists(d))) {
      throw notFoundError('BASE_LAYER_MISSING', `layer ${d.digest} of the base image ${o.base?.ref} is not in the store`, {
        hint: 'pull the base image again',
      });
    }
  }
  if (o.tags.length > 0 && !o.tagger) throw usageError('NO_TAGGER', 'tags were given but nothing to record them in');
  const newLayers = await commitLayers(o.storage, o.layers, LAYER_TYPE[o.format], o.signal);
  const { manifestDescriptor, configDesc, manifest } = await writeManifest({
    ...o,
    configBytes: Buffer.from(JSON.stringify(o.config)),
    layers: [...baseLayers, ...newLayers],
  });
  return {
    manifestDescriptor,
    configDigest: configDesc.digest,
    layers: o.layers.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId })),
    manifest,
    config: o.config,
    tags: [...o.tags],
  };
}

/** Adds the layers' diff_ids and one history entry per layer to a config. */
export function appendLayers(config: ImageConfig, layers: readonly PreparedLayer[], created: string): ImageConfig {
  const out = structuredClone(config);
  out.rootfs = { type: 'layers', diff_ids: [...(config.rootfs?.diff_ids ?? []), ...layers.map((l) => l.diffId)] };
  const history: HistoryEntry[] = [...(config.history ?? [])];
  for (const l of layers) history.push({ created, created_by: l.createdBy ?? `hubctl build --layer ${l.name}` });
  out.history = history;
  return out;
}

/**
 * `hubctl build` from local layers: compresses and checks every layer (in parallel, into temp
 * files), and only when all passed writes layers, config and manifest to the storage, then tags.
 */
export async function buildImage(opts: BuildImageOptions): Promise<BuildResult> {
  const format = opts.format ?? 'oci';
  if (format !== 'oci' && format !== 'docker')
    throw usageError('INVALID_FORMAT', `unknown image format "${String(format)}"`, { hint: 'use oci or docker' });
  const tags = normalizeTags(opts.tags, opts.tagger);
  const created = epochDate(opts.sourceDateEpoch).toISOString().replace('.000Z', 'Z');
  const base = opts.from === undefined || opts.from === 'scratch' ? undefined : opts.from;
  const wanted = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : opts.platform;
  const platform = wanted ?? (base ? platformOf(base.config) : hostPlatform());
  if (base && wanted && (wanted.os !== base.config.os || wanted.architecture !== base.config.architecture)) {
    opts.onLog?.(
      `warning: the base image ${base.ref} is ${base.config.os}/${base.config.architecture}, building for ${wanted.os}/${wanted.architecture}`,
    );
  }
  const inputs: LayerInput[] = [];
  for (const l of opts.layers ?? []) {
    inputs.push(typeof l === 'string' ? await openLayerSource(l, layerSourceOptions(opts)) : l);
  }
  const changes: ConfigChanges = { platform };
  if (opts.cmd !== undefined) changes.cmd = opts.cmd;
  if (opts.entrypoint !== undefined) changes.entrypoint = opts.entrypoint;
  if (opts.env) changes.env = opts.env;
  if (opts.labels) changes.labels = opts.labels;
  if (opts.workdir !== undefined) changes.workdir = opts.workdir;
  if (opts.user !== undefined) changes.user = opts.user;
  if (opts.expose) changes.expose = opts.expose;
  let config = applyConfigChanges(base ? base.config : scratchConfig(platform), changes);
  config = { created, ...config };
  config.created = created;

  const prepared = await prepareLayers(inputs, prepareOptions(opts));
  try {
    config = appendLayers(config, prepared.layers, created);
    const writeOpts: WriteImageOptions = { storage: opts.storage, config, layers: prepared.layers, format, tags };
    if (opts.tagger) writeOpts.tagger = opts.tagger;
    if (base) writeOpts.base = base;
    if (opts.signal) writeOpts.signal = opts.signal;
    const result = await writeImage(writeOpts);
    opts.onLog?.(`built ${result.manifestDescriptor.digest}`);
    return result;
  } finally {
    await prepared.cleanup();
  }
}

function layerSourceOptions(opts: BuildImageOptions) {
  const o: { sourceDateEpoch?: number; onWarning?: BuildLog } = {};
  if (opts.sourceDateEpoch !== undefined) o.sourceDateEpoch = opts.sourceDateEpoch;
  if (opts.onLog) o.onWarning = opts.onLog;
  return o;
}

export function prepareOptions(opts: { concurrency?: number; tmpDir?: string; onLog?: BuildLog; signal?: AbortSignal }) {
  const o: { concurrency?: number; tmpDir?: string; onLog?: BuildLog; signal?: AbortSignal } = {};
  if (opts.concurrency !== undefined) o.concurrency = opts.concurrency;
  if (opts.tmpDir !== undefined) o.tmpDir = opts.tmpDir;
  if (opts.onLog) o.onLog = opts.onLog;
  if (opts.signal) o.signal = opts.signal;
  return o;
}
