/**
 * What a run builds: each (ref, Dockerfile, context) the rules select, unless the state file already
 * has that commit built with (at least) those tags for (at least) those images. A commit whose build
 * failed is not tried again until the ref moves (as on Hub), unless `retryFailed`; a build a crash or a
 * signal cut short is always tried again.
 */
import type { RuleMatch } from './rules.js';
import type { AutobuildState, BuildRecord } from './state.js';

export type Decision =
  | { action: 'build'; match: RuleMatch; reason: string }
  /** `built`: up to date (base images may still be checked); `failed`: failed before at this commit. */
  | { action: 'skip'; match: RuleMatch; why: 'built' | 'failed'; record: BuildRecord };

export interface PlanOptions {
  retryFailed?: boolean;
}

const sameSlot = (r: BuildRecord, m: RuleMatch) => r.ref === m.ref.fullName && r.dockerfile === m.dockerfile && r.context === m.context;

/** Does `r` (at the same commit) stand for everything `m` asks, for `images`? */
function covers(r: BuildRecord, m: RuleMatch, images: string[]): boolean {
  return (
    sameSlot(r, m) &&
    r.commit === m.ref.commit &&
    m.tags.every((t) => r.tags.includes(t)) &&
    m.invalidTags.every((t) => r.tags.includes(t)) &&
    images.every((i) => r.images.includes(i))
  );
}

export function planBuilds(matches: RuleMatch[], state: AutobuildState, images: string[], options: PlanOptions = {}): Decision[] {
  const newestFirst = [...state.builds].sort((a, b) => b.id - a.id);
  return matches.map((match): Decision => {
    const last = newestFirst.find((r) => covers(r, match, images));
    if (last?.status === 'success') return { action: 'skip', match, why: 'built', record: last };
    if (last?.status === 'error' && !last.interrupted && !options.retryFailed)
      return { action: 'skip', match, why: 'failed', record: last };
    if (last) return { action: 'build', match, reason: last.interrupted ? 'interrupted before' : 'retry' };
    const previous = newestFirst.find((r) => sameSlot(r, match));
    if (!previous) return { action: 'build', match, reason: `new ${match.ref.type}` };
    if (previous.commit !== match.ref.commit) return { action: 'build', match, reason: 'new commit' };
    return { action: 'build', match, reason: 'tags or images changed' };
  });
}

/** Tags that more than one ref of this run would push (the last build pushed wins): for a warning. */
export function conflictingTags(decisions: Decision[]): Array<{ tag: string; refs: string[] }> {
  const byTag = new Map<string, string[]>();
  for (const d of decisions) {
    for (const t of d.match.tags) {
      const refs = byTag.get(t) ?? [];
      if (!refs.includes(d.match.ref.fullName)) refs.push(d.match.ref.fullName);
      byTag.set(t, refs);
    }
  }
  return [...byTag].filter(([, refs]) => refs.length > 1).map(([tag, refs]) => ({ tag, refs }));
}
