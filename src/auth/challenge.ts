import { authError } from '../errors.js';

/** One challenge of a `WWW-Authenticate` header (RFC 7235). */
export interface Challenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lower-cased; values unquoted and unescaped. The first of duplicates wins. */
  params: Record<string, string>;
  /** A token68 credential instead of parameters (rare in challenges). */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;
const MAX_HEADER = 16 * 1024;

function invalid(why: string) {
  return authError('INVALID_CHALLENGE', `cannot read the registry's WWW-Authenticate header: ${why}`, {
    hint: 'the registry or a proxy in front of it sent a malformed authentication challenge',
  });
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  skipWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && TCHAR.test(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }
  /** An unquoted value: a token, leniently extended to anything up to ',' or whitespace (unquoted URLs occur). */
  bareValue(): string {
    const start = this.pos;
    while (!this.done && !/[,\s"]/.test(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }
  quoted(): string {
    // at the opening quote
    this.pos++;
    let out = '';
    for (;;) {
      if (this.done) throw invalid('unterminated quoted string');
      const c = this.s[this.pos++] as string;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.done) throw invalid('unterminated escape in quoted string');
        out += this.s[this.pos++];
      } else {
        out += c;
      }
    }
  }
}

/**
 * Parses one or more `WWW-Authenticate` header values into challenges, in order. Several challenges
 * may share one header (`Bearer realm="…",service="…", Basic realm="…"`). Throws only HubctlError
 * (kind 'auth', code INVALID_CHALLENGE) on malformed input.
 */
export function parseWwwAuthenticate(values: string | readonly string[] | undefined): Challenge[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out: Challenge[] = [];
  for (const value of list) {
    if (typeof value !== 'string') continue;
    if (value.length > MAX_HEADER) throw invalid('header too long');
    out.push(...parseOne(value));
  }
  return out;
}

function parseOne(value: string): Challenge[] {
  const sc = new Scanner(value);
  const out: Challenge[] = [];
  for (;;) {
    while (sc.peek() === ',' || sc.peek() === ' ' || sc.peek() === '\t') sc.pos++;
    if (sc.done) return out;
    const scheme = sc.token();
    if (scheme === '') throw invalid(`unexpected character ${JSON.stringify(sc.peek())} at position ${sc.pos}`);
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: Object.create(null) as Record<string, string> };
    out.push(challenge);
    const afterScheme = sc.pos;
    sc.skipWs();
    if (sc.done || sc.peek() === ',') continue;
    if (sc.pos === afterScheme) throw invalid(`expected a space after the scheme ${JSON.stringify(scheme)}`);
    // token68 form: `Scheme abc/def==` followed by the end or a comma
    const t68 = TOKEN68.exec(value.slice(sc.pos));
    if (t68 !== null) {
      let p = sc.pos + t68[0].length;
      while (value[p] === ' ' || value[p] === '\t') p++;
      if (p >= value.length || value[p] === ',') {
        challenge.token68 = t68[0];
        sc.pos = p;
        continue;
      }
    }
    readParams(sc, challenge);
  }
}

/** Reads `name=value` pairs until the next challenge (a token not followed by '=') or the end. */
function readParams(sc: Scanner, challenge: Challenge): void {
  for (;;) {
    sc.skipWs();
    if (sc.done) return;
    const start = sc.pos;
    const name = sc.token();
    if (name === '') throw invalid(`unexpected character ${JSON.stringify(sc.peek())} at position ${sc.pos}`);
    sc.skipWs();
    if (sc.peek() !== '=') {
      // a new challenge begins here
      sc.pos = start;
      return;
    }
    sc.pos++;
    sc.skipWs();
    let val: string;
    if (sc.peek() === '"') val = sc.quoted();
    else val = sc.bareValue();
    const key = name.toLowerCase();
    if (!(key in challenge.params)) challenge.params[key] = val;
    sc.skipWs();
    if (sc.done) return;
    if (sc.peek() !== ',') throw invalid(`expected ',' at position ${sc.pos}`);
    while (sc.peek() === ',' || sc.peek() === ' ' || sc.peek() === '\t') sc.pos++;
  }
}

/** The challenge to answer: Bearer when offered, else Basic, else undefined. */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/** Scopes named by a challenge (`scope` may hold several, space-separated). */
export function challengeScopes(challenge: Challenge | undefined): string[] {
  const raw = challenge?.params.scope;
  if (raw === undefined) return [];
  return raw.split(/\s+/).filter((s) => s !== '');
}
