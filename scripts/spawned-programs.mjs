// Finds the external programs that source files start, so test/unit/system-deps.test.ts can check each
// one is in scripts/system-deps.mjs. It reads calls whose program is written in the source:
//   spawn / spawnSync / execFile / execFileSync / runTool / requireTool / findTool / spawnWatched ('name', ...)
//   exec / execSync ('shell command'), and `sh -c 'script'` or `script -qec 'command'` arguments: the
//   first word of each command
// The program may be a string literal, an absolute path (its base name counts) or a `const X = '...'`
// of the same file. A program chosen at run time (a variable, `docker-credential-${name}`) cannot be
// read and is not reported; process.execPath (node) is not an external program.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const CALLS = ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'runTool', 'requireTool', 'findTool', 'spawnWatched'];
const SHELL_CALLS = ['exec', 'execSync'];
const SHELLS = new Set(['sh', 'bash', 'dash']);
// Shell builtins and keywords: not programs on PATH.
const BUILTINS = new Set(
  (
    'if then else elif fi while until do done for in case esac function ! { } [ [[ test true false : . source echo printf read ' +
    'wait kill cd export set unset shift trap exit return local eval command exec readonly umask ulimit type hash times'
  ).split(' '),
);

// Words after which the next word is the program: `exec cat`, `while kill -0 ...`, `then rm ...`.
const PREFIXES = new Set(['exec', '!', 'then', 'do', 'else', 'while', 'until', 'if', 'elif', 'command']);

/** @typedef {{ program: string, line: number, via: string }} Found */

/**
 * Tokens of a call's argument text: string literals (value) and bare words (identifiers, numbers).
 * @param {string} text
 * @returns {{ kind: 'str' | 'word' | 'tmpl', value: string }[]}
 */
function tokens(text) {
  /** @type {{ kind: 'str' | 'word' | 'tmpl', value: string }[]} */ const out = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let value = '';
      let dynamic = false;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') {
          const n = text[j + 1];
          value += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
          j += 2;
          continue;
        }
        if (c === '`' && text[j] === '$' && text[j + 1] === '{') {
          // a substitution: kept as `$DYN` (a shell word that names no program)
          dynamic = true;
          let depth = 0;
          for (; j < text.length; j++) {
            if (text[j] === '{') depth++;
            else if (text[j] === '}' && --depth === 0) break;
          }
          value += '$DYN';
          j++;
          continue;
        }
        value += text[j];
        j++;
      }
      out.push({ kind: dynamic ? 'tmpl' : 'str', value });
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c ?? '')) {
      const m = /^[A-Za-z_$][\w$.]*/.exec(text.slice(i));
      out.push({ kind: 'word', value: m?.[0] ?? c ?? '' });
      i += m?.[0].length ?? 1;
    } else i++;
  }
  return out;
}

/** A JS string literal's escapes, as far as a program name or script needs. @param {string} s */
function unescapeJs(s) {
  return s.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** The text between the `(` at `open` and its matching `)`, skipping strings, templates and comments. */
function callArgs(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return src.slice(open + 1, i);
  }
  return src.slice(open + 1);
}

/**
 * Programs a shell script starts: the first word of each simple command.
 * @param {string} script
 * @returns {string[]}
 */
