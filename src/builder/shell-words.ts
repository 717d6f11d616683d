import { usageError } from '../errors.js';

/** Variables visible to a substitution (ARG and ENV values). */
export type VarLookup = (name: string) => string | undefined;

export interface ShellWordsOptions {
  escape?: string;
  lookup: VarLookup;
}

class Lexer {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly esc: string,
    private readonly lookup: VarLookup,
  ) {}

  /** Words split on unquoted whitespace; quoted empty words are kept. */
  words(split: boolean): string[] {
    const out: string[] = [];
    let word = '';
    let quoted = false;
    const s = this.s;
    while (this.i < s.length) {
      const ch = s[this.i]!;
      if (split && /\s/.test(ch)) {
        if (word !== '' || quoted) out.push(word);
        word = '';
        quoted = false;
        this.i++;
        continue;
      }
      if (ch === this.esc) {
        this.i++;
        if (this.i < s.length) word += s[this.i++];
        continue;
      }
      if (ch === "'") {
        quoted = true;
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw unterminated("'");
        word += s.slice(this.i + 1, end);
        this.i = end + 1;
        continue;
      }
      if (ch === '"') {
        quoted = true;
        this.i++;
        word += this.doubleQuoted();
        continue;
      }
      if (ch === '$') {
        const value = this.variable();
        if (!split) {
          word += value;
          continue;
        }
        // like docker: an unquoted expansion is split on whitespace
        for (const c of value) {
          if (!/\s/.test(c)) word += c;
          else if (word !== '') {
            out.push(word);
            word = '';
            quoted = false;
          }
        }
        continue;
      }
      word += ch;
      this.i++;
    }
    if (word !== '' || quoted || !split) out.push(word);
    return out;
  }

  private doubleQuoted(): string {
    const s = this.s;
    let out = '';
    while (this.i < s.length) {
      const ch = s[this.i]!;
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch === this.esc && this.i + 1 < s.length && ['"', '$', this.esc].includes(s[this.i + 1]!)) {
        out += s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (ch === '$') {
        out += this.variable();
        continue;
      }
      out += ch;
      this.i++;
    }
    throw unterminated('"');
  }

  /** At a `$`: `${name}`, `${name:-w}`, `${name:+w}`, `${name-w}`, `${name+w}`, `${name:?msg}`, `$name`. */
  private variable(): string {
    const s = this.s;
    this.i++; // $
    if (s[this.i] === '{') {
      const close = this.matchingBrace(this.i);
      const body = s.slice(this.i + 1, close);
      this.i = close + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
      if (!m) throw usageError('DOCKERFILE_INVALID', `bad substitution "\${${body}}"`);
      const [, name, op, word] = m as unknown as [string, string, string | undefined, string | undefined];
      const value = this.lookup(name);
      if (op === undefined) return value ?? '';
      const alt = (): string => new Lexer(word ?? '', this.esc, this.lookup).words(false)[0] ?? '';
      const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
      switch (op.replace(':', '')) {
        case '-':
          return set ? value! : alt();
        case '+':
          return set ? alt() : '';
        default:
          if (set) return value!;
          throw usageError('DOCKERFILE_INVALID', `${name}: ${alt() || 'is not set'}`);
      }
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.i));
    if (!m) return '$';
    this.i += m[0].length;
    return this.lookup(m[0]) ?? '';
  }

  private matchingBrace(open: number): number {
    let depth = 0;
    for (let j = open; j < this.s.length; j++) {
      if (this.s[j] === '{') depth++;
      else if (this.s[j] === '}' && --depth === 0) return j;
    }
    throw usageError('DOCKERFILE_INVALID', `missing "}" in "${this.s}"`);
  }
}

function unterminated(q: string): Error {
  return usageError('DOCKERFILE_INVALID', `unterminated ${q} quote`);
}

/** Expands variables and removes quotes, splitting on unquoted whitespace (COPY sources, ENV pairs). */
export function shellWords(input: string, options: ShellWordsOptions): string[] {
  return new Lexer(input, options.escape ?? '\\', options.lookup).words(true);
}

/** Expands variables and removes quotes without splitting (WORKDIR, USER, a JSON element...). */
export function shellWord(input: string, options: ShellWordsOptions): string {
  return new Lexer(input, options.escape ?? '\\', options.lookup).words(false)[0] ?? '';
}
