/**
 * Build rules as Docker Hub's automated builds have them, written on one line:
 *
 *   SOURCETYPE=SOURCE[:tag=TAG[,TAG...]][:dockerfile=PATH][:context=DIR]
 *
 * - SOURCETYPE is `branch` or `tag`; SOURCE an exact name (`main`) or a JavaScript regex between
 *   slashes (`/^v([0-9.]+)$/`), matched anywhere in the name unless anchored, as on Hub;
 * - TAG is an image tag, in which `{sourceref}` is the branch or tag name and `{\1}`...`{\9}` the
 *   regex's capture groups (`tag=v{\1}`); several tags are separated by commas; without `tag=` the
 *   image tag is `{sourceref}`. Characters a tag cannot hold (`/` of `feature/x`) become `-`;
 * - `context=` is the build context relative to the repository root (default: --context, else the
 *   root), `dockerfile=` the Dockerfile relative to the context (default: --dockerfile, else
 *   `Dockerfile`), as on Hub. Neither may leave the repository.
 *
 * A part starts at each `:` followed by `tag=`, `dockerfile=` or `context=`, so a regex may hold `:`.
 */
import { posix } from 'node:path';
import { usageError } from '../errors.js';
import { isValidTag } from '../ref/reference.js';

export type RefType = 'branch' | 'tag';

export interface BuildRule {
  /** The rule as written, for messages. */
  text: string;
  type: RefType;
  /** Exact name, or undefined when `pattern` is set. */
  name?: string;
  pattern?: RegExp;
  /** Tag templates. */
  tags: string[];
  dockerfile?: string;
  context?: string;
}

/** A branch or tag of the repository, with the commit it points to (peeled for annotated tags). */
export interface GitRef {
  type: RefType;
  /** `main`, `v1.2`. */
  name: string;
  /** `refs/heads/main`, `refs/tags/v1.2`. */
  fullName: string;
  commit: string;
}

const KEYS = ['tag', 'dockerfile', 'context'] as const;

function bad(rule: string, why: string): Error {
  return usageError('INVALID_RULE', `--rule "${rule}": ${why}`, {
    hint: "write rules like 'branch=main:tag=latest' or 'tag=/^v([0-9.]+)$/:tag={\\1}' (optional :dockerfile=PATH:context=DIR)",
  });
}

export function parseRule(text: string): BuildRule {
  const parts = text.split(/:(?=(?:tag|dockerfile|context)=)/);
  const source = parts.shift()!;
  const m = /^(branch|tag)=(.+)$/.exec(source);
  if (!m) throw bad(text, 'it must start with branch=NAME or tag=NAME (a name, or a /regex/)');
  const type = m[1] as RefType;
  const sourceText = m[2]!;
  const rule: BuildRule = { text, type, tags: [] };
  let groups = 0;
  if (sourceText.length >= 2 && sourceText.startsWith('/') && sourceText.endsWith('/')) {
    try {
      rule.pattern = new RegExp(sourceText.slice(1, -1));
    } catch (e) {
      throw bad(text, `invalid regular expression: ${(e as Error).message}`);
    }
    groups = new RegExp(`${rule.pattern.source}|`).exec('')!.length - 1;
  } else {
    if (sourceText.startsWith('/')) throw bad(text, 'a regex needs a closing /');
    rule.name = sourceText;
  }
  const seen = new Set<string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq) as (typeof KEYS)[number];
    const value = part.slice(eq + 1);
    if (seen.has(key)) throw bad(text, `${key}= is given twice`);
    seen.add(key);
    if (key === 'tag') rule.tags = value.split(',').map((t) => checkTemplate(text, t.trim(), groups));
    else {
      const path = repoPath(value);
      if (path === undefined) throw bad(text, `${key}=${value} leaves the repository`);
      rule[key] = path;
    }
  }
  if (rule.tags.length === 0) rule.tags = ['{sourceref}'];
  return rule;
}

function checkTemplate(rule: string, template: string, groups: number): string {
  if (template === '') throw bad(rule, 'an empty tag');
  const sample = template.replace(/\{([^}]*)\}/g, (_all, inner: string) => {
    if (inner === 'sourceref') return 'x';
    const g = /^\\([1-9])$/.exec(inner);
    if (!g) throw bad(rule, `unknown placeholder {${inner}} in the tag (use {sourceref} or {\\1}...{\\9})`);
    if (Number(g[1]) > groups) throw bad(rule, `{\\${g[1]}} but the source regex has ${groups} capture group(s)`);
    return 'x';
  });
  if (!isValidTag(sample)) throw bad(rule, `"${template}" is not a valid image tag`);
  return template;
}

/** A path inside the repository, normalized (`/` and `` are its root, `.`); undefined when `..` leaves it. */
export function repoPath(value: string): string | undefined {
  const p = posix.normalize(`./${value.replace(/^\/+/, '')}`);
  if (p === '..' || p.startsWith('../') || value.includes('\0')) return undefined;
  return p.replace(/\/$/, '') || '.';
}

/** `feature/x` -> `feature-x`: what a tag cannot hold becomes `-`. */
function tagSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** The rule's image tags for `ref`, or undefined when the rule does not match it. */
export function matchRule(rule: BuildRule, ref: GitRef): string[] | undefined {
  if (rule.type !== ref.type) return undefined;
  let groups: Array<string | undefined> = [];
  if (rule.pattern) {
    const m = rule.pattern.exec(ref.name);
    if (!m) return undefined;
    groups = m.slice(1);
  } else if (rule.name !== ref.name) return undefined;
  return rule.tags.map((t) =>
    t.replace(/\{(sourceref|\\[1-9])\}/g, (_all, inner: string) =>
      tagSafe(inner === 'sourceref' ? ref.name : (groups[Number(inner.slice(1)) - 1] ?? '')),
    ),
  );
}

/** One build a set of rules asks for: a ref with its tags, Dockerfile and context. */
export interface RuleMatch {
  ref: GitRef;
  tags: string[];
  dockerfile: string;
  context: string;
  /** Tags that are not valid image tags once filled in (the build is recorded as failed). */
  invalidTags: string[];
}

export interface MatchDefaults {
  dockerfile?: string;
  context?: string;
}

/**
 * Every (ref, Dockerfile, context) the rules select, with the union of their tags, in the order of
 * `refs`. Rules that select one ref with the same Dockerfile and context make one build.
 */
export function matchRules(rules: BuildRule[], refs: GitRef[], defaults: MatchDefaults = {}): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const ref of refs) {
    for (const rule of rules) {
      const tags = matchRule(rule, ref);
      if (!tags) continue;
      const context = rule.context ?? defaults.context ?? '.';
      const dockerfile = rule.dockerfile ?? defaults.dockerfile ?? 'Dockerfile';
      let m = out.find((x) => x.ref.fullName === ref.fullName && x.context === context && x.dockerfile === dockerfile);
      if (!m) {
        m = { ref, tags: [], dockerfile, context, invalidTags: [] };
        out.push(m);
      }
      for (const t of tags) {
        if (!isValidTag(t)) {
          if (!m.invalidTags.includes(t)) m.invalidTags.push(t);
        } else if (!m.tags.includes(t)) m.tags.push(t);
      }
    }
  }
  return out;
}
