import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/types.js';

/** A stream of a blob's bytes starting at `offset` (0 when the source ignored the requested offset). */
export interface OpenedContent {
  stream: Readable;
  offset: number;
}

/** Receives a body's bytes as views of the source's read buffers; each view is the sink's until it calls `release`. */
export interface ChunkSink {
  chunk(view: Buffer, release: () => void): void;
}

/**
 * A body stream that can also hand its bytes over without copying (the raw blob reader in
 * src/http/raw-body.ts). `pump` resolves once every byte was handed to the sink.
 */
export interface PumpableStream extends Readable {
  pump(sink: ChunkSink): Promise<void>;
}

export function isPumpable(stream: Readable): stream is PumpableStream {
  return typeof (stream as Partial<PumpableStream>).pump === 'function';
}

/** Opens a blob from `offset`; a source that cannot seek answers with offset 0. */
export type ContentOpener = (offset: number, signal?: AbortSignal) => Promise<OpenedContent>;

export interface ProgressEvent {
  digest: string;
  /** Bytes of the blob now present (including bytes resumed from an earlier attempt). */
  current: number;
  total: number;
}

export interface FetchOptions {
  signal?: AbortSignal;
}

/** Something blobs and manifests can be read from. */
export interface Fetcher {
  /** Raw bytes of a blob or manifest, unverified; the caller verifies digest and size. */
  open(desc: Descriptor, offset?: number, options?: FetchOptions): Promise<OpenedContent>;
  /** A small blob (manifest, config) read whole, verified against the descriptor, capped at `limit`. */
  fetchBytes(desc: Descriptor, limit: number, options?: FetchOptions): Promise<Buffer>;
}

/** Something that can tell whether it already holds content. */
export interface ExistenceChecker {
  exists(desc: Descriptor, options?: FetchOptions): Promise<boolean>;
}

export interface IngestOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * The same content as a verified local file (the store's blob file, see Source.localFile): a
   * destination that can send a file itself (a registry upload) reads it instead of the stream.
   */
  file?: string;
}

/** Something content can be written to, verified on the way in. */
export interface Storage extends ExistenceChecker {
  /** Streams a blob in from `open`, checking digest and size; resumes from partial data it kept. */
  ingest(desc: Descriptor, open: ContentOpener, options?: IngestOptions): Promise<void>;
  /** Writes a small blob (manifest, config) given whole; checks the descriptor. */
  putBytes(desc: Descriptor, bytes: Uint8Array, options?: FetchOptions): Promise<void>;
  /**
   * Moves in a file the caller wrote and hashed itself (a built layer in the store's temp dir) by
   * renaming it, without reading it again. False when it cannot (another filesystem): then ingest.
   */
  adoptFile?(desc: Descriptor, path: string): Promise<boolean>;
}

/**
 * Where copyGraph reads from: a registry repository, the local store, a staged archive. Manifests
 * come whole through fetchBytes; blobs are opened as streams, which the destination pulls through
 * its ingest (so a raw, pumpable body reaches the store's pumpInto untouched).
 */
export interface Source extends Fetcher {
  /**
   * Whether the source can give the content; asked before copying an optional blob (a foreign
   * layer). Not Storage.exists: a store as a destination leases what it finds, as a source it only reads.
   */
  has?(desc: Descriptor, options?: FetchOptions): Promise<boolean>;
  /** The blob as a verified local file, when the source keeps it as one (the store); undefined otherwise. */
  localFile?(desc: Descriptor): string | undefined;
}

/**
 * Tries a cross-repository mount of `desc` from one of `from` (repositories of the same registry);
 * when the registry does not mount it, the content is sent from `open` in the same upload session.
 * Resolves with the repository mounted from, or undefined when the bytes were sent.
 */
export interface Mounter {
  mount(desc: Descriptor, from: readonly string[], open: ContentOpener, options?: IngestOptions): Promise<string | undefined>;
}

/** Where copyGraph writes to: the store, a registry repository, an archive being written. */
export interface Destination extends Storage, Partial<Mounter> {
  /**
   * A manifest present here has all its successors (a registry checks them when the manifest is
   * PUT), so a copy does not look below one it finds. Not the store: gc may remove blobs of a
   * manifest it is about to remove too.
   */
  readonly completeManifests?: boolean;
}
