import { posix } from 'node:path';
import type { WalkDecision } from './tar-pack.js';

interface Pattern {
  text: string;
  exclusion: boolean;
  regex: RegExp;
}

const SPECIAL = new Set(['.', '+', '^', '$', '(', ')', '{', '}', '|']);

/** Converts one cleaned pattern to a regex the way docker's patternmatcher does. */
export function patternToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        while (pattern[i + 1] === '*') i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      re += `\\${pattern[i]}`;
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
      } else {
        let cls = pattern.slice(i + 1, close);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (SPECIAL.has(ch)) {
      re += `\\${ch}`;
    } else {
      re += ch;
    }
  }
  try {
    return new RegExp(`${re}$`, 's');
  } catch {
    return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 's');
  }
}

/** Cleans a path like Go's filepath.Clean, without a leading `/` or `./`. */
export function cleanPath(p: string): string {
  let c = posix.normalize(p);
  while (c.startsWith('/')) c = c.slice(1);
  if (c.endsWith('/')) c = c.slice(0, -1);
  return c === '' ? '.' : c;
}

/**
 * `.dockerignore` rules like docker's: `#` comments, `*`, `?`, `[...]`, `**` across directories,
 * `!` exceptions, the last matching pattern wins, and a pattern matching a parent directory
 * matches everything below it.
 */
export class DockerIgnore {
  private readonly patterns: Pattern[];
  readonly hasExceptions: boolean;

  constructor(lines: readonly string[]) {
    this.patterns = [];
    for (const line of lines) {
      let t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const exclusion = t.startsWith('!');
      if (exclusion) t = t.slice(1).trim();
      if (t === '') continue;
      const text = cleanPath(t);
      this.patterns.push({ text, exclusion, regex: patternToRegExp(text) });
    }
    this.hasExceptions = this.patterns.some((p) => p.exclusion);
  }

  static parse(text: string): DockerIgnore {
    return new DockerIgnore(text.split(/\r?\n/));
  }

  static readonly empty = new DockerIgnore([]);

  /** Is `relPath` (relative to the context root) ignored? */
  ignores(relPath: string): boolean {
    const file = cleanPath(relPath);
    if (file === '.') return false;
    const parents = file.split('/');
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // cannot change the outcome
      let match = p.regex.test(file);
      for (let i = 1; !match && i < parents.length; i++) match = p.regex.test(parents.slice(0, i).join('/'));
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /** For a directory walk: skip ignored paths, but still descend into ignored directories when exceptions exist. */
  decide(relPath: string, isDir: boolean): WalkDecision {
    if (!this.ignores(relPath)) return 'include';
    return isDir && this.hasExceptions ? 'descend-only' : 'exclude';
  }
}
