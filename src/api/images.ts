import { familiarName, parseReference, parseRepository, type Reference } from '../ref/reference.js';
import { describeImages } from '../store/index.js';
import type { Client } from './client.js';

export interface ImageSummary {
  /** Full normalized reference: `docker.io/library/centos:latest`. */
  reference: string;
  /** docker's REPOSITORY column: `centos`, `user/x`, `localhost:5000/x`. */
  repository: string;
  /** Tag, or `<none>` for an entry pulled by digest only. */
  tag: string;
  /** The manifest (or index) digest the entry points to. */
  digest: string;
  mediaType: string;
  /** docker's IMAGE ID: the config digest (the index digest for a multi-platform entry). */
  id: string;
  created?: string;
  /** Bytes in the store for this image: compressed layers + config (+ manifests). */
  size: number;
}

/** Lists the store's images, optionally only those of one repository (`hubctl images centos`). */
export async function images(client: Client, repository?: string): Promise<ImageSummary[]> {
  const store = await client.store();
  const wanted = repository === undefined ? undefined : parseRepository(repository);
  const rows: ImageSummary[] = [];
  for (const img of await describeImages(store)) {
    if (img.ref === undefined) continue;
    let ref: Reference;
    try {
      ref = parseReference(img.ref, { defaultTag: false });
    } catch {
      continue; // an entry another tool wrote with a name that is not a reference
    }
    if (wanted && (wanted.registry !== ref.registry || wanted.repository !== ref.repository)) continue;
    rows.push({
      reference: img.ref,
      repository: familiarName(ref),
      tag: ref.tag ?? '<none>',
      digest: img.digest,
      mediaType: img.mediaType,
      id: img.imageId,
      ...(img.created ? { created: img.created } : {}),
      size: img.size,
    });
  }
  rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  return rows;
}
