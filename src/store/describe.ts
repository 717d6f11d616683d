import { isValidDigest } from '../digest/digest.js';
import { MAX_CONFIG_BYTES, isObject, type ParsedManifest } from '../oci/manifest.js';
import { isManifestType } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import type { Descriptor, ImageManifest } from '../oci/types.js';
import { readManifest } from './graph.js';
import type { ImageStore } from './image-store.js';

/** One row of `hubctl images`. */
export interface ImageSummary {
  /** Full normalized reference; undefined for an entry without a name. */
  ref: string | undefined;
  /** Digest of the manifest or index the entry points at. */
  digest: string;
  mediaType: string;
  kind: 'image' | 'index' | 'other';
  /** Config digest of an image (docker's IMAGE ID); undefined for an index. */
  configDigest: string | undefined;
  /** What to show as IMAGE ID: the config digest for an image, the index digest for an index. */
  imageId: string;
  /** `created` from the image config (for an index: the newest of its local children). */
  created: string | undefined;
  /** Bytes on disk: config + layers (compressed as stored); for an index, of the children present locally, shared blobs counted once. */
  size: number;
  /** For an index: platforms of the child manifests present locally. */
  platforms: string[] | undefined;
  /** False when a blob the entry needs is missing from the store. */
  present: boolean;
}

interface ImageFacts {
  configDigest: string;
  created: string | undefined;
  blobs: Descriptor[];
}

export interface DescribeOptions {
  /**
   * Told about an entry that is left out: its digest is not a valid digest (`sha256:../../etc/passwd`,
   * written by another tool), so it names no blob. The other entries are still described.
   */
  onSkip?: (entry: { ref: string | undefined; digest: string }, why: string) => void;
}

/** Lists every index.json entry with the facts `hubctl images` prints. */
export async function describeImages(store: ImageStore, options: DescribeOptions = {}): Promise<ImageSummary[]> {
  const entries = (await store.list()).filter(({ ref, descriptor }) => {
    if (isValidDigest(descriptor.digest)) return true;
    options.onSkip?.({ ref, digest: descriptor.digest }, `its digest ${JSON.stringify(descriptor.digest)} is not a valid digest`);
    return false;
  });
  const manifests = new Map<string, ParsedManifest | undefined>();
  const configs = new Map<string, string | undefined>();

  const manifestOf = async (d: Descriptor): Promise<ParsedManifest | undefined> => {
    if (!manifests.has(d.digest)) {
      let parsed: ParsedManifest | undefined;
      if (isValidDigest(d.digest) && isManifestType(d.mediaType) && (await store.blobs.exists(d)))
        parsed = await readManifest(store.blobs, d).catch(() => undefined);
      manifests.set(d.digest, parsed);
    }
    return manifests.get(d.digest);
  };

  const createdOf = async (config: Descriptor): Promise<string | undefined> => {
    if (!configs.has(config.digest)) {
      let created: string | undefined;
      try {
        const json: unknown = JSON.parse((await store.fetchBytes(config, MAX_CONFIG_BYTES)).toString('utf8'));
        if (isObject(json) && typeof json.created === 'string') created = json.created;
      } catch {
        created = undefined;
      }
      configs.set(config.digest, created);
    }
    return configs.get(config.digest);
  };

  const imageFacts = async (m: ImageManifest): Promise<ImageFacts> => ({
    configDigest: m.config.digest,
    created: await createdOf(m.config),
    blobs: [m.config, ...m.layers],
  });

  const out: ImageSummary[] = [];
  for (const { ref, descriptor } of entries) {
    const parsed = await manifestOf(descriptor);
    const row: ImageSummary = {
      ref,
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      kind: 'other',
      configDigest: undefined,
      imageId: descriptor.digest,
      created: undefined,
      size: 0,
      platforms: undefined,
      present: parsed !== undefined || (await store.blobs.exists(descriptor)),
    };
    if (parsed?.kind === 'image') {
      const facts = await imageFacts(parsed.manifest);
      row.kind = 'image';
      row.configDigest = facts.configDigest;
      row.imageId = facts.configDigest;
      row.created = facts.created;
      row.size = facts.blobs.reduce((n, b) => n + b.size, 0);
    } else if (parsed?.kind === 'index') {
      row.kind = 'index';
      row.platforms = [];
      const counted = new Set<string>();
      for (const child of parsed.manifest.manifests) {
        const cm = await manifestOf(child);
        if (cm?.kind !== 'image') continue;
        row.platforms.push(formatPlatform(child.platform));
        const facts = await imageFacts(cm.manifest);
        if (facts.created !== undefined && (row.created === undefined || facts.created > row.created)) row.created = facts.created;
        for (const b of facts.blobs) {
          if (counted.has(b.digest)) continue;
          counted.add(b.digest);
          row.size += b.size;
        }
      }
    }
    out.push(row);
  }
  return out;
}
