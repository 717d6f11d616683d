import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Storage } from '../content/types.js';
import { sha256, digestHex } from '../digest/digest.js';
import { isHubctlError, usageError } from '../errors.js';
import { hostPlatform, parsePlatform } from '../oci/platform.js';
import type { HistoryEntry, ImageConfig } from '../oci/types.js';
import { familiarString, formatReference, parseReference } from '../ref/reference.js';
import { copyInstruction, refuse } from './dockerfile-copy.js';
import { DockerIgnore } from './dockerignore.js';
import { dockerfileError, parseDockerfile, type DockerfileInstruction } from './dockerfile.js';
import { metadataChanges, NEEDS_CONTAINER } from './dockerfile-eval.js';
import { parseArgDecl, predefinedArgs } from './dockerfile-stages.js';
import { applyConfigChanges, scratchConfig, type ConfigChanges } from './image-config.js';
import { normalizeTags, prepareOptions, writeImage, type BuildResult, type WriteImageOptions } from './image-builder.js';
import { epochDate } from './layer-source.js';
import { prepareLayers } from './layer-writer.js';
import { shellWord, shellWords } from './shell-words.js';
import type { BaseImage, BaseImageSource, BuildLog, ImageFormat, LayerInput, Tagger } from './types.js';

export interface DockerfileBuildOptions {
  storage: Storage;
  tagger?: Tagger;
  /** Resolves FROM images other than scratch. */
  baseSource?: BaseImageSource;
  contextDir: string;
  /** Path of the Dockerfile (default `<contextDir>/Dockerfile`), or its text in `dockerfileText`. */
  dockerfile?: string;
  dockerfileText?: string;
  buildArgs?: Record<string, string>;
  /** Labels set on the result after the last instruction (docker's `--label`, the git context's labels). */
  labels?: Record<string, string>;
  tags?: string[];
  format?: ImageFormat;
  /** `--platform`; wins over FROM --platform. */
  platform?: string;
  sourceDateEpoch?: number;
  concurrency?: number;
  tmpDir?: string;
  /** Docker-like lines: `Step 1/5 : FROM scratch`, ` ---> 1a2b3c4d5e6f`, `Successfully built ...`. */
  onLog?: BuildLog;
  signal?: AbortSignal;
}

interface Op {
  text: string;
  changes?: ConfigChanges;
  layer?: number;
  history?: HistoryEntry;
}

const short = (x: string) => digestHex(x).slice(0, 12);
function checkSupported(instructions: DockerfileInstruction[]): void {
  let froms = 0;
  for (const ins of instructions) {
    if (NEEDS_CONTAINER.has(ins.keyword)) {
      throw refuse(
        ins,
        'needs a container, which hubctl does not run; build the files outside and COPY them',
        'produce the files before the build and COPY them in',
      );
    }
    if (ins.keyword === 'FROM' && ++froms > 1) {
      throw refuse(
        ins,
        'starts a second stage: multi-stage builds are not supported',
        'build each stage as its own image, or COPY prepared files',
      );
    }
    if (ins.keyword !== 'FROM' && ins.keyword !== 'ARG' && froms === 0) {
      throw dockerfileError(ins.line, `${ins.keyword} before the first FROM`, 'only ARG may come before FROM');
    }
  }
  if (froms === 0)
    throw usageError('DOCKERFILE_INVALID', 'the Dockerfile has no FROM instruction', {
      hint: 'start it with FROM scratch or FROM <image>',
    });
}

/** Runs one instruction's work; a usage error without a line gets `Dockerfile:<line>: ` in front. */
async function atLine<T>(ins: DockerfileInstruction, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isHubctlError(e) && e.kind === 'usage' && !e.message.startsWith('Dockerfile:')) {
      throw usageError(e.code, `Dockerfile:${ins.line}: ${e.message}`, { cause: e, ...(e.hint ? { hint: e.hint } : {}) });
    }
    throw e;
  }
}

/**
 * `hubctl build -f Dockerfile CONTEXT` for Dockerfiles that need no container: one layer per
 * COPY/ADD, metadata for the rest. Everything is checked and compressed before the first write.
 */
