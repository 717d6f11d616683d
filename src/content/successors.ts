import type { ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';

/** What a successor is to its manifest: how copies report it (docker shows layers) and read it (manifests are parsed). */
export type SuccessorRole = 'manifest' | 'config' | 'layer' | 'blob';

/** One child of a manifest in the image graph. */
export interface Successor {
  descriptor: Descriptor;
  role: SuccessorRole;
  /**
   * May be absent without the graph being broken: an index's children (a platform not pulled, an
   * attestation) and foreign layers (fetched from their `urls`, never pushed).
   */
  optional: boolean;
}

/**
 * Chooses the successors a copy or walk follows below a manifest (platform choice, foreign layers
 * left out, another order). The default is `successorsOf`.
 */
export type SuccessorsHook = (node: Descriptor, parsed: ParsedManifest) => Successor[] | Promise<Successor[]>;

/** A layer that lives elsewhere (Windows base layers): it has `urls` and is never pushed. */
export const isForeignLayer = (d: Descriptor): boolean => d.urls !== undefined && d.urls.length > 0;

/**
 * The one rule for what a manifest points to: an index's manifests (optional: a store keeps only the
 * platforms pulled), else an image's layers (base first) and then its config. Entries of an index
 * that are not manifests are plain blobs.
 */
export function successorsOf(parsed: ParsedManifest): Successor[] {
  if (parsed.kind === 'index') {
    return parsed.manifest.manifests.map((d) => ({
      descriptor: d,
      role: isManifestType(d.mediaType) ? 'manifest' : 'blob',
      optional: true,
    }));
  }
  const { config, layers } = parsed.manifest;
  return [
    ...layers.map((d): Successor => ({ descriptor: d, role: 'layer', optional: isForeignLayer(d) })),
    { descriptor: config, role: 'config', optional: false },
  ];
}

export const defaultSuccessors: SuccessorsHook = (_node, parsed) => successorsOf(parsed);

export interface FollowOptions {
  /** Which of an index's children to follow (default all): a platform, the runnable ones. */
  select?: (manifests: Descriptor[]) => Descriptor[];
  /** Leave foreign layers out, as docker, crane and skopeo do when they write to a registry. */
  dropForeignLayers?: boolean;
  /** Layers top first (docker pushes the top layer first); default base first. */
  topLayerFirst?: boolean;
}

/**
 * A hook for copies whose source holds the whole graph (a registry) or must (a push): the chosen
 * children of an index are required, so an absent one is an error rather than skipped.
 */
export function requiredSuccessors(options: FollowOptions = {}): SuccessorsHook {
  const isChild = (s: Successor) => s.role === 'manifest' || s.role === 'blob';
  return (_node, parsed) => {
    let own = successorsOf(parsed);
    if (options.select && own.some(isChild)) {
      const keep = new Set(options.select(own.map((s) => s.descriptor)).map((d) => d.digest));
      own = own.filter((s) => keep.has(s.descriptor.digest));
    }
    own = own.map((s) => (isChild(s) ? { ...s, optional: false } : s));
    if (options.dropForeignLayers) own = own.filter((s) => !(s.role === 'layer' && isForeignLayer(s.descriptor)));
    if (!options.topLayerFirst) return own;
    return [...own.filter((s) => s.role === 'layer').reverse(), ...own.filter((s) => s.role !== 'layer')];
  };
}
