import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { familiarString, formatReference, parseReference } from '../ref/reference.js';
import { sha256 } from '../digest/digest.js';
import { integrityError, usageError } from '../errors.js';
import { copyGraph } from '../content/graph.js';
import { walkGraph, type WalkSource } from '../content/walk.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseImageConfig, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { MediaType, isManifestType } from '../oci/media-types.js';
import { REF_NAME_ANNOTATION, type Descriptor, type ImageManifest, type Platform } from '../oci/types.js';
import {
  CONTAINERD_IMAGE_NAME_ANNOTATION,
  DOCKER_LAYER_TAR,
  DOCKER_MANIFEST_FILE,
  OCI_INDEX_FILE,
  OCI_LAYOUT_FILE,
  blobEntryName,
  parseDockerArchiveManifest,
} from '../archive/format.js';
import { extractArchive, type StagedArchive, type StagedFile } from '../archive/extract.js';
import { StagedSource, type StagedBlob } from '../archive/staged-source.js';
import { scanLayer } from '../archive/layer-scan.js';
import { digestOfName, digestTagRefused } from '../store/index-file.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';

export interface LoadOptions {
  /** Where the archive is unpacked and checked before anything enters the store (default: a staging directory in the store). */
  tmpDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: LoadEvent) => void;
}

export type LoadEvent =
  | { type: 'read'; bytes: number }
  | { type: 'checked'; images: number; blobs: number }
  /** docker's `Loaded image: ubuntu:14.04`. */
  | { type: 'loaded'; reference: string; familiar: string; digest: string }
  /** An image without a name: nothing in the store would refer to it, so it is not kept. */
  | { type: 'untagged'; digest: string };

export interface LoadedImage {
  /** Full normalized reference, `docker.io/library/ubuntu:14.04`. */
  reference: string;
  /** docker's short form, `ubuntu:14.04`. */
  familiar: string;
  descriptor: Descriptor;
}

export interface LoadResult {
  format: 'oci' | 'docker';
  images: LoadedImage[];
  /** Digests of images the archive holds without a name (not kept). */
  untagged: string[];
}

/** A blob to store: from a staged file, or bytes built here (docker-archive manifests). */
type PlannedBlob = StagedBlob;

interface Plan {
  format: 'oci' | 'docker';
  blobs: PlannedBlob[];
  tags: { reference: string; descriptor: Descriptor }[];
  untagged: string[];
}

/**
 * `docker load`: reads a docker archive (`docker save`, `skopeo copy … docker-archive:`) or an OCI
 * archive (oci-layout + index.json, e.g. `skopeo copy … oci-archive:` or `hubctl save`) into the store
 * and tags its images. The archive is unpacked into a staging directory first; every entry name and
 * link, every layer's contents (tar/safety rules), every digest and every diff_id is checked before
 * the first blob enters the store, so a bad archive leaves the store as it was.
 *
 * docker-archive layers are stored as they are in the archive (uncompressed tars stay uncompressed,
 * as `application/vnd.docker.image.rootfs.diff.tar`, like docker's containerd image store does) under
 * a docker schema2 manifest built here; an OCI archive's manifests are kept byte for byte.
 */
export async function load(client: Client, input: Readable, options: LoadOptions = {}): Promise<LoadResult> {
  const store = await client.store();
  const staging = await stagingFor(store, options.tmpDir);
  const dir = staging.path;
  try {
    const staged = await extractArchive(input, dir, {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (bytes) => options.onEvent?.({ type: 'read', bytes }),
    });
    const plan = await planLoad(staged);
    options.onEvent?.({ type: 'checked', images: plan.tags.length, blobs: plan.blobs.length });
    // Every image through the engine from the checked archive into the store; tagged only after.
    const source = new StagedSource(plan.blobs);
    for (const t of plan.tags) await copyGraph(source, store, t.descriptor, options.signal ? { signal: options.signal } : {});
    const images: LoadedImage[] = [];
    for (const t of plan.tags) {
      await store.tag(t.reference, t.descriptor);
      const familiar = familiarString(parseReference(t.reference));
      images.push({ reference: t.reference, familiar, descriptor: t.descriptor });
      options.onEvent?.({ type: 'loaded', reference: t.reference, familiar, digest: t.descriptor.digest });
    }
    for (const digest of plan.untagged) options.onEvent?.({ type: 'untagged', digest });
    return { format: plan.format, images, untagged: plan.untagged };
  } finally {
    await staging.remove();
  }
}

