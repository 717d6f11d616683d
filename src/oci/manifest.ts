import { integrityError } from '../errors.js';
import { isValidDigest } from '../digest/digest.js';
import { MediaType, baseMediaType, isImageManifestType, isIndexType } from './media-types.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from './types.js';

/** Registries must accept manifests of 4 MiB; hubctl refuses anything larger. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Image configs are larger than manifests at times, but not unboundedly. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; manifest: ImageIndex };

/**
 * Parses and validates a manifest body. `contentType` is the registry's Content-Type (parameters
 * ignored); the body's own `mediaType` wins when present, and they must agree.
 */
export function parseManifest(body: Uint8Array | string, contentType?: string): ParsedManifest {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('the manifest is not valid JSON');
  }
  if (!isObject(json)) throw invalid('the manifest is not a JSON object');
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const header = baseMediaType(contentType);
  if (json.schemaVersion === 1 || header === MediaType.DockerSchema1Signed || header === MediaType.DockerSchema1) {
    throw integrityError('UNSUPPORTED_MANIFEST', 'the registry sent a Docker schema 1 manifest, which hubctl does not support', {
      hint: 'schema 1 images were removed from Docker in v28.2; push the image again with a current client',
    });
  }
  if (json.schemaVersion !== 2) throw invalid(`unsupported schemaVersion ${JSON.stringify(json.schemaVersion)}`);
  if (declared !== undefined && header !== undefined && isKnown(header) && declared !== header) {
    throw invalid(`the body says mediaType "${declared}" but the registry sent Content-Type "${header}"`);
  }
  let mediaType = declared ?? (header !== undefined && isKnown(header) ? header : undefined);
  if (mediaType === undefined) mediaType = Array.isArray(json.manifests) ? MediaType.OciIndex : MediaType.OciManifest;

  if (isIndexType(mediaType)) {
    if (!Array.isArray(json.manifests)) throw invalid('the index has no "manifests" array');
    json.manifests.forEach((d, i) => {
      checkDescriptor(d, `manifests[${i}]`);
    });
    return { kind: 'index', mediaType, manifest: json as unknown as ImageIndex };
  }
  if (isImageManifestType(mediaType)) {
    checkDescriptor(json.config, 'config');
    if (!Array.isArray(json.layers)) throw invalid('the manifest has no "layers" array');
    json.layers.forEach((d, i) => {
      checkDescriptor(d, `layers[${i}]`);
    });
    return { kind: 'image', mediaType, manifest: json as unknown as ImageManifest };
  }
  throw integrityError('UNSUPPORTED_MANIFEST', `unsupported manifest media type "${mediaType}"`, {
    hint: 'hubctl reads Docker schema2 manifests and lists, and OCI manifests and indexes',
  });
}

export function parseImageConfig(body: Uint8Array | string): ImageConfig {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidConfig('the image config is not valid JSON');
  }
  if (!isObject(json)) throw invalidConfig('the image config is not a JSON object');
  const rootfs = json.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every((d) => typeof d === 'string')) {
    throw invalidConfig('the image config has no rootfs.diff_ids list');
  }
  if (typeof json.architecture !== 'string' || typeof json.os !== 'string') {
    throw invalidConfig('the image config lacks "architecture" or "os"');
  }
  return json as unknown as ImageConfig;
}

function isKnown(t: string): boolean {
  return isIndexType(t) || isImageManifestType(t);
}

function checkDescriptor(d: unknown, where: string): asserts d is Descriptor {
  if (!isObject(d)) throw invalid(`${where} is not a descriptor object`);
  if (typeof d.mediaType !== 'string' || d.mediaType === '') throw invalid(`${where} has no mediaType`);
  if (typeof d.digest !== 'string' || !isValidDigest(d.digest)) throw invalid(`${where} has an invalid digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`${where} has an invalid size`);
  if (d.platform !== undefined) {
    const p = d.platform;
    if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
      throw invalid(`${where} has an invalid platform`);
    }
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(why: string) {
  return integrityError('MANIFEST_INVALID', `invalid manifest: ${why}`);
}

function invalidConfig(why: string) {
  return integrityError('CONFIG_INVALID', `invalid image config: ${why}`);
}
