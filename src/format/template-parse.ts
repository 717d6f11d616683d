import { usageError } from '../errors.js';

/** Syntax tree and parser of the `--format` template subset (see template.ts). */

export type Operand =
  | { t: 'dot' }
  | { t: 'field'; name: string; rest: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; value: string | number | boolean }
  | { t: 'pipe'; pipe: Command[] };
export type Command = Operand[];
export type Node = { t: 'text'; text: string } | { t: 'action'; pipe: Command[] };

export interface CompileOptions {
  /** Field names the dot has (`Name`, `StarCount`...). */
  fields: readonly string[];
  /** Fields holding objects (`Config`): `.Config.Env` is checked when rendered, not here. */
  nested?: readonly string[];
}

export const FUNCTIONS = ['json', 'upper', 'lower', 'title', 'truncate', 'pad', 'split', 'join'] as const;
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);

export function fail(source: string, why: string, hint?: string): never {
  const shown = source.length > 200 ? `${source.slice(0, 200)}...` : source;
  throw usageError('INVALID_FORMAT', `invalid --format template ${JSON.stringify(shown)}: ${why}`, hint === undefined ? {} : { hint });
}

export class Parser {
  private pos = 0;
  private depth = 0;
  private readonly fields: Set<string>;
  private readonly nested: Set<string>;

  constructor(
    private readonly src: string,
    private readonly options: CompileOptions,
  ) {
    this.fields = new Set(options.fields);
    this.nested = new Set(options.nested ?? []);
  }

  parse(): Node[] {
    const nodes: Node[] = [];
    const s = this.src;
    let trimNext = false;
    while (this.pos < s.length) {
      const open = s.indexOf('{{', this.pos);
      let text = s.slice(this.pos, open < 0 ? s.length : open);
      if (trimNext) text = text.replace(/^\s+/, '');
      trimNext = false;
      let trimPrev = false;
      if (open >= 0 && /^\{\{-[ \t\r\n]/.test(s.slice(open, open + 4))) trimPrev = true;
      if (trimPrev) text = text.replace(/\s+$/, '');
      if (text !== '') nodes.push({ t: 'text', text });
      if (open < 0) break;
      this.pos = open + (trimPrev ? 3 : 2);
      const comment = /^\s*\/\*/.exec(s.slice(this.pos, this.pos + 64));
      if (comment) {
        const end = s.indexOf('*/', this.pos);
        if (end < 0) fail(s, 'unclosed comment');
        this.pos = end + 2;
        const close = /^(\s+-)?\}\}/.exec(s.slice(this.pos));
        if (!close) fail(s, 'comment ends with */ not followed by }}');
        trimNext = close[1] !== undefined;
        this.pos += close[0].length;
        continue;
      }
      const pipe = this.pipeline(false);
      if (pipe.length === 0) fail(s, 'missing value for command (empty {{ }})');
      trimNext = this.closeAction();
      nodes.push({ t: 'action', pipe });
    }
    return nodes;
  }

  /** Consumes `}}` or ` -}}`; returns true when the next text is trimmed. */
  private closeAction(): boolean {
    const s = this.src;
    if (s.startsWith('}}', this.pos)) {
      this.pos += 2;
      return false;
    }
    if (s.startsWith('-}}', this.pos) && /\s/.test(s[this.pos - 1] ?? '')) {
      this.pos += 3;
      return true;
    }
    return fail(
      s,
      this.pos >= s.length ? 'unclosed action (missing }})' : `unexpected ${JSON.stringify(s.slice(this.pos, this.pos + 10))} in action`,
    );
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private atActionEnd(): boolean {
    const s = this.src;
    return this.pos >= s.length || s.startsWith('}}', this.pos) || (s.startsWith('-}}', this.pos) && /\s/.test(s[this.pos - 1] ?? ''));
  }

  private pipeline(inParens: boolean): Command[] {
    const pipe: Command[] = [];
    let cmd: Command = [];
    for (;;) {
      this.skipSpace();
      if (this.atActionEnd()) break;
      const c = this.src[this.pos]!;
      if (c === ')') {
        if (!inParens) fail(this.src, 'unexpected ")"');
        break;
      }
      if (c === '|') {
        if (cmd.length === 0) fail(this.src, 'missing command before "|"');
        pipe.push(cmd);
        cmd = [];
        this.pos++;
        continue;
      }
      cmd.push(this.operand());
    }
    if (cmd.length > 0) pipe.push(cmd);
    else if (pipe.length > 0) fail(this.src, 'missing command after "|"');
    if (inParens) {
      if (this.src[this.pos] !== ')') fail(this.src, 'unclosed "("');
      this.pos++;
      if (pipe.length === 0) fail(this.src, 'empty parentheses');
    }
    for (let i = 1; i < pipe.length; i++) {
      if (pipe[i]![0]!.t !== 'ident') fail(this.src, 'only a function can follow "|"');
    }
    return pipe;
  }

  private operand(): Operand {
    const s = this.src;
    const rest = s.slice(this.pos);
    if (rest[0] === '(') {
      this.pos++;
      if (++this.depth > 50) fail(s, 'parentheses nested too deeply');
      const pipe = this.pipeline(true);
      this.depth--;
      return { t: 'pipe', pipe };
    }
    let m = /^\.((?:[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      const [name, ...more] = m[1]!.split('.');
      if (!this.fields.has(name!)) {
        fail(s, `unknown field .${name}`, `valid fields are ${this.options.fields.map((f) => `.${f}`).join(', ')}`);
      }
      if (more.length > 0 && !this.nested.has(name!)) fail(s, `.${name} is text and has no field .${more.join('.')}`);
      return { t: 'field', name: name!, rest: more };
    }
    if (rest[0] === '.' && !/^\.[^\s|)}]/.test(rest)) {
      this.pos++;
      return { t: 'dot' };
    }
    m = /^"((?:[^"\\\n]|\\.)*)"/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      try {
        return { t: 'lit', value: JSON.parse(m[0]) as string };
      } catch {
        return fail(s, `bad string literal ${m[0]}`);
      }
    }
    m = /^`([^`]*)`/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { t: 'lit', value: m[1]! };
    }
    m = /^[+-]?\d+(?![\w.])/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      const n = Number(m[0]);
      if (!Number.isSafeInteger(n)) fail(s, `number ${m[0]} is out of range`);
      return { t: 'lit', value: n };
    }
    m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      const name = m[0];
      if (name === 'true' || name === 'false') return { t: 'lit', value: name === 'true' };
      if (KEYWORDS.has(name)) fail(s, `"${name}" is not supported by hubctl's --format (only fields, pipelines and functions)`);
      if (!(FUNCTIONS as readonly string[]).includes(name)) {
        fail(s, `function "${name}" not defined`, `functions are ${FUNCTIONS.join(', ')}`);
      }
      return { t: 'ident', name };
    }
    if (rest[0] === '$') fail(s, "template variables ($) are not supported by hubctl's --format");
    return fail(s, `unexpected ${JSON.stringify(rest.slice(0, 10))} in action`);
  }
}
