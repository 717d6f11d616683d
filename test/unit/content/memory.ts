// In-memory sources and destinations for copyGraph tests, and a small graph builder.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { notFoundError } from '../../../src/errors.js';
import type { ContentOpener, Destination, FetchOptions, IngestOptions, OpenedContent, Source } from '../../../src/content/types.js';
import type { Descriptor } from '../../../src/oci/types.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Content by digest; every read and write is logged. */
export class MemoryStore implements Source, Destination {
  readonly blobs = new Map<string, Buffer>();
  /** `put <digest>` / `ingest <digest>` / `mount <digest> <from>` in the order they completed. */
  readonly log: string[] = [];
  /** Transfers running now, and the most seen at once. */
  running = 0;
  maxRunning = 0;
  /** Held open until released (to test concurrency and abort). */
  gate: Promise<void> | undefined;
  /** Repositories mount() accepts; others fall back to ingest. */
  mountable = new Set<string>();
  /** When set, `mount` exists (a registry-like destination). */
  completeManifests?: boolean;
  failIngest: string | undefined;
  mount?: Destination['mount'];

  add(bytes: Buffer, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
    const desc = { mediaType, digest: sha(bytes), size: bytes.length, ...extra };
    this.blobs.set(desc.digest, bytes);
    return desc;
  }

  /** Turns on mount(): a cross-repository mount from any of `this.mountable`. */
  enableMount(): void {
    this.mount = async (desc, from, open, options) => {
      const source = from.find((r) => this.mountable.has(r));
      if (source !== undefined) {
        this.blobs.set(desc.digest, Buffer.alloc(0));
        this.log.push(`mount ${desc.digest} ${source}`);
        return source;
      }
      await this.ingest(desc, open, options);
      return undefined;
    };
  }

  async has(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  async open(desc: Descriptor, offset = 0): Promise<OpenedContent> {
    const b = this.blobs.get(desc.digest);
    if (b === undefined) throw notFoundError('BLOB_NOT_FOUND', `${desc.digest} absent`);
    return { stream: Readable.from([b.subarray(offset)]), offset };
  }

  async fetchBytes(desc: Descriptor, _limit: number, _options?: FetchOptions): Promise<Buffer> {
    const b = this.blobs.get(desc.digest);
    if (b === undefined) throw notFoundError('BLOB_NOT_FOUND', `${desc.digest} absent`);
    return b;
  }

  async putBytes(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    this.blobs.set(desc.digest, Buffer.from(bytes));
    this.log.push(`put ${desc.digest}`);
  }

  async ingest(desc: Descriptor, open: ContentOpener, options: IngestOptions = {}): Promise<void> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.gate) await this.gate;
      if (options.signal?.aborted) throw new Error('aborted');
      if (this.failIngest === desc.digest) throw notFoundError('BOOM', `cannot write ${desc.digest}`);
      const chunks: Buffer[] = [];
      for await (const c of (await open(0, options.signal)).stream) chunks.push(c as Buffer);
      const bytes = Buffer.concat(chunks);
      options.onProgress?.({ digest: desc.digest, current: bytes.length, total: desc.size });
      this.blobs.set(desc.digest, bytes);
      this.log.push(`ingest ${desc.digest}`);
    } finally {
      this.running--;
    }
  }
}

export interface Graph {
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
  shared: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** An index of two images (amd64, arm64) sharing their base layer and config, in `src`. */
export function buildGraph(src: MemoryStore, layerCount = 3): Graph {
  const shared = src.add(Buffer.from('base layer'), OCI_LAYER);
  const config = src.add(Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'), OCI_CONFIG);
  const layers: Descriptor[] = [];
  const image = (arch: string) => {
    const own = Array.from({ length: layerCount }, (_, i) => src.add(Buffer.from(`${arch} layer ${i}`), OCI_LAYER));
    layers.push(...own);
    const m = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [shared, ...own] };
    return src.add(Buffer.from(JSON.stringify(m)), OCI_MANIFEST, { platform: { os: 'linux', architecture: arch } });
  };
  const amd64 = image('amd64');
  const arm64 = image('arm64');
  const idx = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [amd64, arm64] };
  const index = src.add(Buffer.from(JSON.stringify(idx)), OCI_INDEX);
  return { index, amd64, arm64, shared, config, layers };
}
