import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { interrupted } from './abort.js';
import { runPool } from './pool.js';
import type { Fetcher, ProgressEvent, Storage } from './types.js';

export type BlobEvent =
  | { type: 'exists'; descriptor: Descriptor }
  | { type: 'start'; descriptor: Descriptor }
  | { type: 'progress'; descriptor: Descriptor; progress: ProgressEvent }
  | { type: 'done'; descriptor: Descriptor };

export interface CopyOptions {
  /** Blobs transferred at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onBlob?: (event: BlobEvent) => void;
  /** For an index: which child manifests to copy (default all). */
  selectChildren?: (index: Descriptor[]) => Descriptor[];
}

export interface CopyResult {
  /** Blobs that were transferred (not already present). */
  transferred: number;
  bytes: number;
}

/** The descriptors a manifest points to: config then layers, or the child manifests of an index. */
export function childrenOf(parsed: ParsedManifest): Descriptor[] {
  return parsed.kind === 'index' ? parsed.manifest.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
}

/**
 * Copies the graph under `root` from `src` to `dst`, children before parents: layers and config,
 * then each manifest, then the index. Nothing is tagged here: the caller tags once the whole graph is
 * present, so an interrupted copy never leaves a tag pointing at missing content.
 */
export async function copyGraph(
  src: Fetcher,
  dst: Storage,
  root: Descriptor,
  rootBytes: Buffer | undefined,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const result: CopyResult = { transferred: 0, bytes: 0 };
  await copyNode(src, dst, root, rootBytes, options, result);
  return result;
}

async function copyNode(
  src: Fetcher,
  dst: Storage,
  desc: Descriptor,
  knownBytes: Buffer | undefined,
  options: CopyOptions,
  result: CopyResult,
): Promise<void> {
  const signal = options.signal;
  if (signal?.aborted) throw interrupted();
  const bytes = knownBytes ?? (await src.fetchBytes(desc, MAX_MANIFEST_BYTES, signal ? { signal } : {}));
  const parsed = parseManifest(bytes, desc.mediaType);
  if (parsed.kind === 'index') {
    const children = options.selectChildren ? options.selectChildren(parsed.manifest.manifests) : parsed.manifest.manifests;
    for (const child of children) {
      if (!isManifestType(child.mediaType)) continue;
      await copyNode(src, dst, child, undefined, options, result);
    }
  } else {
    const { config, layers } = parsed.manifest;
    await runPool(layers, options.concurrency ?? 4, (layer) => copyBlob(src, dst, layer, options, result), signal);
    if (!(await dst.exists(config, signal ? { signal } : {}))) {
      const configBytes = await src.fetchBytes(config, MAX_CONFIG_BYTES, signal ? { signal } : {});
      await dst.putBytes(config, configBytes, signal ? { signal } : {});
      result.transferred++;
      result.bytes += config.size;
    }
  }
  if (!(await dst.exists(desc))) await dst.putBytes(desc, bytes, signal ? { signal } : {});
}

async function copyBlob(src: Fetcher, dst: Storage, desc: Descriptor, options: CopyOptions, result: CopyResult): Promise<void> {
  const signal = options.signal;
  if (await dst.exists(desc, signal ? { signal } : {})) {
    options.onBlob?.({ type: 'exists', descriptor: desc });
    return;
  }
  options.onBlob?.({ type: 'start', descriptor: desc });
  await dst.ingest(desc, (offset, sig) => src.open(desc, offset, sig ? { signal: sig } : signal ? { signal } : {}), {
    ...(signal ? { signal } : {}),
    onProgress: (progress) => options.onBlob?.({ type: 'progress', descriptor: desc, progress }),
  });
  result.transferred++;
  result.bytes += desc.size;
  options.onBlob?.({ type: 'done', descriptor: desc });
}