/**
 * Where the archive is unpacked: a staging directory of the store (swept when a killed load leaves
 * it, see store/staging.ts), or a fresh directory under `tmpDir` when the caller chose one.
 */
async function stagingFor(store: ImageStore, tmpDir: string | undefined): Promise<{ path: string; remove(): Promise<void> }> {
  if (tmpDir === undefined) return store.createStagingDir('hubctl-load-');
  const path = await fsp.mkdtemp(join(tmpDir, 'hubctl-load-'));
  return { path, remove: () => fsp.rm(path, { recursive: true, force: true }) };
}

function invalid(why: string, hint?: string) {
  return usageError('INVALID_ARCHIVE', `not a loadable image archive: ${why}`, {
    hint: hint ?? 'load archives made by docker save, skopeo copy ... docker-archive:/oci-archive:, or hubctl save',
  });
}

/** Decides the format and checks everything; nothing is written to the store here. */
export async function planLoad(staged: StagedArchive): Promise<Plan> {
  const hasOci = staged.has(OCI_LAYOUT_FILE) && staged.has(OCI_INDEX_FILE);
  const hasDocker = staged.has(DOCKER_MANIFEST_FILE);
  if (hasOci) {
    const oci = await planOci(staged);
    // docker ≥ 25 and hubctl name every entry; a nameless OCI index with a manifest.json beside it
    // (an older writer) is better read as the docker archive, whose RepoTags name the images.
    if (!hasDocker || oci.tags.length > 0) return oci;
  }
  if (hasDocker) return planDocker(staged);
  throw invalid(`it has neither ${DOCKER_MANIFEST_FILE} (docker archive) nor ${OCI_LAYOUT_FILE} and ${OCI_INDEX_FILE} (OCI archive)`);
}

/** The image name of an index.json entry: containerd's annotation, else a ref.name that is a full name. */
function ociEntryName(d: Descriptor): string | undefined {
  const a = d.annotations ?? {};
  const candidates = [a[CONTAINERD_IMAGE_NAME_ANNOTATION], a[REF_NAME_ANNOTATION]];
  for (const [i, c] of candidates.entries()) {
    if (!c) continue;
    // A bare ref.name is a tag by the OCI convention (`latest`, `1.0`), not an image name.
    if (i === 1 && !c.includes('/') && !c.includes(':')) continue;
    try {
      return formatReference(parseReference(c));
    } catch {
      // not a docker reference
    }
  }
  return undefined;
}

function stagedBlob(staged: StagedArchive, desc: Descriptor): StagedFile | undefined {
  const f = staged.get(blobEntryName(desc.digest));
  if (!f) return undefined;
  if (f.digest !== desc.digest || f.size !== desc.size) {
    throw integrityError(
      'DIGEST_MISMATCH',
      `${blobEntryName(desc.digest)} in the archive has digest ${f.digest} and ${f.size} bytes, expected ${desc.digest} and ${desc.size}`,
      {
        hint: 'the archive is corrupt; nothing was loaded',
      },
    );
  }
  return f;
}

/** A RepoTags name, normalized; a digest reference is refused as docker load refuses it. */
function archiveTagName(t: string): string {
  let ref: ReturnType<typeof parseReference>;
  try {
    ref = parseReference(t);
  } catch (e) {
    throw invalid(`RepoTags has "${t}": ${(e as Error).message}`);
  }
  if (ref.digest !== undefined) throw digestTagRefused(t, " (in the archive's RepoTags)");
  return formatReference(ref);
}

