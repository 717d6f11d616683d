import { usageError } from '../errors.js';
import { digestAlgorithm, digestHex, isValidDigest } from '../digest/digest.js';
import { isObject } from '../oci/manifest.js';

/** Files of a docker archive (`docker save`) and of an OCI image layout, at the archive root. */
export const DOCKER_MANIFEST_FILE = 'manifest.json';
export const DOCKER_REPOSITORIES_FILE = 'repositories';
export const OCI_LAYOUT_FILE = 'oci-layout';
export const OCI_INDEX_FILE = 'index.json';

/** containerd's (and docker ≥ 25 save's) annotation with the full image name on index.json entries. */
export const CONTAINERD_IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';

/** distribution's schema2 type for an uncompressed layer (docker save layers are uncompressed tars). */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

/** One entry of a docker archive's manifest.json. */
export interface DockerArchiveEntry {
  /** Path in the archive of the image config (`blobs/sha256/<hex>` or `<hex>.json`). */
  Config: string;
  /** Familiar names, `ubuntu:14.04`, `localhost:5000/x:1`; null or absent for untagged images. */
  RepoTags?: string[] | null;
  /** Paths in the archive of the layer tars, base first. */
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, unknown>;
}

/** `blobs/sha256/<hex>`: the blob's path in an OCI layout (and in docker ≥ 25 archives). */
export function blobEntryName(digest: string): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** The digest a `blobs/<alg>/<hex>` path names, or undefined. */
export function digestOfBlobEntry(name: string): string | undefined {
  const m = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
  if (!m) return undefined;
  const d = `${m[1]}:${m[2]}`;
  return isValidDigest(d) ? d : undefined;
}

function badArchive(why: string) {
  return usageError('INVALID_ARCHIVE', `the archive's ${DOCKER_MANIFEST_FILE} is invalid: ${why}`, {
    hint: 'load archives made by docker save, skopeo copy ... docker-archive:, or hubctl save',
  });
}

/** Parses and checks manifest.json. */
export function parseDockerArchiveManifest(text: string): DockerArchiveEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badArchive('it is not JSON');
  }
  if (!Array.isArray(json)) throw badArchive('it is not a list');
  return json.map((e, i) => {
    if (!isObject(e)) throw badArchive(`entry ${i} is not an object`);
    if (typeof e.Config !== 'string' || e.Config === '') throw badArchive(`entry ${i} has no Config`);
    if (!Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) throw badArchive(`entry ${i} has no Layers list`);
    if (
      e.RepoTags !== undefined &&
      e.RepoTags !== null &&
      (!Array.isArray(e.RepoTags) || !e.RepoTags.every((t) => typeof t === 'string'))
    ) {
      throw badArchive(`entry ${i} has an invalid RepoTags`);
    }
    return e as unknown as DockerArchiveEntry;
  });
}
