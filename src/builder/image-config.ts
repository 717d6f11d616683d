import { posix } from 'node:path';
import { usageError } from '../errors.js';
import type { ImageConfig, Platform } from '../oci/types.js';

/** Metadata changes applied to an image config (from flags or Dockerfile instructions). */
export interface ConfigChanges {
  cmd?: string[] | null;
  entrypoint?: string[] | null;
  /** `K=V` entries; a later entry replaces an earlier one (or the base's) with the same key. */
  env?: string[];
  labels?: Record<string, string>;
  workdir?: string;
  user?: string;
  /** `80`, `80/tcp`, `53/udp`. */
  expose?: string[];
  volumes?: string[];
  stopSignal?: string;
  healthcheck?: Record<string, unknown> | null;
  shell?: string[];
  onBuild?: string[];
  author?: string;
  platform?: Platform;
}

/** A fresh config for an image FROM scratch. */
export function scratchConfig(platform: Platform): ImageConfig {
  const c: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  if (platform.variant) c.variant = platform.variant;
  return c;
}

export function platformOf(config: ImageConfig): Platform {
  const p: Platform = { os: config.os, architecture: config.architecture };
  if (config.variant) p.variant = config.variant;
  return p;
}

/** Splits `K=V`; refuses a missing `=` or an empty key. */
export function splitKeyValue(kv: string, what: string): [string, string] {
  const eq = kv.indexOf('=');
  if (eq <= 0) {
    throw usageError('INVALID_KEY_VALUE', `invalid ${what} "${kv}"`, { hint: `use KEY=VALUE for ${what}` });
  }
  return [kv.slice(0, eq), kv.slice(eq + 1)];
}

/** Appends `K=V` entries to an env list, replacing entries with the same key in place. */
export function mergeEnv(base: readonly string[], additions: readonly string[]): string[] {
  const out = [...base];
  for (const add of additions) {
    const [key] = splitKeyValue(add, 'env');
    const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (i >= 0) out[i] = add;
    else out.push(add);
  }
  return out;
}

/** `80` -> `80/tcp`; `53/UDP` -> `53/udp`; ranges `8000-8002` expand. */
export function normalizePorts(spec: string): string[] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo || hi - lo > 1024) {
    throw usageError('INVALID_PORT', `invalid port "${spec}"`, { hint: 'use PORT[/tcp|/udp], e.g. 80, 80/tcp or 53/udp' });
  }
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  return out;
}

/** Resolves a WORKDIR against the previous one: relative paths are relative to it. */
export function resolveWorkdir(previous: string | undefined, dir: string): string {
  if (dir === '') throw usageError('INVALID_WORKDIR', 'WORKDIR needs a path');
  return posix.resolve('/', previous ?? '/', dir);
}

/** Returns a new config with the changes applied (the input is not modified). */
export function applyConfigChanges(base: ImageConfig, changes: ConfigChanges): ImageConfig {
  const config: ImageConfig = structuredClone(base);
  const c = (config.config ??= {});
  if (changes.platform) {
    config.architecture = changes.platform.architecture;
    config.os = changes.platform.os;
    if (changes.platform.variant) config.variant = changes.platform.variant;
    else delete config.variant;
  }
  if (changes.author !== undefined) config.author = changes.author;
  if (changes.env && changes.env.length > 0) c.Env = mergeEnv(c.Env ?? [], changes.env);
  if (changes.labels && Object.keys(changes.labels).length > 0) c.Labels = { ...(c.Labels ?? {}), ...changes.labels };
  if (changes.entrypoint !== undefined) {
    c.Entrypoint = changes.entrypoint;
    // Like docker: a new ENTRYPOINT drops the CMD inherited from the base unless a CMD is given too.
    if (changes.cmd === undefined) c.Cmd = null;
  }
  if (changes.cmd !== undefined) c.Cmd = changes.cmd;
  if (changes.workdir !== undefined) c.WorkingDir = resolveWorkdir(c.WorkingDir || undefined, changes.workdir);
  if (changes.user !== undefined) c.User = changes.user;
  if (changes.expose && changes.expose.length > 0) {
    const ports = { ...(c.ExposedPorts ?? {}) };
    for (const spec of changes.expose) for (const p of normalizePorts(spec)) ports[p] = {};
    c.ExposedPorts = ports;
  }
  if (changes.volumes && changes.volumes.length > 0) {
    const vols = { ...(c.Volumes ?? {}) };
    for (const v of changes.volumes) vols[v] = {};
    c.Volumes = vols;
  }
  if (changes.stopSignal !== undefined) c.StopSignal = changes.stopSignal;
  if (changes.healthcheck !== undefined) {
    if (changes.healthcheck === null) delete c.Healthcheck;
    else c.Healthcheck = changes.healthcheck;
  }
  if (changes.shell !== undefined) c.Shell = changes.shell;
  if (changes.onBuild && changes.onBuild.length > 0) c.OnBuild = [...((c.OnBuild as string[] | undefined) ?? []), ...changes.onBuild];
  return config;
}
