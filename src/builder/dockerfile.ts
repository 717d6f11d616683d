import { usageError, type HubctlError } from '../errors.js';

/** One instruction of a Dockerfile, continuation lines joined, comments removed. */
export interface DockerfileInstruction {
  /** 1-based line where the instruction starts (used in every error). */
  line: number;
  /** Upper-cased keyword: FROM, COPY, ... */
  keyword: string;
  /** Leading `--name[=value]` flags (FROM, COPY, ADD, RUN, HEALTHCHECK), as name -> value ('' when bare). */
  flags: Array<[string, string]>;
  /** The arguments after the flags, trimmed. */
  args: string;
  /** The JSON (exec) form when `args` is a JSON array of strings. */
  json?: string[];
  /** `KEYWORD args` as written (continuations joined), for `Step n/m : ...`. */
  original: string;
}

export interface ParsedDockerfile {
  /** The escape character: `\` or `` ` `` (from `# escape=`). */
  escape: string;
  /** Parser directives found at the top (`syntax`, `escape`, `check`), lower-cased keys. */
  directives: Record<string, string>;
  instructions: DockerfileInstruction[];
}

export const KNOWN_INSTRUCTIONS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);
const FLAGGED = new Set(['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK']);
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

export function dockerfileError(line: number, message: string, hint?: string): HubctlError {
  return usageError('DOCKERFILE_INVALID', `Dockerfile:${line}: ${message}`, hint ? { hint, details: { line } } : { details: { line } });
}

/** Parses `["a", "b"]`; undefined when the text is not a JSON array of strings. */
export function parseJsonArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* shell form */
  }
  return undefined;
}

/** Splits leading `--flag[=value]` tokens off the arguments. */
function extractFlags(args: string): { flags: Array<[string, string]>; rest: string } {
  const flags: Array<[string, string]> = [];
  let rest = args;
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    flags.push([m[1]!.toLowerCase(), m[2] ?? '']);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

/**
 * Parses Dockerfile text the way docker's parser does: parser directives at the very top, `#`
 * comment lines (also inside continuations), the escape character at the end of a line joining the
 * next one, empty lines skipped, keywords case-insensitive. Throws HubctlError usage only.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  let escapeChar = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m || !lines[i]!.trim().startsWith('#')) break;
    const key = m[1]!.toLowerCase();
    if (!['syntax', 'escape', 'check'].includes(key)) break;
    if (key in directives) throw dockerfileError(i + 1, `the parser directive "${key}" is given twice`);
    directives[key] = m[2]!;
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`')
        throw dockerfileError(i + 1, `invalid escape character "${m[2]}"`, 'use # escape=\\ or # escape=`');
      escapeChar = m[2];
    }
  }
  const continuation = new RegExp(`${escapeChar === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const instructions: DockerfileInstruction[] = [];
  while (i < lines.length) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    let joined = '';
    let current = lines[i]!.replace(/^\s+/, '');
    i++;
    while (continuation.test(current)) {
      joined += current.replace(continuation, '');
      // comment and empty lines inside a continuation are dropped, like docker does
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trim().startsWith('#'))) i++;
      if (i >= lines.length) {
        current = '';
        break;
      }
      current = lines[i]!.replace(/^\s+/, '');
      i++;
    }
    joined += current;
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(joined.trim());
    if (!m) continue;
    const word = m[1]!;
    const keyword = word.toUpperCase();
    if (!/^[A-Za-z]+$/.test(word) || !KNOWN_INSTRUCTIONS.has(keyword)) {
      throw dockerfileError(start, `unknown instruction: ${word}`, 'see https://docs.docker.com/reference/dockerfile/');
    }
    const raw = (m[2] ?? '').trim();
    const { flags, rest } = FLAGGED.has(keyword) ? extractFlags(raw) : { flags: [], rest: raw };
    const ins: DockerfileInstruction = { line: start, keyword, flags, args: rest, original: `${keyword} ${raw}`.trim() };
    const json = parseJsonArray(rest);
    if (json !== undefined) ins.json = json;
    instructions.push(ins);
  }
  return { escape: escapeChar, directives, instructions };
}
