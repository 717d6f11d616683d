import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentOpener, Storage } from '../../../src/content/types.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../../../src/oci/types.js';
import type { BaseImage, BaseImageSource, Tagger } from '../../../src/builder/types.js';
import { parseImageConfig, parseManifest } from '../../../src/oci/manifest.js';

/** In-memory Storage + Tagger that verifies digests like the real store; optionally mirrors an OCI layout. */
export class FakeStore implements Storage, Tagger, BaseImageSource {
  readonly blobs = new Map<string, Buffer>();
  readonly tags = new Map<string, Descriptor>();
  readonly writes: string[] = [];

  constructor(private readonly layoutDir?: string) {}

  async exists(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  async ingest(desc: Descriptor, open: ContentOpener): Promise<void> {
    const { stream } = await open(0);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    await this.putBytes(desc, Buffer.concat(chunks));
  }

  async putBytes(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (digest !== desc.digest || bytes.length !== desc.size) throw new Error(`digest/size mismatch for ${desc.digest}`);
    this.blobs.set(digest, Buffer.from(bytes));
    this.writes.push(digest);
    if (this.layoutDir) {
      await mkdir(join(this.layoutDir, 'blobs', 'sha256'), { recursive: true });
      await writeFile(join(this.layoutDir, 'blobs', 'sha256', digest.slice(7)), bytes);
    }
  }

  async tag(ref: string, desc: Descriptor): Promise<void> {
    this.tags.set(ref, desc);
    if (this.layoutDir) {
      const manifests = [...this.tags].map(([r, d]) => ({ ...d, annotations: { 'org.opencontainers.image.ref.name': r } }));
      await writeFile(join(this.layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      await writeFile(join(this.layoutDir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
    }
  }

  async getBaseImage(ref: string): Promise<BaseImage> {
    const desc = this.tags.get(ref);
    if (!desc) throw new Error(`no base ${ref}`);
    const parsed = parseManifest(this.blobs.get(desc.digest)!, desc.mediaType);
    if (parsed.kind !== 'image') throw new Error('not an image manifest');
    const manifest = parsed.manifest;
    const config = parseImageConfig(this.blobs.get(manifest.config.digest)!);
    return { ref, manifestDescriptor: desc, manifest, config };
  }

  async resolve(ref: string): Promise<Descriptor | undefined> {
    return this.tags.get(ref);
  }

  async fetchBytes(desc: Descriptor): Promise<Buffer> {
    const b = this.blobs.get(desc.digest);
    if (!b) throw new Error(`missing blob ${desc.digest}`);
    return b;
  }

  /** A stored image config as JSON, unvalidated. */
  configJson(digest: string): ImageConfig {
    return JSON.parse(this.blobs.get(digest)!.toString('utf8')) as ImageConfig;
  }

  /** A stored image manifest as JSON, unvalidated. */
  manifestJson(digest: string): ImageManifest {
    return JSON.parse(this.blobs.get(digest)!.toString('utf8')) as ImageManifest;
  }
}