export function shellPrograms(script) {
  const found = [];
  const cleaned = script
    .replace(/(^|\s)#[^\n]*/g, '$1')
    .replace(/\$\(\([^)]*\)\)/g, '$N')
    .replace(/'[^']*'/g, "''")
    .replace(/\d*[<>]&\d*-?/g, ' ');
  for (const part of cleaned.split(/\n|;|\|\||&&|\||&|\$\(|\(|\)|`/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    let k = 0;
    while (k < words.length) {
      const w = words[k] ?? '';
      if (/^\w+=/.test(w) || /^\d*[<>]/.test(w) || PREFIXES.has(w)) k++;
      else break;
    }
    const w = words[k];
    if (w === undefined || /^["$]/.test(w) || BUILTINS.has(w)) continue;
    found.push(w.includes('/') ? basename(w) : w);
  }
  return found;
}

/**
 * External programs started in one source file.
 * @param {string} src
 * @returns {Found[]}
 */
export function scanSource(src) {
  /** @type {Map<string, string>} */ const consts = new Map();
  for (const m of src.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*(['"`])((?:(?!\2)[^\\$]|\$(?!\{)|\\.)*)\2/g)) {
    consts.set(m[1] ?? '', unescapeJs(m[3] ?? ''));
  }
  /** @type {Found[]} */ const out = [];
  const lineOf = (i) => src.slice(0, i).split('\n').length;
  const value = (t) => (t === undefined ? undefined : t.kind === 'str' ? t.value : t.kind === 'word' ? consts.get(t.value) : undefined);
  // a script may be built with ${...}: its literal words still name programs
  const script = (t) => (t?.kind === 'tmpl' ? t.value : value(t));
  const programOf = (v) => (v.includes('/') ? basename(v) : v);
  const names = [...CALLS, ...SHELL_CALLS].join('|');
  for (const m of src.matchAll(new RegExp(`(^|[^\\w$.]|\\.(?=spawn|exec))(${names})\\s*\\(`, 'g'))) {
    const call = m[2] ?? '';
    // `re.exec(text)` is a regular expression, not child_process.exec
    if (SHELL_CALLS.includes(call) && m[1] === '.') continue;
    const at = (m.index ?? 0) + m[0].length - 1;
    if (/function\s*$/.test(src.slice(Math.max(0, (m.index ?? 0) - 12), (m.index ?? 0) + (m[1]?.length ?? 0)))) continue;
    const line = lineOf(at);
    const toks = tokens(callArgs(src, at));
    const lineStart = src.lastIndexOf('\n', m.index ?? 0) + 1;
    if (/\/\/|^\s*\*/.test(src.slice(lineStart, (m.index ?? 0) + (m[1]?.length ?? 0)))) continue; // a comment
    if (SHELL_CALLS.includes(call)) {
      const text = script(toks[0]);
      if (text !== undefined) for (const program of shellPrograms(text)) out.push({ program, line, via: call });
      continue;
    }
    const first = value(toks[0]);
    if (first === undefined) continue;
    const program = programOf(first);
    out.push({ program, line, via: call });
    // `sh -c SCRIPT` (also after dbus-run-session --): the script's commands count too
    for (let k = 1; k < toks.length; k++) {
      const v = value(toks[k]);
      if (v !== undefined && SHELLS.has(programOf(v)) && k > 1) out.push({ program: programOf(v), line, via: call });
      if (v === '-c' && (SHELLS.has(program) || SHELLS.has(programOf(value(toks[k - 1]) ?? '')))) {
        const text = script(toks[k + 1]);
        if (text !== undefined) for (const p of shellPrograms(text)) out.push({ program: p, line, via: `${call} sh -c` });
      }
      // util-linux `script -qec COMMAND` runs COMMAND through a shell as well
      if (program === 'script' && v !== undefined && /^-[a-z]*c$/.test(v)) {
        const text = script(toks[k + 1]);
        if (text !== undefined) for (const p of shellPrograms(text)) out.push({ program: p, line, via: `${call} script -c` });
      }
    }
  }
  return out;
}

/**
 * Every program started by the source files under `dirs` (relative to `root`).
 * @param {string} root
 * @param {string[]} dirs
 * @returns {(Found & { file: string })[]}
 */
export function scanTree(root, dirs) {
  /** @type {(Found & { file: string })[]} */ const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '__snapshots__' && !e.name.startsWith('.')) walk(p);
      } else if (/\.(m|c)?[jt]s$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.d.mts')) {
        for (const f of scanSource(readFileSync(p, 'utf8'))) out.push({ ...f, file: relative(root, p) });
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}