/** An index.json entry named `repo@sha256:x` must hold x (a name cannot claim other content). */
function checkOciEntryName(name: string, digest: string): void {
  const claimed = digestOfName(name);
  if (claimed !== undefined && claimed !== digest) throw digestTagRefused(name, ` (in the archive's index.json, for ${digest})`);
}

const isTarLayer = (mediaType: string) => mediaType.includes('.tar') || mediaType.includes('rootfs');

async function planOci(staged: StagedArchive): Promise<Plan> {
  const indexBytes = await staged.read(OCI_INDEX_FILE, MAX_MANIFEST_BYTES);
  let index: ParsedManifest;
  try {
    index = parseManifest(indexBytes, MediaType.OciIndex);
  } catch (e) {
    throw invalid(`${OCI_INDEX_FILE}: ${(e as Error).message}`);
  }
  if (index.kind !== 'index') throw invalid(`${OCI_INDEX_FILE} is not an image index`);
  const plan: Plan = { format: 'oci', blobs: [], tags: [], untagged: [] };
  const planned = new Set<string>();
  const add = (b: PlannedBlob) => {
    if (planned.has(b.desc.digest)) return;
    planned.add(b.desc.digest);
    plan.blobs.push(b);
  };

  // The archive's graph on the successor rule copies follow: an index's children may be absent.
  const archive: WalkSource = {
    exists: async (d) => stagedBlob(staged, d) !== undefined,
    fetchBytes: async (d, limit) => {
      const file = stagedBlob(staged, d)!;
      if (file.size > limit) throw invalid(`${blobEntryName(d.digest)} is over ${limit} bytes`);
      return fsp.readFile(file.path);
    },
  };
  for (const entry of index.manifest.manifests) {
    if (!isManifestType(entry.mediaType)) continue;
    const name = ociEntryName(entry);
    if (name === undefined) {
      if (!plan.untagged.includes(entry.digest)) plan.untagged.push(entry.digest);
      continue;
    }
    checkOciEntryName(name, entry.digest);
    const descriptor: Descriptor = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
    if (entry.platform) descriptor.platform = entry.platform;
    plan.tags.push({ reference: name, descriptor });
  }
  const walk = await walkGraph(
    archive,
    plan.tags.map((t) => t.descriptor),
    { onManifest: (_d, parsed) => (parsed.kind === 'image' ? planImage(staged, parsed.manifest, add) : undefined) },
  );
  const missing = walk.missing.find((m) => !m.optional);
  if (missing) throw invalid(`${blobEntryName(missing.digest)} (${missing.mediaType}) is missing from the archive`);
  const unreadable = walk.invalid[0];
  if (unreadable) throw integrityError('INVALID_MANIFEST', `${blobEntryName(unreadable.digest)} in the archive: ${unreadable.error}`);
  for (const d of walk.present) {
    if (isManifestType(d.mediaType))
      add({ desc: { mediaType: d.mediaType, digest: d.digest, size: d.size }, file: stagedBlob(staged, d)! });
  }
  return plan;
}

/** An OCI image's layers (checked, diff_ids compared with the config) and its config. */
async function planImage(staged: StagedArchive, manifest: ImageManifest, add: (b: PlannedBlob) => void): Promise<void> {
  const configFile = stagedBlob(staged, manifest.config);
  if (!configFile) throw invalid(`the config ${manifest.config.digest} is missing from the archive`);
  let diffIds: string[] | undefined;
  if (manifest.config.mediaType === MediaType.OciConfig || manifest.config.mediaType === MediaType.DockerConfig) {
    if (configFile.size > MAX_CONFIG_BYTES) throw invalid(`the config ${manifest.config.digest} is over ${MAX_CONFIG_BYTES} bytes`);
    diffIds = parseImageConfig(await fsp.readFile(configFile.path)).rootfs.diff_ids;
  }
  for (const [i, layer] of manifest.layers.entries()) {
    const file = stagedBlob(staged, layer);
    if (!file) {
      if (layer.urls && layer.urls.length > 0) continue; // foreign layer, fetched from its URLs
      throw invalid(`layer ${layer.digest} is missing from the archive`);
    }
    if (isTarLayer(layer.mediaType)) {
      const scan = await scanLayer(file.path, layer.digest);
      const expected = diffIds?.[i];
      if (scan.diffId !== undefined && expected !== undefined && scan.diffId !== expected) {
        throw integrityError('DIFF_ID_MISMATCH', `layer ${layer.digest} unpacks to ${scan.diffId}, but the config says ${expected}`, {
          hint: 'the archive is corrupt; nothing was loaded',
        });
      }
    }
    add({ desc: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }, file });
  }
  add({ desc: { mediaType: manifest.config.mediaType, digest: manifest.config.digest, size: manifest.config.size }, file: configFile });
}