export async function buildDockerfile(opts: DockerfileBuildOptions): Promise<BuildResult> {
  const log = opts.onLog ?? (() => undefined);
  const tags = normalizeTags(opts.tags, opts.tagger);
  const contextDir = resolve(opts.contextDir);
  const text = opts.dockerfileText ?? (await readFile(opts.dockerfile ?? join(contextDir, 'Dockerfile'), 'utf8'));
  const parsed = parseDockerfile(text);
  const { instructions, escape: escapeChar } = parsed;
  checkSupported(instructions);
  // Like BuildKit: <Dockerfile>.dockerignore next to the Dockerfile wins over the context's .dockerignore.
  const own = opts.dockerfile !== undefined ? await readFile(`${opts.dockerfile}.dockerignore`, 'utf8').catch(() => undefined) : undefined;
  const ignoreText = own ?? (await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const ignore = DockerIgnore.parse(ignoreText);
  const mtime = epochDate(opts.sourceDateEpoch);
  const created = mtime.toISOString().replace('.000Z', 'Z');
  const buildArgs = opts.buildArgs ?? {};
  const usedArgs = new Set<string>();

  const wanted = opts.platform !== undefined ? parsePlatform(opts.platform) : undefined;
  const globals = new Map<string, string | undefined>(Object.entries(predefinedArgs(wanted ?? hostPlatform())));
  const argValue = (name: string, dflt: string | undefined, scopeDefault?: string) => {
    if (name in buildArgs) {
      usedArgs.add(name);
      return buildArgs[name];
    }
    return dflt ?? scopeDefault;
  };

  let idx = 0;
  const ops: Op[] = [];
  for (; instructions[idx]!.keyword === 'ARG'; idx++) {
    const ins = instructions[idx]!;
    for (const [n, d] of await atLine(ins, () => parseArgDecl(ins, (x) => globals.get(x), escapeChar))) globals.set(n, argValue(n, d));
    ops.push({ text: ins.original });
  }

  // FROM
  const from = instructions[idx++]!;
  let base: BaseImage | undefined;
  let config!: ImageConfig;
  await atLine(from, async () => {
    for (const [flag] of from.flags) if (flag !== 'platform') throw dockerfileError(from.line, `unknown flag --${flag} for FROM`);
    const fromWords = shellWords(from.args, { escape: escapeChar, lookup: (x) => globals.get(x) });
    if (fromWords.length !== 1 && !(fromWords.length === 3 && fromWords[1]!.toUpperCase() === 'AS')) {
      throw dockerfileError(from.line, 'FROM expects an image and optionally AS <name>');
    }
    const platformFlag = from.flags.find(([f]) => f === 'platform')?.[1];
    const fromPlatform = platformFlag
      ? parsePlatform(shellWord(platformFlag, { escape: escapeChar, lookup: (x) => globals.get(x) }))
      : undefined;
    const platformWanted = wanted ?? fromPlatform;
    const image = fromWords[0]!;
    if (image.toLowerCase() === 'scratch') {
      config = scratchConfig(platformWanted ?? hostPlatform());
    } else {
      if (!opts.baseSource) throw dockerfileError(from.line, `FROM ${image}: no image source to read base images from`);
      const ref = formatReference(parseReference(image));
      base = await opts.baseSource.getBaseImage(ref, platformWanted);
      const onbuild = base.config.config?.OnBuild as string[] | undefined;
      if (onbuild && onbuild.length > 0) throw refuse(from, `${image} has ONBUILD triggers, which hubctl cannot run`);
      config = structuredClone(base.config);
      if (platformWanted) config = applyConfigChanges(config, { platform: platformWanted });
    }
  });
  const fromIndex = ops.length;
  ops.push({ text: from.original });
  const startConfig = config;

  // The stage: metadata and COPY/ADD layers
  const stageArgs = new Map<string, string | undefined>();
  const envOf = (c: ImageConfig) =>
    new Map((c.config?.Env ?? []).map((e) => [e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const layers: LayerInput[] = [];
  let cmdSet = false;
  for (; idx < instructions.length; idx++) {
    const ins = instructions[idx]!;
    const env = envOf(config);
    const lookup = (n: string) => (env.has(n) ? env.get(n) : stageArgs.get(n));
    await atLine(ins, async () => {
      if (ins.keyword === 'ARG') {
        for (const [n, d] of parseArgDecl(ins, lookup, escapeChar)) stageArgs.set(n, argValue(n, d, globals.get(n)));
        ops.push({ text: ins.original });
      } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const layer = await copyInstruction(ins, { escape: escapeChar, lookup, config, contextDir, ignore, mtime, log });
        ops.push({ text: ins.original, layer: layers.length, history: { created, created_by: ins.original } });
        layers.push(layer);
      } else {
        const changes = metadataChanges(ins, { escape: escapeChar, lookup, config });
        // Like docker: ENTRYPOINT clears an inherited CMD, but keeps one set earlier in this Dockerfile.
        if (ins.keyword === 'CMD') cmdSet = true;
        if (ins.keyword === 'ENTRYPOINT' && cmdSet) changes.cmd = config.config?.Cmd ?? null;
        config = applyConfigChanges(config, changes);
        ops.push({ text: ins.original, changes, history: { created, created_by: ins.original, empty_layer: true } });
      }
    });
  }
  const unused = Object.keys(buildArgs).filter((a) => !usedArgs.has(a));
  if (unused.length > 0) log(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);

  // Layer lines would break the docker-like output; only step lines go to onLog.
  const { onLog: _omit, ...quiet } = opts;
  const prepared = await prepareLayers(layers, prepareOptions(quiet));
  try {
    // Replay the steps with the layers' diff_ids known, printing docker-like lines.
    let cfg: ImageConfig = { created, ...structuredClone(startConfig) };
    cfg.created = created;
    cfg.rootfs = { type: 'layers', diff_ids: [...(startConfig.rootfs?.diff_ids ?? [])] };
    cfg.history = [...(startConfig.history ?? [])];
    ops.forEach((op, i) => {
      log(`Step ${i + 1}/${ops.length} : ${op.text}`);
      if (op.changes) cfg = applyConfigChanges(cfg, op.changes);
      if (op.layer !== undefined) cfg.rootfs.diff_ids.push(prepared.layers[op.layer]!.diffId);
      if (op.history) cfg.history!.push(op.history);
      if (i < fromIndex) log(' --->');
      else if (i === fromIndex) log(base ? ` ---> ${short(base.manifest.config.digest)}` : ' --->');
      else log(` ---> ${short(sha256(JSON.stringify(cfg)))}`);
    });
    if (opts.labels) cfg = applyConfigChanges(cfg, { labels: opts.labels });
    const w: WriteImageOptions = { storage: opts.storage, config: cfg, layers: prepared.layers, format: opts.format ?? 'oci', tags };
    if (opts.tagger) w.tagger = opts.tagger;
    if (base) w.base = base;
    if (opts.signal) w.signal = opts.signal;
    const result = await writeImage(w);
    log(`Successfully built ${short(result.configDigest)}`);
    for (const t of tags) log(`Successfully tagged ${familiarString(parseReference(t))}`);
    return result;
  } finally {
    await prepared.cleanup();
  }
}
