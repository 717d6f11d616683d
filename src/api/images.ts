import { familiarName, familiarString, formatReference, parseReference, type Reference } from '../ref/reference.js';
import { describeImages } from '../store/describe.js';
import { notFoundError, usageError } from '../errors.js';
import { resolveLocalImage } from './tag.js';
import type { Client } from './client.js';

export interface ImageSummary {
  /** Full normalized reference: `docker.io/library/centos:latest` ('' for an entry without a name). */
  reference: string;
  /** docker's REPOSITORY column: `centos`, `user/x`, `localhost:5000/x`, `<none>`. */
  repository: string;
  /** Tag, or `<none>` for an entry pulled by digest only or without a name. */
  tag: string;
  /** The manifest (or index) digest the entry points to. */
  digest: string;
  mediaType: string;
  /** docker's IMAGE ID: the config digest (the index digest for a multi-platform entry). */
  id: string;
  created?: string;
  /** Bytes in the store for this image: compressed layers + config (+ manifests). */
  size: number;
  /** No tag: pulled by digest only, or an entry without a name. */
  dangling: boolean;
}

/** docker's `images --filter`: each key may be given once, reference several times (any may match). */
export interface ImagesFilters {
  /** Patterns matched like docker (path.Match globs) against NAME:TAG and NAME, familiar or full. */
  reference?: string[];
  dangling?: boolean;
  /** Only images created before / after this image (a reference or an image ID in the store). */
  before?: string;
  since?: string;
}

/**
 * Lists the store's images. `reference` (`hubctl images centos`, `centos:7`, `cent*`) and
 * `filters.reference` keep rows matching any pattern; the other filters must all hold.
 */
export async function images(client: Client, reference?: string, filters: ImagesFilters = {}): Promise<ImageSummary[]> {
  const store = await client.store();
  const patterns = [...(reference === undefined ? [] : [reference]), ...(filters.reference ?? [])];
  const matchers = patterns.map(referenceMatcher);
  const before = filters.before === undefined ? undefined : await createdOf(client, filters.before, 'before');
  const since = filters.since === undefined ? undefined : await createdOf(client, filters.since, 'since');
  const rows: ImageSummary[] = [];
  for (const img of await describeImages(store)) {
    let ref: Reference | undefined;
    try {
      ref = img.ref === undefined ? undefined : parseReference(img.ref, { defaultTag: false });
    } catch {
      ref = undefined; // an entry another tool wrote with a name that is not a reference
    }
    if (img.ref !== undefined && ref === undefined) continue;
    const row: ImageSummary = {
      reference: img.ref ?? '',
      repository: ref ? familiarName(ref) : '<none>',
      tag: ref?.tag ?? '<none>',
      digest: img.digest,
      mediaType: img.mediaType,
      id: img.imageId,
      ...(img.created ? { created: img.created } : {}),
      size: img.size,
      dangling: ref?.tag === undefined,
    };
    if (matchers.length > 0 && (ref === undefined || !matchers.some((m) => m(ref)))) continue;
    if (filters.dangling !== undefined && row.dangling !== filters.dangling) continue;
    if (before !== undefined && !(time(row.created) < before)) continue;
    if (since !== undefined && !(time(row.created) > since)) continue;
    rows.push(row);
  }
  rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  return rows;
}

const time = (created: string | undefined): number => (created === undefined ? Number.NaN : Date.parse(created));

async function createdOf(client: Client, text: string, key: string): Promise<number> {
  const store = await client.store();
  const found = await resolveLocalImage(store, text);
  const row = found && (await describeImages(store)).find((r) => r.digest === found.descriptor.digest);
  if (!row)
    throw notFoundError('IMAGE_NOT_FOUND', `--filter ${key}=${text}: no such image in the store`, {
      hint: 'list the store with hubctl images',
    });
  const t = time(row.created);
  if (Number.isNaN(t)) throw usageError('IMAGE_NO_CREATED', `--filter ${key}=${text}: the image has no creation time`);
  return t;
}

/**
 * docker's reference filter (FamiliarMatch): a path.Match glob against `name:tag` and `name`, here
 * also against the full names (`docker.io/library/ubuntu`). A plain reference also matches by value.
 */
export function referenceMatcher(pattern: string): (ref: Reference) => boolean {
  const glob = globRegExp(pattern);
  let exact: Reference | undefined;
  if (!/[*?[\\]/.test(pattern)) {
    try {
      exact = parseReference(pattern, { defaultTag: false });
    } catch {
      exact = undefined;
    }
  }
  return (ref) => {
    const name = { registry: ref.registry, repository: ref.repository };
    const texts = [familiarString(ref), familiarName(ref), formatReference(ref), formatReference(name)];
    if (texts.some((t) => glob.test(t))) return true;
    if (!exact || exact.registry !== ref.registry || exact.repository !== ref.repository) return false;
    return (exact.tag === undefined || exact.tag === ref.tag) && (exact.digest === undefined || exact.digest === ref.digest);
  };
}

/** Go's path.Match as a RegExp: `*` any run of non-slash characters, `?` one, `[...]` a class, `\` escapes. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += literal(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw usageError('INVALID_FILTER', `--filter reference=${pattern}: unclosed [ in the pattern`);
      re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += literal(c);
  }
  return new RegExp(`^${re}$`);
}

const literal = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
