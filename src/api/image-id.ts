/** Store entries found by docker image ID (a unique hex prefix of the config, manifest or index digest). */
import { usageError } from '../errors.js';
import { describeImages, type ImageSummary } from '../store/describe.js';
import type { ImageStore, StoreEntry } from '../store/image-store.js';

/** `0e5574283393`, `sha256:0e55…`: what docker accepts as an image ID (a prefix of at least 4). */
const IMAGE_ID = /^(?:sha256:)?([0-9a-f]{4,64})$/;

/** Whether `text` has the shape of an image ID. */
export const isImageIdText = (text: string): boolean => IMAGE_ID.test(text);

export interface IdMatch {
  /** The image ID (`hubctl images` IMAGE ID, full) all the entries share. */
  imageId: string;
  entries: StoreEntry[];
  rows: ImageSummary[];
}

/**
 * Every entry whose image ID, config digest or manifest digest starts with `text` (an image under several
 * tags has several entries). Undefined when `text` is not ID-shaped or nothing matches; a prefix of
 * two different images is a usage error.
 */
export async function matchImageId(store: ImageStore, text: string): Promise<IdMatch | undefined> {
  const id = IMAGE_ID.exec(text);
  if (!id) return undefined;
  const hex = id[1]!;
  const entries = await store.list();
  const rows = await describeImages(store);
  const hits: { entry: StoreEntry; row: ImageSummary }[] = [];
  // rows follow the entries in order, minus the ones describeImages skips (invalid digests)
  let j = 0;
  for (const row of rows) {
    while (j < entries.length && (entries[j]!.ref !== row.ref || entries[j]!.descriptor.digest !== row.digest)) j++;
    const entry = entries[j++];
    if (entry === undefined) break;
    const ids = [row.imageId, row.configDigest, row.digest].filter((d): d is string => d !== undefined);
    if (ids.some((d) => d.slice(d.indexOf(':') + 1).startsWith(hex))) hits.push({ entry, row });
  }
  const images = new Set(hits.map((h) => h.row.imageId));
  if (images.size > 1) {
    throw usageError('AMBIGUOUS_IMAGE_ID', `the image ID ${text} matches ${images.size} images`, {
      hint: 'give more characters of the ID, or a NAME:TAG',
    });
  }
  const [imageId] = images;
  if (imageId === undefined) return undefined;
  return { imageId, entries: hits.map((h) => h.entry), rows: hits.map((h) => h.row) };
}
