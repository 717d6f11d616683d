import { familiarName, parseReference, parseRepository, type Reference } from '../ref/reference.js';
import { describeImages, type ImageSummary as StoreImage } from '../store/index.js';
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

export interface ImagesOptions {
  /** Told about each index.json entry left out (one whose digest is not a valid digest). */
  onWarning?: (message: string) => void;
}

/**
 * Lists the store's images, optionally only those of one repository (`hubctl images centos`).
 * Entries other tools wrote under a name that is not a full docker reference with a tag or digest
 * (`MyTag`, `latest` alone) are listed under that raw name, tag `<none>`; hubctl commands find them
 * by it. An entry whose digest is not a digest is skipped with a warning, not a failure of the list.
 */
export async function images(client: Client, repository?: string, options: ImagesOptions = {}): Promise<ImageSummary[]> {
  const store = await client.store();
  const wanted = repository === undefined ? undefined : parseRepositoryOrRaw(repository);
  const rows: ImageSummary[] = [];
  const onSkip = (e: { ref: string | undefined; digest: string }, why: string) =>
    options.onWarning?.(`skipping the image store entry ${e.ref !== undefined ? JSON.stringify(e.ref) : 'without a name'}: ${why}`);
  for (const img of await describeImages(store, { onSkip })) {
    if (img.ref === undefined) continue;
    const ref = dockerReference(img.ref);
    if (ref === undefined) {
      if (wanted !== undefined && wanted.raw !== img.ref) continue;
      rows.push(row(img, img.ref, img.ref, '<none>'));
      continue;
    }
    if (wanted?.ref && (wanted.ref.registry !== ref.registry || wanted.ref.repository !== ref.repository)) continue;
    if (wanted !== undefined && wanted.ref === undefined) continue;
    rows.push(row(img, img.ref, familiarName(ref), ref.tag ?? '<none>'));
  }
  rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  return rows;
}

function row(img: StoreImage, reference: string, repository: string, tag: string): ImageSummary {
  return {
    reference,
    repository,
    tag,
    digest: img.digest,
    mediaType: img.mediaType,
    id: img.imageId,
    ...(img.created ? { created: img.created } : {}),
    size: img.size,
  };
}

/**
 * The docker reference a stored name is, when it is one with a tag or a digest (`docker.io/x:1`,
 * also a short `x:1` another tool wrote); undefined for a name that is not (`MyTag`) or names no tag
 * (`latest` alone reads as the repository docker.io/library/latest, which it is not).
 */
function dockerReference(name: string): Reference | undefined {
  try {
    const ref = parseReference(name, { defaultTag: false });
    return ref.tag !== undefined || ref.digest !== undefined ? ref : undefined;
  } catch {
    return undefined;
  }
}

function parseRepositoryOrRaw(text: string): { ref: ReturnType<typeof parseRepository> | undefined; raw: string } {
  try {
    return { ref: parseRepository(text), raw: text };
  } catch {
    return { ref: undefined, raw: text };
  }
}
