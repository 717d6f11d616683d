import { promises as fsp } from 'node:fs';
import { type HubctlError, storeError, usageError } from '../errors.js';
import { MediaType } from '../oci/media-types.js';
import { isObject } from '../oci/manifest.js';
import { REF_NAME_ANNOTATION, type Descriptor, type ImageIndex } from '../oci/types.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Where a hubctl ref name goes when it is not a valid OCI `ref.name` (never for normalized
 * docker references, which the grammar below accepts, digest references included).
 */
export const HUBCTL_REF_NAME_ANNOTATION = 'io.hubctl.ref.name';

/**
 * On an entry that holds one platform of an index (a pull of `repo@sha256:<index>` for this machine):
 * the index's digest. Only pull writes it, after fetching the index by that digest and checking it.
 */
export const INDEX_DIGEST_ANNOTATION = 'io.hubctl.index.digest';

/** docker's refusal of `docker tag SRC repo@sha256:…`, and of such a name in an archive's RepoTags. */
export function digestTagRefused(name: string, where = ''): HubctlError {
  return usageError('DIGEST_TAG_REFUSED', `refusing to create a tag with a digest reference${where}: ${name}`, {
    hint: 'a digest names content and cannot be pointed at an image; give NAME:TAG',
  });
}

/** The digest a stored name claims (`…@sha256:x`), or undefined for a tag. */
export function digestOfName(name: string): string | undefined {
  const at = name.lastIndexOf('@');
  return at < 0 ? undefined : name.slice(at + 1);
}

/**
 * Whether an entry really holds what its name's digest names: the entry's own digest, or (one platform
 * pulled from an index by digest) the index digest pull recorded. Names without a digest always match.
 */
export function entryMatchesName(name: string, d: Descriptor): boolean {
  const digest = digestOfName(name);
  return digest === undefined || d.digest === digest || d.annotations?.[INDEX_DIGEST_ANNOTATION] === digest;
}

/**
 * The OCI image-spec grammar for `org.opencontainers.image.ref.name` (annotations.md):
 *   ref := component ("/" component)* ; component := alphanum (separator alphanum)* ;
 *   alphanum := [A-Za-z0-9]+ ; separator := [-._:@+] | "--"
 * `docker.io/library/centos:latest` and `docker.io/library/centos@sha256:<hex>` both match, and
 * skopeo's `oci:` transport validates image names with the same expression.
 */
const OCI_REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

export function isValidOciRefName(name: string): boolean {
  return OCI_REF_NAME.test(name);
}

/** Normalizes user input (`centos`, `user/repo:1`, `host:5000/x@sha256:..`) to the stored ref name. */
export function normalizeRefName(ref: string): string {
  return formatReference(parseReference(ref));
}

/** The ref name of an index.json entry (ref.name, or hubctl's fallback annotation). */
export function entryRefName(d: Descriptor): string | undefined {
  return d.annotations?.[REF_NAME_ANNOTATION] ?? d.annotations?.[HUBCTL_REF_NAME_ANNOTATION];
}

/** The index.json entry for `refName` pointing at `desc` (annotations other than ref names kept). */
export function makeEntry(refName: string, desc: Descriptor): Descriptor {
  const annotations: Record<string, string> = { ...(desc.annotations ?? {}) };
  delete annotations[REF_NAME_ANNOTATION];
  delete annotations[HUBCTL_REF_NAME_ANNOTATION];
  annotations[isValidOciRefName(refName) ? REF_NAME_ANNOTATION : HUBCTL_REF_NAME_ANNOTATION] = refName;
  const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
  if (desc.platform !== undefined) entry.platform = desc.platform;
  if (desc.artifactType !== undefined) entry.artifactType = desc.artifactType;
  if (desc.urls !== undefined) entry.urls = desc.urls;
  entry.annotations = annotations;
  return entry;
}

export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
}

export function serializeIndex(index: ImageIndex): string {
  return `${JSON.stringify(index)}\n`;
}

function corrupt(path: string, why: string, cause?: unknown) {
  return storeError('STORE_INDEX_CORRUPT', `the image store index ${path} is corrupt: ${why}`, {
    hint: `hubctl will not overwrite it; move it aside (mv ${path} ${path}.bad) to start an empty index, or restore it from a backup`,
    cause,
    details: { path },
  });
}

/** Parses and checks index.json text. */
export function parseIndex(text: string, path: string): ImageIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw corrupt(path, 'it is not valid JSON', e);
  }
  if (!isObject(json)) throw corrupt(path, 'it is not a JSON object');
  if (json.schemaVersion !== 2) throw corrupt(path, `schemaVersion is ${JSON.stringify(json.schemaVersion)}, expected 2`);
  if (!Array.isArray(json.manifests)) throw corrupt(path, 'it has no "manifests" array');
  json.manifests.forEach((d, i) => {
    if (!isObject(d) || typeof d.digest !== 'string' || typeof d.mediaType !== 'string' || typeof d.size !== 'number') {
      throw corrupt(path, `manifests[${i}] is not a descriptor`);
    }
    if (d.annotations !== undefined && !isObject(d.annotations)) throw corrupt(path, `manifests[${i}].annotations is not an object`);
  });
  return json as unknown as ImageIndex;
}

/** Reads index.json; a missing file reads as an empty index (it is created on the next write). */
export async function readIndexFile(path: string): Promise<ImageIndex> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
    throw storeError('STORE_READ_FAILED', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseIndex(text, path);
}

/** Atomic replace: temp + fsync + rename + fsync(dir). */
export async function writeIndexFile(path: string, index: ImageIndex): Promise<void> {
  await writeFileAtomic(path, serializeIndex(index));
}
