import { formatReference, parseReference } from '../ref/reference.js';
import { notFoundError } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import type { Client } from './client.js';

export interface TagResult {
  /** Full normalized source reference (`docker.io/library/ubuntu:14.04`). */
  source: string;
  /** Full normalized target reference. */
  target: string;
  descriptor: Descriptor;
}

/**
 * `docker tag SOURCE TARGET`: both references are normalized; the source must be in the store; the
 * target entry points at the same descriptor (platform and index annotations kept).
 */
export async function tag(client: Client, sourceText: string, targetText: string): Promise<TagResult> {
  const source = formatReference(parseReference(sourceText));
  const target = formatReference(parseReference(targetText));
  const store = await client.store();
  const descriptor = await store.resolve(source);
  if (descriptor === undefined) {
    throw notFoundError('IMAGE_NOT_FOUND', `No such image: ${sourceText}`, {
      hint: 'list local images with "hubctl images"; pull or build the image first',
    });
  }
  await store.tag(target, descriptor);
  return { source, target, descriptor };
}
