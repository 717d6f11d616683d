/** A token scope `type:name:actions`, e.g. `repository:library/centos:pull,push`. */
export interface Scope {
  type: string;
  /** May contain ':' (`localhost:5000/x` in some setups). */
  name: string;
  actions: string[];
}

/**
 * Splits at the first ':' (type) and the last ':' (actions), so a name holding `host:port` survives.
 * Undefined for strings that are not `type:name:actions` (kept opaque by the merging functions).
 */
export function parseScope(scope: string): Scope | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first + 1) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

export function formatScope(s: Scope): string {
  return `${s.type}:${s.name}:${s.actions.join(',')}`;
}

/** `repository:<name>:<actions>` for a repository. */
export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${(actions.length > 0 ? actions : ['pull']).join(',')}`;
}

interface Entry {
  key: string;
  scope?: Scope;
  opaque?: string;
  actions: Set<string>;
  order: number;
}

function collect(lists: readonly (readonly string[])[]): Entry[] {
  const byKey = new Map<string, Entry>();
  let order = 0;
  for (const list of lists) {
    for (const raw of list) {
      const s = raw.trim();
      if (s === '') continue;
      const parsed = parseScope(s);
      const key = parsed ? `${parsed.type}:${parsed.name}` : `\0${s}`;
      let entry = byKey.get(key);
      if (entry === undefined) {
        entry = parsed
          ? { key, scope: parsed, actions: new Set(), order: order++ }
          : { key, opaque: s, actions: new Set(), order: order++ };
        byKey.set(key, entry);
      }
      for (const a of parsed?.actions ?? []) entry.actions.add(a);
    }
  }
  return [...byKey.values()];
}

function render(e: Entry): string {
  if (e.opaque !== undefined || e.scope === undefined) return e.opaque ?? '';
  return formatScope({ ...e.scope, actions: [...e.actions].sort() });
}

/**
 * Merges scope lists: actions of the same resource are joined, duplicates dropped. Scopes asking for
 * `push` (or `*`) come first, because some token servers read only the first scope; otherwise first
 * appearance order is kept.
 */
export function mergeScopes(...lists: readonly (readonly string[])[]): string[] {
  const entries = collect(lists);
  const pushes = (e: Entry) => e.actions.has('push') || e.actions.has('*');
  entries.sort((a, b) => Number(pushes(b)) - Number(pushes(a)) || a.order - b.order);
  return entries.map(render);
}

/** Canonical cache key for a scope set: merged and sorted. */
export function scopeKey(scopes: readonly string[]): string {
  return mergeScopes(scopes).sort().join(' ');
}

/** True when a token granted for `have` also covers everything in `want`. */
export function scopesCover(have: readonly string[], want: readonly string[]): boolean {
  const granted = new Map(collect([have]).map((e) => [e.key, e]));
  for (const w of collect([want])) {
    const g = granted.get(w.key);
    if (g === undefined) return false;
    if (g.actions.has('*')) continue;
    for (const a of w.actions) if (!g.actions.has(a)) return false;
  }
  return true;
}
