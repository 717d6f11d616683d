import { usageError } from '../errors.js';
import type { ImageConfig } from '../oci/types.js';
import { dockerfileError, parseJsonArray, type DockerfileInstruction } from './dockerfile.js';
import { normalizePorts, type ConfigChanges } from './image-config.js';
import { shellWord, shellWords, type VarLookup } from './shell-words.js';

/**
 * Turns one metadata instruction (after FROM) into config changes. Variables are expanded where
 * docker expands them (ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL); exec-form CMD and
 * ENTRYPOINT are taken as written, shell forms become `[...SHELL, text]`.
 */
export interface EvalContext {
  escape: string;
  lookup: VarLookup;
  config: ImageConfig;
}

/** Instructions refused because they need a container (or a feature hubctl has not got). */
export const NEEDS_CONTAINER = new Set(['RUN']);

/** `K=V K2="v 2"` pairs, or the legacy single `K V...` form (ENV, LABEL). */
export function keyValuePairs(ins: DockerfileInstruction, ctx: EvalContext): Array<[string, string]> {
  const text = ins.args;
  if (text === '') throw dockerfileError(ins.line, `${ins.keyword} needs at least one key=value`);
  const firstWord = /^\S+/.exec(text)![0];
  const opts = { escape: ctx.escape, lookup: ctx.lookup };
  if (!firstWord.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(text);
    if (!m) throw dockerfileError(ins.line, `${ins.keyword} ${firstWord} needs a value`, `use ${ins.keyword} ${firstWord}=value`);
    return [[shellWord(m[1]!, opts), shellWord(m[2]!.trim(), opts)]];
  }
  return shellWords(text, opts).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw dockerfileError(ins.line, `${ins.keyword} expects key=value pairs, got "${w}"`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** CMD/ENTRYPOINT/HEALTHCHECK CMD: the exec form as is, or the shell form run through SHELL. */
export function commandForm(ins: DockerfileInstruction, args: string, config: ImageConfig): string[] {
  const json = parseJsonArray(args);
  if (json !== undefined) return json;
  const shell = (config.config?.Shell as string[] | undefined) ?? ['/bin/sh', '-c'];
  if (args.trim() === '') throw dockerfileError(ins.line, `${ins.keyword} needs a command`);
  return [...shell, args.trim()];
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go-style duration (`30s`, `1m30s`, `500ms`) in nanoseconds. */
export function parseDuration(text: string, line: number): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  if (text === '' || text === '0') return 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw dockerfileError(line, `invalid duration "${text}"`, 'use e.g. 30s, 1m30s or 500ms');
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return Math.round(total);
}

function healthcheck(ins: DockerfileInstruction, ctx: EvalContext): Record<string, unknown> | null {
  const words = ins.args.trim();
  if (/^none$/i.test(words)) {
    if (ins.flags.length > 0) throw dockerfileError(ins.line, 'HEALTHCHECK NONE takes no options');
    return null;
  }
  const m = /^cmd(?:\s+([\s\S]*))?$/i.exec(words);
  if (!m) throw dockerfileError(ins.line, 'HEALTHCHECK expects NONE or CMD <command>');
  const rest = m[1] ?? '';
  const json = parseJsonArray(rest);
  const test = json !== undefined ? ['CMD', ...json] : ['CMD-SHELL', rest.trim()];
  if (test.length < 2 || test[1] === '') throw dockerfileError(ins.line, 'HEALTHCHECK CMD needs a command');
  const hc: Record<string, unknown> = { Test: test };
  for (const [name, raw] of ins.flags) {
    const value = shellWord(raw, { escape: ctx.escape, lookup: ctx.lookup });
    const key = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' }[name];
    if (key) hc[key] = parseDuration(value, ins.line);
    else if (name === 'retries') {
      if (!/^\d+$/.test(value)) throw dockerfileError(ins.line, `invalid --retries "${value}"`);
      hc.Retries = Number(value);
    } else throw dockerfileError(ins.line, `unknown flag --${name} for HEALTHCHECK`);
  }
  return hc;
}

/** Config changes for a metadata instruction. */
export function metadataChanges(ins: DockerfileInstruction, ctx: EvalContext): ConfigChanges {
  const opts = { escape: ctx.escape, lookup: ctx.lookup };
  switch (ins.keyword) {
    case 'ENV':
      return { env: keyValuePairs(ins, ctx).map(([k, v]) => `${k}=${v}`) };
    case 'LABEL':
      return { labels: Object.fromEntries(keyValuePairs(ins, ctx)) };
    case 'CMD':
      return { cmd: commandForm(ins, ins.args, ctx.config) };
    case 'ENTRYPOINT':
      return { entrypoint: commandForm(ins, ins.args, ctx.config) };
    case 'WORKDIR': {
      const dir = shellWord(ins.args, opts);
      if (dir === '') throw dockerfileError(ins.line, 'WORKDIR needs a path');
      return { workdir: dir };
    }
    case 'USER': {
      const user = shellWord(ins.args, opts);
      if (user === '') throw dockerfileError(ins.line, 'USER needs a user name or uid');
      return { user };
    }
    case 'EXPOSE': {
      const ports = shellWords(ins.args, opts);
      if (ports.length === 0) throw dockerfileError(ins.line, 'EXPOSE needs at least one port');
      for (const p of ports) {
        try {
          normalizePorts(p);
        } catch (e) {
          throw dockerfileError(ins.line, (e as Error).message, 'use PORT[/tcp|/udp], e.g. 80, 80/tcp or 53/udp');
        }
      }
      return { expose: ports };
    }
    case 'VOLUME': {
      const vols = ins.json ?? shellWords(ins.args, opts);
      if (vols.length === 0 || vols.some((v) => v.trim() === '')) throw dockerfileError(ins.line, 'VOLUME needs at least one path');
      return { volumes: vols.map((v) => shellWord(v, opts)) };
    }
    case 'STOPSIGNAL': {
      const sig = shellWord(ins.args, opts);
      if (sig === '') throw dockerfileError(ins.line, 'STOPSIGNAL needs a signal');
      return { stopSignal: sig };
    }
    case 'MAINTAINER':
      return { author: ins.args };
    case 'HEALTHCHECK':
      return { healthcheck: healthcheck(ins, ctx) };
    case 'SHELL': {
      if (!ins.json || ins.json.length === 0)
        throw dockerfileError(ins.line, 'SHELL must be given in JSON form, e.g. SHELL ["/bin/bash", "-c"]');
      return { shell: ins.json };
    }
    case 'ONBUILD': {
      const trigger = /^(\S+)/.exec(ins.args)?.[1]?.toUpperCase();
      if (!trigger) throw dockerfileError(ins.line, 'ONBUILD needs an instruction');
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger)) throw dockerfileError(ins.line, `ONBUILD ${trigger} is not allowed`);
      return { onBuild: [ins.args] };
    }
    default:
      throw usageError('DOCKERFILE_INVALID', `Dockerfile:${ins.line}: ${ins.keyword} is not a metadata instruction`);
  }
}
