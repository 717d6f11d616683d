import { usageError } from '../errors.js';
import { hostPlatform, parsePlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { dockerfileError, type DockerfileInstruction, type ParsedDockerfile } from './dockerfile.js';
import { NEEDS_CONTAINER } from './dockerfile-eval.js';
import { shellWord, shellWords } from './shell-words.js';

/** docker's automatic platform ARGs (TARGETPLATFORM, BUILDARCH...) for a build targeting `target`. */
export function predefinedArgs(target: Platform): Record<string, string> {
  const host = hostPlatform();
  return {
    TARGETPLATFORM: [target.os, target.architecture, target.variant].filter(Boolean).join('/'),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: [host.os, host.architecture].join('/'),
    BUILDOS: host.os,
    BUILDARCH: host.architecture,
  };
}

/** `ARG A B=1` -> [['A', undefined], ['B', '1']]. */
export function parseArgDecl(
  ins: DockerfileInstruction,
  lookup: (n: string) => string | undefined,
  escapeChar: string,
): Array<[string, string | undefined]> {
  const words = shellWords(ins.args, { escape: escapeChar, lookup });
  if (words.length === 0) throw dockerfileError(ins.line, 'ARG needs a name');
  return words.map((w) => {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw dockerfileError(ins.line, `invalid ARG name "${name}"`);
    return [name, eq < 0 ? undefined : w.slice(eq + 1)];
  });
}

/**
 * The first instruction that needs a container engine: a RUN, or the FROM that starts a second
 * stage (a multi-stage build). Undefined: the native builder can do it all.
 */
export function containerInstruction(instructions: readonly DockerfileInstruction[]): DockerfileInstruction | undefined {
  let froms = 0;
  return instructions.find((ins) => NEEDS_CONTAINER.has(ins.keyword) || (ins.keyword === 'FROM' && ++froms > 1));
}

export interface DockerfileStage {
  index: number;
  /** `AS name`, lower-cased. */
  name?: string;
  /** FROM first, then the stage's instructions (what buildah numbers `STEP k/n`). */
  instructions: DockerfileInstruction[];
  /** The FROM image, ARGs expanded: `scratch`, a previous stage, or an image (`ref`, normalized). */
  base: 'scratch' | 'stage' | 'image';
  ref?: string;
  platform: Platform;
  /** Stages this one reads (FROM a stage, COPY --from=stage). */
  needs: number[];
}

export interface StagePlan {
  stages: DockerfileStage[];
  /** Images the stages that build the target read (FROM and COPY --from), once each, in order. */
  images: Array<{ ref: string; platform: Platform; line: number }>;
}

export interface StagePlanOptions {
  buildArgs?: Record<string, string>;
  /** The build's platform (`--platform`); default this machine's. */
  platform?: Platform;
  /** `--target`: the stage to build (default the last). */
  target?: string;
}

/** Splits a Dockerfile into stages and lists the images they need (what a build must hand to an engine). */
export function planStages(parsed: ParsedDockerfile, o: StagePlanOptions = {}): StagePlan {
  const { instructions, escape: escapeChar } = parsed;
  const target = o.platform ?? hostPlatform();
  const globals = new Map<string, string | undefined>(Object.entries(predefinedArgs(target)));
  const lookup = (n: string) => globals.get(n);
  const stages: DockerfileStage[] = [];
  const byName = new Map<string, number>();
  const stageOf = (word: string, before: number): number | undefined => {
    const named = byName.get(word.toLowerCase());
    if (named !== undefined) return named;
    return /^\d+$/.test(word) && Number(word) < before ? Number(word) : undefined;
  };
  const copyImages: Array<{ stage: number; ref: string; line: number }> = [];
  for (const ins of instructions) {
    const current = stages.at(-1);
    if (ins.keyword === 'FROM') {
      const words = shellWords(ins.args, { escape: escapeChar, lookup });
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toUpperCase() === 'AS')) {
        throw dockerfileError(ins.line, 'FROM expects an image and optionally AS <name>');
      }
      const flag = ins.flags.find(([f]) => f === 'platform')?.[1];
      const platform = flag ? parsePlatform(shellWord(flag, { escape: escapeChar, lookup })) : target;
      const image = words[0]!;
      const stage: DockerfileStage = { index: stages.length, instructions: [ins], base: 'image', platform, needs: [] };
      const from = stageOf(image, stages.length);
      if (image.toLowerCase() === 'scratch') stage.base = 'scratch';
      else if (from !== undefined) {
        stage.base = 'stage';
        stage.needs.push(from);
      } else stage.ref = reference(ins, image);
      if (words.length === 3) {
        stage.name = words[2]!.toLowerCase();
        byName.set(stage.name, stage.index);
      }
      stages.push(stage);
    } else if (!current) {
      if (ins.keyword !== 'ARG') throw dockerfileError(ins.line, `${ins.keyword} before the first FROM`, 'only ARG may come before FROM');
      for (const [n, d] of parseArgDecl(ins, lookup, escapeChar)) globals.set(n, o.buildArgs?.[n] ?? d);
    } else {
      current.instructions.push(ins);
      const fromFlag = ins.keyword === 'COPY' || ins.keyword === 'ADD' ? ins.flags.find(([f]) => f === 'from')?.[1] : undefined;
      if (fromFlag) {
        const s = stageOf(fromFlag, current.index);
        if (s !== undefined) current.needs.push(s);
        else copyImages.push({ stage: current.index, ref: reference(ins, fromFlag), line: ins.line });
      }
    }
  }
  if (stages.length === 0) {
    throw usageError('DOCKERFILE_INVALID', 'the Dockerfile has no FROM instruction', {
      hint: 'start it with FROM scratch or FROM <image>',
    });
  }
  const last = targetStage(stages, byName, o.target);
  const used = new Set<number>();
  const visit = (i: number) => {
    if (used.has(i)) return;
    used.add(i);
    for (const n of stages[i]!.needs) visit(n);
  };
  visit(last);
  const images: StagePlan['images'] = [];
  const add = (ref: string, platform: Platform, line: number) => {
    if (!images.some((x) => x.ref === ref && samePlatform(x.platform, platform))) images.push({ ref, platform, line });
  };
  for (const s of stages) if (used.has(s.index) && s.ref) add(s.ref, s.platform, s.instructions[0]!.line);
  for (const c of copyImages) if (used.has(c.stage)) add(c.ref, target, c.line);
  return { stages, images };
}

function targetStage(stages: DockerfileStage[], byName: Map<string, number>, target: string | undefined): number {
  if (target === undefined) return stages.length - 1;
  const i = byName.get(target.toLowerCase());
  if (i === undefined) {
    const names = [...byName.keys()];
    throw usageError('UNKNOWN_TARGET', `--target ${target}: the Dockerfile has no stage named ${target}`, {
      hint: names.length > 0 ? `its stages: ${names.join(', ')}` : 'name a stage with FROM <image> AS <name>',
    });
  }
  return i;
}

function reference(ins: DockerfileInstruction, image: string): string {
  try {
    return formatReference(parseReference(image));
  } catch (e) {
    throw dockerfileError(ins.line, `${ins.keyword}: ${(e as Error).message}`);
  }
}

const samePlatform = (a: Platform, b: Platform) => a.os === b.os && a.architecture === b.architecture && a.variant === b.variant;
