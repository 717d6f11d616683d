import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import type { Descriptor } from '../oci/types.js';
import type { BlobStore } from './blobs.js';

// The store's graph walks (gc's mark, tag's completeness check, validate) are content's read-only walk.
export { walkGraph, type GraphWalk, type MissingBlob } from '../content/walk.js';

/** Reads and parses a manifest or index blob from the store (verified against its descriptor). */
export async function readManifest(blobs: BlobStore, desc: Descriptor): Promise<ParsedManifest> {
  const bytes = await blobs.fetchBytes(desc, MAX_MANIFEST_BYTES);
  return parseManifest(bytes, desc.mediaType);
}
