/**
 * Which tags `hubctl hub tag prune` deletes. A tag is selected when it passes every filter given
 * (`--older-than`: pushed longer ago than that; `--match`: its name matches the regex); `--keep N` then
 * spares the newest N of the selected ones. Everything else stays. A tag whose push time Hub does not
 * give is never "older than" anything and counts as newest for `--keep`: unknown age never deletes.
 */
import { usageError } from '../../../errors.js';

export interface PruneTag {
  name: string;
  /** ms since the epoch of the last push (Hub's `tag_last_pushed`, else `last_updated`); undefined if unknown. */
  pushedAt: number | undefined;
}

export interface PruneFilters {
  olderThanMs?: number;
  match?: RegExp;
  keep?: number;
}

export interface PrunePlan<T extends PruneTag> {
  remove: T[];
  /** Selected by the filters but spared by --keep. */
  keptByKeep: T[];
  /** Not selected by the filters. */
  unselected: T[];
}

/** Without any filter every tag would go: refused, so a forgotten flag never empties a repository. */
export function requireFilter(filters: PruneFilters): void {
  if (filters.olderThanMs === undefined && filters.match === undefined && filters.keep === undefined) {
    throw usageError('PRUNE_NO_FILTER', 'tag prune needs at least one of --keep, --older-than or --match', {
      hint: 'e.g. --keep 10 keeps the 10 newest tags and deletes the others',
    });
  }
}

export function planPrune<T extends PruneTag>(tags: readonly T[], filters: PruneFilters, now: number): PrunePlan<T> {
  requireFilter(filters);
  const selected: T[] = [];
  const unselected: T[] = [];
  for (const t of tags) {
    const oldEnough = filters.olderThanMs === undefined || (t.pushedAt !== undefined && now - t.pushedAt > filters.olderThanMs);
    const matches = filters.match === undefined || matchName(filters.match, t.name);
    (oldEnough && matches ? selected : unselected).push(t);
  }
  const newestFirst = [...selected].sort((a, b) => newer(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const keep = Math.min(filters.keep ?? 0, newestFirst.length);
  return { keptByKeep: newestFirst.slice(0, keep), remove: newestFirst.slice(keep), unselected };
}

/** Negative when `a` is newer than `b`; unknown times sort first (newest). */
function newer(a: PruneTag, b: PruneTag): number {
  if (a.pushedAt === b.pushedAt) return 0;
  if (a.pushedAt === undefined) return -1;
  if (b.pushedAt === undefined) return 1;
  return b.pushedAt - a.pushedAt;
}

/** `--match` is searched in the name (like grep); anchor it (`^v1\.`) to match from the start. */
function matchName(re: RegExp, name: string): boolean {
  re.lastIndex = 0;
  return re.test(name);
}

/** Push time of a Hub tag object, as PruneTag wants it. */
export function pushedAt(tag: Readonly<Record<string, unknown>>): number | undefined {
  for (const key of ['tag_last_pushed', 'last_updated']) {
    const v = tag[key];
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    }
  }
  return undefined;
}
