import { isHubctlError } from '../errors.js';
import { isValidDigest } from '../digest/digest.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import type { BlobStore } from './blobs.js';

export interface MissingBlob {
  digest: string;
  mediaType: string;
  /** Digest of the manifest or index that references it (undefined for an index.json entry). */
  parent: string | undefined;
  /** Children of an index (platforms not pulled) and foreign layers with `urls` may be absent. */
  optional: boolean;
}

export interface GraphWalk {
  /** Every digest referenced from the roots, present or not. */
  reachable: Set<string>;
  missing: MissingBlob[];
  /** Manifests that are present but unreadable (bad JSON, wrong digest). */
  invalid: { digest: string; error: string }[];
}

/** Reads and parses a manifest or index blob from the store (verified against its descriptor). */
export async function readManifest(blobs: BlobStore, desc: Descriptor): Promise<ParsedManifest> {
  const bytes = await blobs.fetchBytes(desc, MAX_MANIFEST_BYTES);
  return parseManifest(bytes, desc.mediaType);
}

/** Walks manifests and indexes from `roots`: their config, layers and child manifests. */
export async function walkGraph(blobs: BlobStore, roots: readonly Descriptor[]): Promise<GraphWalk> {
  const result: GraphWalk = { reachable: new Set(), missing: [], invalid: [] };
  const visited = new Set<string>();

  const visit = async (desc: Descriptor, parent: string | undefined, optional: boolean): Promise<void> => {
    result.reachable.add(desc.digest);
    if (visited.has(desc.digest)) return;
    visited.add(desc.digest);
    // a digest that is not one (`sha256:../../etc/passwd`, written by another tool) names no blob here
    const present = isValidDigest(desc.digest) && (await blobs.exists(desc));
    if (!present) {
      result.missing.push({ digest: desc.digest, mediaType: desc.mediaType, parent, optional });
      return;
    }
    if (!isManifestType(desc.mediaType)) return;
    let parsed: ParsedManifest;
    try {
      parsed = await readManifest(blobs, desc);
    } catch (e) {
      result.invalid.push({ digest: desc.digest, error: isHubctlError(e) || e instanceof Error ? e.message : String(e) });
      return;
    }
    if (parsed.kind === 'index') {
      for (const child of parsed.manifest.manifests) await visit(child, desc.digest, true);
    } else {
      await visit(parsed.manifest.config, desc.digest, false);
      for (const layer of parsed.manifest.layers) {
        await visit(layer, desc.digest, layer.urls !== undefined && layer.urls.length > 0);
      }
    }
  };

  for (const root of roots) await visit(root, undefined, false);
  return result;
}
