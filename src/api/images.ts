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

export interface ImagesOptions extends ImagesFilters {
  /** Told about each index.json entry left out (one whose digest is not a valid digest). */
  onWarning?: (message: string) => void;
}

/**
 * Lists the store's images. `reference` (`hubctl images centos`, `centos:7`, `cent*`) and
 * `filters.reference` keep rows matching any pattern; the other filters must all hold.
 * Entries other tools wrote under a name that is not a full docker reference with a tag or digest
 * (`MyTag`, `latest` alone) are listed under that raw name, tag `<none>` (not dangling: they have a
 * name); hubctl commands find them by it. An entry whose digest is not a digest is skipped with a
 * warning, not a failure of the list.
 */
export async function images(client: Client, reference?: string, options: ImagesOptions = {}): Promise<ImageSummary[]> {
  const store = await client.store();
  const patterns = [...(reference === undefined ? [] : [reference]), ...(options.reference ?? [])];
  const matchers = patterns.map(referenceMatcher);
  const rawMatchers = patterns.map(rawNameMatcher);
  const before = options.before === undefined ? undefined : await createdOf(client, options.before, 'before');
  const since = options.since === undefined ? undefined : await createdOf(client, options.since, 'since');
  const onSkip = (e: { ref: string | undefined; digest: string }, why: string) =>
    options.onWarning?.(`skipping the image store entry ${e.ref !== undefined ? JSON.stringify(e.ref) : 'without a name'}: ${why}`);
  const rows: ImageSummary[] = [];
  for (const img of await describeImages(store, { onSkip })) {
    const ref = img.ref === undefined ? undefined : dockerReference(img.ref);
    const raw = img.ref !== undefined && ref === undefined ? img.ref : undefined;
    const row: ImageSummary = {
      reference: img.ref ?? '',
      repository: raw ?? (ref ? familiarName(ref) : '<none>'),
      tag: ref?.tag ?? '<none>',
      digest: img.digest,
      mediaType: img.mediaType,
      id: img.imageId,
      ...(img.created ? { created: img.created } : {}),
      size: img.size,
      dangling: raw === undefined && ref?.tag === undefined,
    };
    if (matchers.length > 0) {
      const hit = ref !== undefined ? matchers.some((m) => m(ref)) : raw !== undefined && rawMatchers.some((m) => m(raw));
      if (!hit) continue;
    }
    if (options.dangling !== undefined && row.dangling !== options.dangling) continue;
    if (before !== undefined && !(time(row.created) < before)) continue;
    if (since !== undefined && !(time(row.created) > since)) continue;
    rows.push(row);
  }
  rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  return rows;
}

/**
 * The docker reference a stored name is, when it is one with a tag or a digest (`docker.io/x:1`,
 * also a short `x:1` another tool wrote); undefined for a name that is not (`MyTag`) or names no tag
 * (`latest` alone reads as the repository docker.io/library/latest, which it is not).
 */
export function dockerReference(name: string): Reference | undefined {
  try {
    const ref = parseReference(name, { defaultTag: false });
    return ref.tag !== undefined || ref.digest !== undefined ? ref : undefined;
  } catch {
    return undefined;
  }
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

/** A raw name (one another tool stored, not a docker reference) matches a pattern equal to it or a glob over it. */
function rawNameMatcher(pattern: string): (name: string) => boolean {
  const glob = globRegExp(pattern);
  return (name) => name === pattern || glob.test(name);
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
