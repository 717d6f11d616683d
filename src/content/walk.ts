import { isValidDigest } from '../digest/digest.js';
import { isHubctlError } from '../errors.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { defaultSuccessors, type SuccessorRole, type SuccessorsHook } from './successors.js';

/** What a read-only walk reads: presence, and manifests whole (verified against their descriptor). */
export interface WalkSource {
  exists(desc: Descriptor): Promise<boolean>;
  fetchBytes(desc: Descriptor, limit: number): Promise<Buffer>;
}

export interface MissingBlob {
  digest: string;
  mediaType: string;
  /** Digest of the manifest or index that references it (undefined for a root). */
  parent: string | undefined;
  /** Children of an index (platforms not pulled) and foreign layers with `urls` may be absent. */
  optional: boolean;
  role?: SuccessorRole;
}

export interface GraphWalk {
  /** Every digest referenced from the roots, present or not. */
  reachable: Set<string>;
  missing: MissingBlob[];
  /** Manifests that are present but unreadable (bad JSON, wrong digest). */
  invalid: { digest: string; error: string }[];
  /** The descriptors present (manifests: and readable), each once, successors before their manifest, as a copy writes them. */
  present: Descriptor[];
}

export interface WalkOptions {
  /** Which successors to follow (default: all, see successorsOf). */
  successors?: SuccessorsHook;
  /** Called once for each manifest read, before its successors are visited. */
  onManifest?: (desc: Descriptor, parsed: ParsedManifest) => void | Promise<void>;
}

/**
 * Visits the graph under `roots` without copying anything, on the same successor rule as copyGraph:
 * each descriptor once, manifests read and followed. For gc's mark phase, tag's completeness check,
 * store validation, mount candidates and archive plans. Presence errors other than "absent" are thrown;
 * unreadable manifests are listed in `invalid` (their successors cannot be known).
 */
export async function walkGraph(source: WalkSource, roots: readonly Descriptor[], options: WalkOptions = {}): Promise<GraphWalk> {
  const result: GraphWalk = { reachable: new Set(), missing: [], invalid: [], present: [] };
  const visited = new Set<string>();
  const successors = options.successors ?? defaultSuccessors;

  const visit = async (desc: Descriptor, parent: string | undefined, optional: boolean, role?: SuccessorRole): Promise<void> => {
    result.reachable.add(desc.digest);
    if (visited.has(desc.digest)) return;
    visited.add(desc.digest);
    // a digest that is not one (`sha256:../../etc/passwd`, written by another tool) names no blob here
    if (!isValidDigest(desc.digest) || !(await source.exists(desc))) {
      result.missing.push({ digest: desc.digest, mediaType: desc.mediaType, parent, optional, ...(role ? { role } : {}) });
      return;
    }
    if (!isManifestType(desc.mediaType)) {
      result.present.push(desc);
      return;
    }
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(await source.fetchBytes(desc, MAX_MANIFEST_BYTES), desc.mediaType);
    } catch (e) {
      result.invalid.push({ digest: desc.digest, error: isHubctlError(e) || e instanceof Error ? e.message : String(e) });
      return;
    }
    await options.onManifest?.(desc, parsed);
    for (const s of await successors(desc, parsed)) await visit(s.descriptor, desc.digest, s.optional, s.role);
    result.present.push(desc);
  };

  for (const root of roots) await visit(root, undefined, false);
  return result;
}