async function planDocker(staged: StagedArchive): Promise<Plan> {
  const entries = parseDockerArchiveManifest((await staged.read(DOCKER_MANIFEST_FILE, MAX_MANIFEST_BYTES)).toString('utf8'));
  const plan: Plan = { format: 'docker', blobs: [], tags: [], untagged: [] };
  const planned = new Set<string>();
  const add = (b: PlannedBlob) => {
    if (planned.has(b.desc.digest)) return;
    planned.add(b.desc.digest);
    plan.blobs.push(b);
  };
  const scanned = new Map<string, Descriptor>();

  for (const entry of entries) {
    const tags = entry.RepoTags ?? [];
    const configFile = staged.get(entry.Config);
    if (!configFile) throw invalid(`the config ${entry.Config} named in ${DOCKER_MANIFEST_FILE} is missing`);
    if (configFile.size > MAX_CONFIG_BYTES) throw invalid(`the config ${entry.Config} is over ${MAX_CONFIG_BYTES} bytes`);
    if (tags.length === 0) {
      plan.untagged.push(configFile.digest);
      continue;
    }
    const config = parseImageConfig(await fsp.readFile(configFile.path));
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== entry.Layers.length) {
      throw invalid(`${entry.Config} lists ${diffIds.length} diff_ids but ${DOCKER_MANIFEST_FILE} ${entry.Layers.length} layers`);
    }
    const layers: Descriptor[] = [];
    for (const [i, layerName] of entry.Layers.entries()) {
      const file = staged.get(layerName);
      if (!file) throw invalid(`the layer ${layerName} named in ${DOCKER_MANIFEST_FILE} is missing`);
      let desc = scanned.get(file.digest);
      if (desc === undefined) {
        const scan = await scanLayer(file.path, layerName);
        if (scan.compression === 'zstd') throw invalid(`the layer ${layerName} is zstd-compressed, which docker archives do not use`);
        if (scan.diffId !== diffIds[i]) {
          throw integrityError('DIFF_ID_MISMATCH', `the layer ${layerName} unpacks to ${scan.diffId}, but the config says ${diffIds[i]}`, {
            hint: 'the archive is corrupt; nothing was loaded',
          });
        }
        desc = {
          mediaType: scan.compression === 'gzip' ? MediaType.DockerLayerGzip : DOCKER_LAYER_TAR,
          digest: file.digest,
          size: file.size,
        };
        scanned.set(file.digest, desc);
      }
      layers.push(desc);
      add({ desc, file });
    }
    const configDesc: Descriptor = { mediaType: MediaType.DockerConfig, digest: configFile.digest, size: configFile.size };
    add({ desc: configDesc, file: configFile });
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: configDesc, layers };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const manifestDesc: Descriptor = { mediaType: MediaType.DockerManifest, digest: sha256(bytes), size: bytes.length };
    add({ desc: manifestDesc, bytes });
    const platform: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
    for (const t of tags) {
      const reference = archiveTagName(t);
      plan.tags.push({ reference, descriptor: { ...manifestDesc, platform } });
    }
  }
  return plan;
}
