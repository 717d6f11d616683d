import { usageError } from '../errors.js';

/**
 * A small Go text/template subset for `--format`, with docker's template functions:
 * text, `{{.Field}}`, `{{.}}`, `{{- ... -}}` trimming, comment actions (slash-star ... star-slash), pipelines `a | f`,
 * parentheses, string/number/bool literals and the functions json, upper, lower, title, truncate, pad,
 * split, join. Control actions (if/range/with/define/template/block), variables and methods are not
 * supported and say so. Field names are checked when the template is compiled.
 */

export type TemplateValue = string | number | boolean | readonly TemplateValue[] | TemplateObject;
/** The dot: named string fields plus its JSON form. */
export interface TemplateObject {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, string>>;
  /** What `{{json .}}` prints (docker: sorted keys, JSON-typed field values). */
  readonly json: Readonly<Record<string, unknown>>;
}

type Operand =
  | { t: 'dot' }
  | { t: 'field'; name: string; rest: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; value: string | number | boolean }
  | { t: 'pipe'; pipe: Command[] };
type Command = Operand[];
type Node = { t: 'text'; text: string } | { t: 'action'; pipe: Command[] };

export interface CompileOptions {
  /** Field names the dot has (`Name`, `StarCount`...). */
  fields: readonly string[];
}

const FUNCTIONS = ['json', 'upper', 'lower', 'title', 'truncate', 'pad', 'split', 'join'] as const;
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);

function fail(source: string, why: string, hint?: string): never {
  const shown = source.length > 200 ? `${source.slice(0, 200)}...` : source;
  throw usageError('INVALID_FORMAT', `invalid --format template ${JSON.stringify(shown)}: ${why}`, hint === undefined ? {} : { hint });
}

export class Template {
  private constructor(private readonly nodes: Node[], readonly source: string) {}

  static compile(source: string, options: CompileOptions): Template {
    const p = new Parser(source, options);
    return new Template(p.parse(), source);
  }

  /** Renders with the dot. In header mode functions return their first argument (docker's HeaderFunctions). */
  render(dot: TemplateObject, header = false): string {
    let out = '';
    for (const n of this.nodes) {
      if (n.t === 'text') out += n.text;
      else out += print(this.evalPipe(n.pipe, dot, header));
    }
    return out;
  }

  private evalPipe(pipe: Command[], dot: TemplateObject, header: boolean): TemplateValue {
    let prev: TemplateValue | undefined;
    for (const cmd of pipe) {
      const head = cmd[0]!;
      const args = cmd.slice(1).map((a) => this.evalOperand(a, dot, header));
      if (prev !== undefined) args.push(prev);
      if (head.t === 'ident') prev = this.call(head.name, args, header);
      else {
        if (args.length > 0) fail(this.source, 'arguments can only be given to a function (json, upper, lower, title, truncate, pad, split, join)');
        prev = this.evalOperand(head, dot, header);
      }
    }
    return prev ?? '';
  }

  private evalOperand(op: Operand, dot: TemplateObject, header: boolean): TemplateValue {
    switch (op.t) {
      case 'dot':
        return dot;
      case 'field':
        return dot.fields[op.name] ?? '';
      case 'lit':
        return op.value;
      case 'pipe':
        return this.evalPipe(op.pipe, dot, header);
      case 'ident':
        return this.call(op.name, [], header);
    }
  }

  private call(name: string, args: TemplateValue[], header: boolean): TemplateValue {
    const want = (n: number): void => {
      if (args.length !== n) fail(this.source, `wrong number of arguments for ${name}: want ${n}, got ${args.length}`);
    };
    const str = (v: TemplateValue | undefined): string => {
      if (typeof v === 'string') return v;
      return fail(this.source, `${name} expects a string, got ${describe(v)}`);
    };
    const int = (v: TemplateValue | undefined): number => {
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      return fail(this.source, `${name} expects a whole number, got ${describe(v)}`);
    };
    if (header) {
      // docker renders table headers with functions that hand back their first argument
      if (args.length === 0) fail(this.source, `wrong number of arguments for ${name}`);
      const first = args[0]!;
      return typeof first === 'object' && !Array.isArray(first) ? '' : first;
    }
    switch (name) {
      case 'json':
        want(1);
        return toJson(args[0]!);
      case 'upper':
        want(1);
        return str(args[0]).toUpperCase();
      case 'lower':
        want(1);
        return str(args[0]).toLowerCase();
      case 'title':
        want(1);
        return str(args[0]).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
      case 'truncate': {
        want(2);
        const s = Array.from(str(args[0]));
        const n = int(args[1]);
        return s.length < n || n < 0 ? s.join('') : s.slice(0, n).join('');
      }
      case 'pad': {
        want(3);
        const s = str(args[0]);
        const before = int(args[1]);
        const after = int(args[2]);
        if (before < 0 || after < 0 || before + after > 1000) fail(this.source, 'pad widths must be from 0 to 1000');
        return ' '.repeat(before) + s + ' '.repeat(after);
      }
      case 'split':
        want(2);
        return str(args[0]).split(str(args[1]));
      case 'join': {
        want(2);
        const list = args[0];
        if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) fail(this.source, `join expects a list of strings, got ${describe(list)}`);
        return (list as string[]).join(str(args[1]));
      }
      default:
        return fail(this.source, `function "${name}" not defined`, `functions are ${FUNCTIONS.join(', ')}`);
    }
  }
}

function describe(v: TemplateValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'the whole result (.)';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Go's json encoding (SetEscapeHTML(false)) still escapes U+2028 and U+2029. */
function toJson(v: TemplateValue): string {
  const plain = typeof v === 'object' && !Array.isArray(v) ? (v as TemplateObject).json : v;
  return JSON.stringify(plain).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function print(v: TemplateValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(print).join(' ')}]`;
  return toJson(v);
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly fields: Set<string>;

  constructor(private readonly src: string, private readonly options: CompileOptions) {
    this.fields = new Set(options.fields);
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
    return fail(s, this.pos >= s.length ? 'unclosed action (missing }})' : `unexpected ${JSON.stringify(s.slice(this.pos, this.pos + 10))} in action`);
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
      if (more.length > 0) fail(s, `.${name} is text and has no field .${more.join('.')}`);
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
    if (rest[0] === '$') fail(s, 'template variables ($) are not supported by hubctl\'s --format');
    return fail(s, `unexpected ${JSON.stringify(rest.slice(0, 10))} in action`);
  }
}
