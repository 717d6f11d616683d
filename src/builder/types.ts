import type { Readable } from 'node:stream';
import type { Descriptor, ImageConfig, ImageManifest, Platform } from '../oci/types.js';

/** Records a tag for a manifest (the local store's `tag`). `ref` is a full normalized reference. */
export interface Tagger {
  tag(ref: string, desc: Descriptor): Promise<void>;
}

/** A base image resolved for a build: its manifest, its parsed config and the manifest's descriptor. */
export interface BaseImage {
  /** The reference the base was resolved from (for messages and history); 'scratch' is not a BaseImage. */
  ref: string;
  manifestDescriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
}

/**
 * Gives a build the base image named in `--from` or a Dockerfile FROM, for the wanted platform
 * (undefined: the host's or the only one). The store answers from its index; the CLI may pull first.
 * Its layer blobs must already be present in the build's Storage.
 */
export interface BaseImageSource {
  getBaseImage(ref: string, platform?: Platform): Promise<BaseImage>;
}

/** People-facing lines (progress, warnings, docker-like step output). The library never prints. */
export type BuildLog = (line: string) => void;

/**
 * One layer to build: a raw byte stream that is an uncompressed tar or a gzipped tar.
 * `open` may be called more than once (each call gives a fresh stream from the start).
 */
export interface LayerInput {
  /** Name used in errors (`layer.tar`, `Dockerfile:4 COPY`). */
  name: string;
  /** Whether `open()` yields an uncompressed tar or gzip-compressed bytes. */
  kind: 'tar' | 'gzip';
  open(): Readable;
  /** For 'gzip' sources that are files: the file itself can be stored as the blob without copying. */
  filePath?: string;
  /** History `created_by` for this layer. */
  createdBy?: string;
  /**
   * A layer made by a container engine from the user's own build (buildah): not checked against the
   * archive safety rules, which are for tars from elsewhere (a RUN may well leave a relative symlink
   * that climbs above /, which a container resolves at its root).
   */
  trusted?: boolean;
}

/** A layer once written: the compressed blob and the digest of the uncompressed tar. */
export interface BuiltLayer {
  digest: string;
  size: number;
  diffId: string;
}

export type ImageFormat = 'oci' | 'docker';
