import type { FetchOptions } from '../content/types.js';
import { integrityError, notFoundError } from '../errors.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseImageConfig, parseManifest } from '../oci/manifest.js';
import { hostPlatform, selectPlatform } from '../oci/platform.js';
import type { Descriptor, Platform } from '../oci/types.js';
import type { BaseImage, BaseImageSource } from './types.js';

/** What a BaseImageSource needs from a local store: tag lookup and small-blob reads. */
export interface ManifestReader {
  /** The descriptor a reference (full normalized string) is tagged with; undefined when absent. */
  resolve(ref: string): Promise<Descriptor | undefined>;
  /** A manifest or config read whole and verified against its descriptor. */
  fetchBytes(desc: Descriptor, limit: number, options?: FetchOptions): Promise<Buffer>;
}

/**
 * A BaseImageSource over a store: resolves the tag, picks the wanted platform from an index (the
 * host's when none is wanted), then reads the image manifest and its config.
 */
export function baseImageSource(store: ManifestReader): BaseImageSource {
  return {
    async getBaseImage(ref: string, platform?: Platform): Promise<BaseImage> {
      const found = await store.resolve(ref);
      if (found === undefined) {
        throw notFoundError('BASE_IMAGE_NOT_FOUND', `the base image ${ref} is not in the local store`, {
          hint: `pull it first: hubctl pull ${ref}`,
        });
      }
      let desc = found;
      let parsed = parseManifest(await store.fetchBytes(desc, MAX_MANIFEST_BYTES), desc.mediaType);
      if (parsed.kind === 'index') {
        desc = selectPlatform(parsed.manifest.manifests, platform ?? hostPlatform(), ref);
        parsed = parseManifest(await store.fetchBytes(desc, MAX_MANIFEST_BYTES), desc.mediaType);
        if (parsed.kind !== 'image')
          throw integrityError('UNSUPPORTED_MANIFEST', `${ref}: an index inside an index is not supported as a base image`);
      }
      const manifest = parsed.manifest;
      const config = parseImageConfig(await store.fetchBytes(manifest.config, MAX_CONFIG_BYTES));
      if (config.rootfs.diff_ids.length !== manifest.layers.length) {
        throw integrityError(
          'INVALID_BASE_IMAGE',
          `${ref}: the config lists ${config.rootfs.diff_ids.length} diff_ids for ${manifest.layers.length} layers`,
        );
      }
      return { ref, manifestDescriptor: desc, manifest, config };
    },
  };
}
