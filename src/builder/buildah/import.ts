import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Storage } from '../../content/types.js';
import { digestHex, sha256 } from '../../digest/digest.js';
import { integrityError } from '../../errors.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseImageConfig, parseManifest } from '../../oci/manifest.js';
import type { Descriptor } from '../../oci/types.js';
import { commitLayers, prepareLayers } from '../layer-writer.js';
import { convertLayer, LAYER_TYPE, writeManifest, type BuildResult } from '../image-builder.js';
import type { BaseImage, BuildLog, ImageFormat, LayerInput, Tagger } from '../types.js';

export interface ImportOptions {
  storage: Storage;
  tagger?: Tagger;
  format: ImageFormat;
  /** Normalized references to tag. */
  tags: string[];
  /** The base images handed to buildah: their layers are reused as the store holds them. */
  bases: readonly BaseImage[];
  tmpDir?: string;
  concurrency?: number;
  signal?: AbortSignal;
  onLog?: BuildLog;
}

const broken = (why: string) =>
  integrityError('BUILDAH_OUTPUT_INVALID', `the image buildah exported is not consistent: ${why}`, {
    hint: 'nothing was stored; run the build again',
  });

async function readChecked(dir: string, desc: Descriptor, limit: number): Promise<Buffer> {
  if (desc.size > limit) throw broken(`${desc.digest} is ${desc.size} bytes`);
  const bytes = await readFile(join(dir, digestHex(desc.digest)));
  if (bytes.length !== desc.size || sha256(bytes) !== desc.digest) throw broken(`${desc.digest} does not match its digest`);
  return bytes;
}

/**
 * Imports an image `buildah push --disable-compression IMAGE dir:DIR` wrote (manifest.json, blobs
 * named by hex digest, uncompressed layers) into hubctl's store: the config is kept byte for byte
 * (its digest is the image ID buildah printed), a layer that is a base image's layer is the blob
 * the store already holds (so pushes mount it), every other layer is compressed here as the native
 * builder does and checked against the config's diff_ids. Tags are written last.
 */
export async function importBuildahImage(dir: string, o: ImportOptions): Promise<BuildResult> {
  const manifestBytes = await readFile(join(dir, 'manifest.json'));
  if (manifestBytes.length > MAX_MANIFEST_BYTES) throw broken('manifest.json is too large');
  const mediaType = (JSON.parse(manifestBytes.toString('utf8')) as { mediaType?: string }).mediaType;
  const parsed = parseManifest(manifestBytes, mediaType ?? '');
  if (parsed.kind !== 'image') throw broken('manifest.json is an index');
  const { manifest: exported } = parsed;
  const configBytes = await readChecked(dir, exported.config, MAX_CONFIG_BYTES);
  const config = parseImageConfig(configBytes);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== exported.layers.length) throw broken(`${exported.layers.length} layers for ${diffIds.length} diff_ids`);

  const known = new Map<string, Descriptor>();
  for (const base of o.bases) {
    base.config.rootfs.diff_ids.forEach((d, i) => {
      const layer = base.manifest.layers[i];
      if (layer) known.set(d, convertLayer(layer, o.format));
    });
  }
  const slots: Array<Descriptor | number> = [];
  const inputs: LayerInput[] = [];
  for (const [i, layer] of exported.layers.entries()) {
    const reuse = known.get(diffIds[i]!);
    if (reuse && (await o.storage.exists(reuse))) {
      slots.push(reuse);
      continue;
    }
    if (layer.digest !== diffIds[i]) throw broken(`layer ${i + 1} is ${layer.digest}, the config says ${diffIds[i]}`);
    const path = join(dir, digestHex(layer.digest));
    if ((await stat(path)).size !== layer.size) throw broken(`layer ${i + 1} has the wrong size`);
    slots.push(inputs.length);
    inputs.push({ name: `layer ${i + 1}`, kind: 'tar', open: () => createReadStream(path), trusted: true });
  }
  const prepared = await prepareLayers(inputs, {
    ...(o.tmpDir ? { tmpDir: o.tmpDir } : {}),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  try {
    for (const [n, l] of prepared.layers.entries()) {
      const expected = exported.layers[slots.indexOf(n)]!.digest;
      if (l.diffId !== expected) throw broken(`layer ${l.name} reads as ${l.diffId}, expected ${expected}`);
    }
    const committed = await commitLayers(o.storage, prepared.layers, LAYER_TYPE[o.format], o.signal);
    const layers = slots.map((s) => (typeof s === 'number' ? committed[s]! : s));
    const { manifestDescriptor, configDesc, manifest } = await writeManifest({
      storage: o.storage,
      ...(o.tagger ? { tagger: o.tagger } : {}),
      configBytes,
      layers,
      format: o.format,
      tags: o.tags,
    });
    return {
      manifestDescriptor,
      configDigest: configDesc.digest,
      layers: prepared.layers.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId })),
      manifest,
      config,
      tags: [...o.tags],
    };
  } finally {
    await prepared.cleanup();
  }
}
