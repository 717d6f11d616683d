// Write test images as an OCI image layout directory (single-platform or multi-arch index with an attestation).
import { createHash } from 'node:crypto';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTarGzLayer } from './layers.mjs';

export const MT = Object.freeze({
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
});

/**
 * @typedef {import('./layers.mjs').LayerContent} LayerContent
 * @typedef {import('./layers.mjs').LayerBlob} LayerBlob
 * @typedef {{ os: string, architecture: string, variant?: string }} Platform
 * @typedef {{ mediaType: string, digest: string, size: number, platform?: Platform, annotations?: Record<string, string> }} Descriptor
 * @typedef {{
 *   layers?: number[], count?: number, size?: number, totalSize?: number, content?: LayerContent, gzipLevel?: number,
 *   multiArch?: boolean, attestation?: boolean, format?: 'oci' | 'v2s2', platforms?: Platform[], concurrency?: number, labels?: Record<string, string>,
 * }} ImageSpec
 *   layers: uncompressed content size of each layer (one data file per layer); or count + size; or totalSize split
 *   over count layers (default 1). Default: one 1 KiB layer. Tar headers add ~2 KiB per layer on top.
 *   content: 'random' (incompressible, default; gzipLevel defaults to 0 = stored) | 'pattern' | 'zero' (gzipLevel 6).
 *   multiArch: OCI index with linux/amd64, linux/arm64/v8 (+ an unknown/unknown attestation unless attestation:false;
 *   off by default for format 'v2s2' because skopeo cannot convert an in-toto layer to docker schema2).
 * @typedef {{ platform: Platform, digest: string, size: number, config: Descriptor, layers: LayerBlob[] }} BuiltImage
 * @typedef {{ dir: string, tag: string, digest: string, mediaType: string, size: number, images: BuiltImage[], attestation?: Descriptor }} BuiltLayout
 */

/** @param {unknown} obj */
function canonical(obj) {
  return Buffer.from(JSON.stringify(obj));
}

/**
 * Store a JSON blob, returning its descriptor.
 * @param {string} dir @param {string} mediaType @param {unknown} obj
 * @returns {Promise<Descriptor>}
 */
export async function writeJsonBlob(dir, mediaType, obj) {
  const data = canonical(obj);
  const hex = createHash('sha256').update(data).digest('hex');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'blobs', 'sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: data.length };
}

/**
 * Run async jobs with bounded concurrency, keeping order.
 * @template T @param {(() => Promise<T>)[]} jobs @param {number} n @returns {Promise<T[]>}
 */
async function limit(jobs, n) {
  /** @type {T[]} */ const out = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(n, jobs.length)) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await /** @type {() => Promise<T>} */ (jobs[i])();
      }
    }),
  );
  return out;
}

/** @param {ImageSpec} spec */
function layerSizes(spec) {
  if (spec.layers) return spec.layers;
  const total = spec.totalSize;
  if (total !== undefined) {
    const n = Math.max(1, spec.count ?? 1);
    const each = Math.floor(total / n);
    return Array.from({ length: n }, (_, i) => (i === n - 1 ? total - each * (n - 1) : each));
  }
  if (spec.count !== undefined) return Array.from({ length: spec.count }, () => spec.size ?? 1024);
  return [spec.size ?? 1024];
}

/**
 * Build one image (layers, config, manifest) into the layout.
 * @param {string} dir @param {Platform} platform @param {ImageSpec} spec @param {string} salt
 * @returns {Promise<BuiltImage>}
 */
async function buildImage(dir, platform, spec, salt) {
  const content = spec.content ?? 'random';
  const gzipLevel = spec.gzipLevel ?? (content === 'random' ? 0 : 6);
  const sizes = layerSizes(spec);
  const plat = `${platform.os}-${platform.architecture}${platform.variant ? `-${platform.variant}` : ''}`;
  const layers = await limit(
    sizes.map(
      (size, i) => () =>
        writeTarGzLayer(
          dir,
          [
            { path: `layer${i}/${plat}.txt`, size: 0, content: 'zero' },
            { path: `layer${i}/data.bin`, size, content },
          ],
          { gzipLevel, salt: `${salt}/${plat}/${i}` },
        ),
    ),
    spec.concurrency ?? 2,
  );
  const config = {
    created: '2024-01-01T00:00:00Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/bin/sh'],
      Labels: { 'hubctl.test.salt': salt, ...(spec.labels ?? {}) },
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `hubctl test layer ${i}` })),
  };
  const configDesc = await writeJsonBlob(dir, MT.ociConfig, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: configDesc,
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const m = await writeJsonBlob(dir, MT.ociManifest, manifest);
  return { platform, digest: m.digest, size: m.size, config: configDesc, layers };
}

/**
 * Write an attestation-like manifest (platform unknown/unknown) referring to `subject`, buildx style.
 * @param {string} dir @param {Descriptor} subject
 */
async function buildAttestation(dir, subject) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    subject: [{ name: 'hubctl-test', digest: { sha256: subject.digest.slice(7) } }],
    predicate: {},
  };
  const layer = await writeJsonBlob(dir, MT.inToto, statement);
  const config = await writeJsonBlob(dir, MT.ociConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  });
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config,
    layers: [{ ...layer, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
  };
  const m = await writeJsonBlob(dir, MT.ociManifest, manifest);
  return {
    ...m,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': subject.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
}

/**
 * Write an OCI image layout at `dir` with `tag` in index.json (added to any existing entries).
 * @param {string} dir @param {string} tag @param {ImageSpec} [spec]
 * @returns {Promise<BuiltLayout>}
 */
export async function writeImageLayout(dir, tag, spec = {}) {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const salt = `${tag}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const platforms =
    spec.platforms ??
    (spec.multiArch
      ? [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64', variant: 'v8' },
        ]
      : [{ os: 'linux', architecture: 'amd64' }]);
  /** @type {BuiltImage[]} */ const images = [];
  for (const p of platforms) images.push(await buildImage(dir, p, spec, salt));
  /** @type {Descriptor} */ let root;
  /** @type {Descriptor | undefined} */ let attestation;
  if (spec.multiArch || spec.platforms) {
    /** @type {Descriptor[]} */ const manifests = images.map((i) => ({
      mediaType: MT.ociManifest,
      digest: i.digest,
      size: i.size,
      platform: i.platform,
    }));
    if (spec.multiArch && (spec.attestation ?? spec.format !== 'v2s2')) {
      attestation = await buildAttestation(dir, /** @type {Descriptor} */ (manifests[0]));
      manifests.push(attestation);
    }
    root = await writeJsonBlob(dir, MT.ociIndex, { schemaVersion: 2, mediaType: MT.ociIndex, manifests });
  } else {
    const i = /** @type {BuiltImage} */ (images[0]);
    root = { mediaType: MT.ociManifest, digest: i.digest, size: i.size };
  }
  const indexFile = join(dir, 'index.json');
  /** @type {{ schemaVersion: number, manifests: Descriptor[] }} */ let index = { schemaVersion: 2, manifests: [] };
  try {
    index = JSON.parse(await readFile(indexFile, 'utf8'));
  } catch {
    /* new layout */
  }
  index.manifests = index.manifests.filter((d) => d.annotations?.['org.opencontainers.image.ref.name'] !== tag);
  index.manifests.push({ ...root, annotations: { 'org.opencontainers.image.ref.name': tag } });
  await writeFile(indexFile, JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: index.manifests }));
  return { dir, tag, digest: root.digest, mediaType: root.mediaType, size: root.size, images, attestation };
}
