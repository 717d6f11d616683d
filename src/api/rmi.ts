import { familiarName, formatReference, parseReference, type Reference } from '../ref/reference.js';
import { HubctlError, notFoundError, usageError } from '../errors.js';
import type { ImageStore, StoreEntry } from '../store/image-store.js';
import { entryMatchesName } from '../store/index-file.js';
import { INDEX_DIGEST_ANNOTATION } from './pull.js';
import { isImageIdText, matchImageId } from './image-id.js';
import { tryParse } from './mount-candidates.js';
import type { Client } from './client.js';

export interface RmiOptions {
  /** Remove an image ID whose tags span several repositories (docker's -f). */
  force?: boolean;
}

export interface RmiFailure {
  /** The argument as given. */
  reference: string;
  error: HubctlError;
}

export interface RmiResult {
  /** Entries removed: full references (`host/repo:tag`, `host/repo@sha256:...`), or the digest of an unnamed entry. */
  untagged: string[];
  /** Blobs deleted because nothing else in the store uses them. */
  deleted: string[];
  bytesFreed: number;
  /** Arguments that could not be removed (docker removes what it can and reports each failure). */
  failures: RmiFailure[];
}

/**
 * `docker rmi`: each argument is a NAME[:TAG], a NAME@DIGEST (every entry of that repository on that
 * manifest or index digest), a raw name another tool stored (`MyTag`), or an image ID (every entry of the image; several repositories need
 * `force`). Arguments are handled in order, the same one once; a failure is recorded and the rest go
 * on. Blobs nothing else uses are deleted once at the end.
 */
export async function rmi(client: Client, refs: readonly string[], options: RmiOptions = {}): Promise<RmiResult> {
  const store = await client.store();
  const result: RmiResult = { untagged: [], deleted: [], bytesFreed: 0, failures: [] };
  for (const text of new Set(refs)) {
    try {
      const removed = await removeOne(store, text, options.force === true);
      result.untagged.push(...removed.map((e) => e.ref ?? e.descriptor.digest));
    } catch (e) {
      if (!(e instanceof HubctlError)) throw e;
      result.failures.push({ reference: text, error: e });
    }
  }
  if (result.untagged.length > 0) {
    try {
      const gc = await store.gc();
      result.deleted = gc.removed;
      result.bytesFreed = gc.bytesFreed;
    } catch (e) {
      if (!(e instanceof HubctlError)) throw e;
      result.failures.push({ reference: '', error: e });
    }
  }
  return result;
}

async function removeOne(store: ImageStore, text: string, force: boolean): Promise<StoreEntry[]> {
  let ref: Reference | undefined;
  let refError: unknown;
  try {
    ref = parseReference(text);
  } catch (e) {
    refError = e;
  }
  if (ref?.digest !== undefined) {
    const byDigest = await digestEntries(store, ref);
    if (byDigest.length > 0) return store.untagWhere((e) => byDigest.some((d) => sameEntry(d, e)));
  } else if (ref !== undefined) {
    const name = formatReference(ref);
    const descriptor = await store.resolve(name);
    if (descriptor) return [{ ref: name, descriptor: await store.remove(name) }];
  }
  // a name another tool stored that is not a docker reference (`MyTag`, `latest`) is removed by it
  const raw = (await store.list()).find((e) => e.ref === text && entryMatchesName(text, e.descriptor));
  if (raw) return store.untagWhere((e) => e.ref === text);
  const match = await matchImageId(store, text);
  if (match === undefined) {
    if (refError !== undefined && !isImageIdText(text)) throw refError;
    throw notFoundError('IMAGE_NOT_FOUND', `No such image: ${text}`, { hint: 'list the store with hubctl images' });
  }
  const repositories = new Set(match.entries.map((e) => repositoryOf(e.ref)).filter((r) => r !== undefined));
  if (repositories.size > 1 && !force) {
    throw usageError(
      'IMAGE_CONFLICT',
      `conflict: unable to delete ${text} (must be forced) - image is referenced in multiple repositories (${[...repositories].join(', ')})`,
      { hint: 'rmi -f removes every tag of the image; or remove the tags one by one' },
    );
  }
  return store.untagWhere((e) => match.entries.some((m) => sameEntry(m, e)));
}

/** Entries of `ref`'s repository on its digest: pulled by that digest, or by a tag that resolved to it. */
async function digestEntries(store: ImageStore, ref: Reference): Promise<StoreEntry[]> {
  const out: StoreEntry[] = [];
  for (const entry of await store.list()) {
    const parsed = tryParse(entry.ref);
    if (!parsed || parsed.registry !== ref.registry || parsed.repository !== ref.repository) continue;
    const d = entry.descriptor;
    if (d.digest === ref.digest || d.annotations?.[INDEX_DIGEST_ANNOTATION] === ref.digest) out.push(entry);
  }
  return out;
}

function repositoryOf(name: string | undefined): string | undefined {
  const parsed = tryParse(name);
  return parsed ? familiarName(parsed) : undefined;
}

const sameEntry = (a: StoreEntry, b: StoreEntry): boolean => a.ref === b.ref && a.descriptor.digest === b.descriptor.digest;
