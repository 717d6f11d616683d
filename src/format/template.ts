import { FUNCTIONS, Parser, fail, type Command, type CompileOptions, type Node, type Operand } from './template-parse.js';

export type { CompileOptions } from './template-parse.js';

/**
 * A small Go text/template subset for `--format`, with docker's template functions:
 * text, `{{.Field}}`, `{{.}}`, `{{- ... -}}` trimming, comment actions (slash-star ... star-slash), pipelines `a | f`,
 * parentheses, string/number/bool literals and the functions json, upper, lower, title, truncate, pad,
 * split, join. Control actions (if/range/with/define/template/block), variables and methods are not
 * supported and say so. Field names are checked when the template is compiled.
 */

export type TemplateValue = string | number | boolean | readonly TemplateValue[] | TemplateObject;
/** The dot (or a nested object): named fields plus its JSON form. */
export interface TemplateObject {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, TemplateValue>>;
  /** What `{{json .}}` prints (docker: sorted keys, JSON-typed field values); null for a JSON null. */
  readonly json: unknown;
}

/**
 * A JSON value as a template value: objects become TemplateObjects (their keys are fields, so
 * `{{.Config.Env}}` walks into them), arrays lists, null an object without fields that prints `null`.
 */
export function templateValue(json: unknown): TemplateValue {
  if (typeof json === 'string' || typeof json === 'number' || typeof json === 'boolean') return json;
  if (Array.isArray(json)) return json.map(templateValue);
  if (json === null || typeof json !== 'object') return { kind: 'object', fields: {}, json: null };
  const fields: Record<string, TemplateValue> = {};
  for (const [k, v] of Object.entries(json)) fields[k] = templateValue(v);
  return { kind: 'object', fields, json };
}

export class Template {
  private constructor(
    private readonly nodes: Node[],
    readonly source: string,
  ) {}

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
        if (args.length > 0)
          fail(this.source, 'arguments can only be given to a function (json, upper, lower, title, truncate, pad, split, join)');
        prev = this.evalOperand(head, dot, header);
      }
    }
    return prev ?? '';
  }

  private evalOperand(op: Operand, dot: TemplateObject, header: boolean): TemplateValue {
    switch (op.t) {
      case 'dot':
        return dot;
      case 'field': {
        let v: TemplateValue = dot.fields[op.name] ?? '';
        for (const key of op.rest) {
          const obj = typeof v === 'object' && !Array.isArray(v) ? (v as TemplateObject) : undefined;
          const next = obj?.fields[key];
          if (next === undefined) {
            if (obj?.json === null) return obj; // a field of a JSON null is null, as Go's nil map gives no value
            fail(this.source, `can't evaluate field ${key} in .${[op.name, ...op.rest].join('.')}`);
          }
          v = next;
        }
        return v;
      }
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
        if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
          fail(this.source, `join expects a list of strings, got ${describe(list)}`);
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
  return JSON.stringify(plain)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function print(v: TemplateValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(print).join(' ')}]`;
  return toJson(v);
}
