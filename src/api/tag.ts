import { formatReference, parseReference } from '../ref/reference.js';
import { HubctlError, notFoundError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { ImageStore } from '../store/image-store.js';
import { entryMatchesName, digestTagRefused } from '../store/index-file.js';
import { isImageIdText, matchImageId } from './image-id.js';
import type { Client } from './client.js';

export interface TagResult {
  /** Full normalized source reference (`docker.io/library/ubuntu:14.04`), or the image ID given. */
  source: string;
  /** Full normalized target reference. */
  target: string;
  descriptor: Descriptor;
}

/**
 * Finds a store entry by reference, or (like docker) by image ID: a prefix of the config digest
 * `hubctl images` shows, or of the manifest digest. An ID matching several images is a usage error.
 * Undefined when nothing matches.
 */
export async function resolveLocalImage(
  store: ImageStore,
  text: string,
): Promise<{ name: string; descriptor: Descriptor; byId: boolean } | undefined> {
  let refError: unknown;
  try {
    const name = formatReference(parseReference(text));
    const descriptor = await store.resolve(name);
    if (descriptor) return { name, descriptor, byId: false };
  } catch (e) {
    refError = e;
  }
  // an entry another tool stored under a name that is not a docker reference (`MyTag`, `latest`)
  const raw = (await store.list()).find((e) => e.ref === text && entryMatchesName(text, e.descriptor));
  if (raw) return { name: text, descriptor: raw.descriptor, byId: false };
  const match = await matchImageId(store, text);
  const descriptor = match?.entries[0]?.descriptor;
  if (descriptor) return { name: text, descriptor, byId: true };
  if (refError instanceof HubctlError && !isImageIdText(text)) throw refError;
  return undefined;
}

/**
 * `docker tag SOURCE TARGET`: both references are normalized; the source (a reference or an image
 * ID) must be in the store; the target entry points at the same descriptor (platform and index
 * annotations kept).
 */
export async function tag(client: Client, sourceText: string, targetText: string): Promise<TagResult> {
  const targetRef = parseReference(targetText);
  if (targetRef.digest !== undefined) throw digestTagRefused(targetText);
  const target = formatReference(targetRef);
  const store = await client.store();
  const source = await resolveLocalImage(store, sourceText);
  if (source === undefined) {
    throw notFoundError('IMAGE_NOT_FOUND', `No such image: ${sourceText}`, {
      hint: 'list local images with "hubctl images"; pull or build the image first',
    });
  }
  await store.tag(target, source.descriptor);
  return { source: source.name, target, descriptor: source.descriptor };
}
