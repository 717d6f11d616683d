// skopeo / umoci wrappers: copy, inspect, digest, with TLS/creds flags derived from a started registry.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './proc.mjs';

/**
 * @typedef {{ host: string, tls?: boolean, certDir?: string, mode?: string, users?: Record<string, string> }} RegistryLike
 * @typedef {{ username: string, password: string } | string | null} Creds  'user:pass', an object, or null = anonymous
 * @typedef {{ creds?: Creds, timeoutMs?: number, registry?: RegistryLike, tlsVerify?: boolean, certDir?: string }} SkopeoRemoteOptions
 */

/** @param {Creds | undefined} c @returns {string | null} */
export function credsString(c) {
  if (!c) return null;
  return typeof c === 'string' ? c : `${c.username}:${c.password}`;
}

/**
 * Default creds for pushing to `repo` on `r`: none for open registries, else the user named by the first
 * path component, else `admin` if present, else the first user.
 * @param {RegistryLike} r @param {string} repo @returns {Creds}
 */
export function defaultCreds(r, repo) {
  if (!r.mode || r.mode === 'open' || !r.users) return null;
  const ns = repo.split('/')[0] ?? '';
  const has = (/** @type {string} */ u) => Object.hasOwn(r.users, u);
  const name = has(ns) ? ns : has('admin') ? 'admin' : Object.keys(r.users)[0];
  return name ? { username: name, password: /** @type {string} */ (r.users[name]) } : null;
}

/**
 * TLS and creds flags for one side of a skopeo command.
 * @param {'src' | 'dest' | ''} side '' for inspect
 * @param {SkopeoRemoteOptions} o
 * @returns {{ args: string[], secrets: string[] }}
 */
export function remoteFlags(side, o) {
  const p = side ? `--${side}-` : '--';
  /** @type {string[]} */ const args = [];
  const certDir = o.certDir ?? (o.registry?.tls ? o.registry.certDir : undefined);
  if (certDir) args.push(`${p}cert-dir`, certDir);
  const verify = o.tlsVerify ?? !!(o.registry?.tls || o.certDir);
  if (!verify) args.push(`${p}tls-verify=false`);
  const c = credsString(o.creds);
  if (c) args.push(`${p}creds`, c);
  else args.push(`${p}no-creds`);
  return { args, secrets: c ? [c, c.slice(c.indexOf(':') + 1)] : [] };
}

/** Environment isolating skopeo from the user's auth files. */
function isolatedEnv() {
  return { ...process.env, REGISTRY_AUTH_FILE: join(tmpdir(), 'hubctl-no-such-auth.json') };
}

/**
 * Run skopeo with a timeout; errors carry the (redacted) command line and stderr.
 * @param {string[]} args @param {import('./proc.mjs').RunOptions} [opts]
 */
export function runSkopeo(args, opts = {}) {
  return runTool('skopeo', ['--insecure-policy', ...args], { timeoutMs: 300_000, env: isolatedEnv(), ...opts });
}

/**
 * Run umoci with a timeout.
 * @param {string[]} args @param {import('./proc.mjs').RunOptions} [opts]
 */
export function runUmoci(args, opts = {}) {
  return runTool('umoci', args, { timeoutMs: 300_000, ...opts });
}

/** @param {string} ref */
const transportRef = (ref) => (/^[a-z-]+:/.test(ref) && !/^[^/]+:\d+\//.test(ref) ? ref : `docker://${ref}`);

/**
 * `skopeo copy --all` from src to dest (transport refs like `oci:dir:tag`, or `host/repo:tag` = docker://).
 * @param {string} src @param {string} dest
 * @param {{ src?: SkopeoRemoteOptions, dest?: SkopeoRemoteOptions, format?: 'oci' | 'v2s2', all?: boolean, timeoutMs?: number, extraArgs?: string[] }} [opts]
 * @returns {Promise<string>} digest of the manifest written at dest (from --digestfile)
 */
export async function skopeoCopy(src, dest, opts = {}) {
  const tmp = await mkdtemp(join(tmpdir(), 'hubctl-skopeo-'));
  try {
    const digestFile = join(tmp, 'digest');
    const s =
      src.startsWith('docker://') || !/^[a-z-]+:/.test(src) || /^[^/]+:\d+\//.test(src)
        ? remoteFlags('src', opts.src ?? {})
        : { args: [], secrets: [] };
    const d =
      dest.startsWith('docker://') || !/^[a-z-]+:/.test(dest) || /^[^/]+:\d+\//.test(dest)
        ? remoteFlags('dest', opts.dest ?? {})
        : { args: [], secrets: [] };
    const args = [
      'copy',
      '--retry-times',
      '0',
      ...(opts.all === false ? [] : ['--all']),
      '--digestfile',
      digestFile,
      ...(opts.format ? ['--format', opts.format] : []),
      ...s.args,
      ...d.args,
      ...(opts.extraArgs ?? []),
      transportRef(src),
      transportRef(dest),
    ];
    await runSkopeo(args, { timeoutMs: opts.timeoutMs ?? 600_000, redact: [...s.secrets, ...d.secrets] });
    return (await readFile(digestFile, 'utf8')).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * `skopeo inspect` of `host/repo:tag` (or any transport ref). raw: the manifest bytes as a string; config: the image config.
 * @param {string} ref
 * @param {SkopeoRemoteOptions & { raw?: boolean, config?: boolean }} [opts]
 * @returns {Promise<import('./index.d.mts').InspectedManifest | import('./index.d.mts').InspectedConfig | import('./index.d.mts').InspectedImage>}
 *   parsed JSON (raw manifest, config, or inspect output); `.rawText` is not added
 */
export async function skopeoInspect(ref, opts = {}) {
  const text = await skopeoInspectText(ref, opts);
  return JSON.parse(text);
}

/**
 * Like skopeoInspect but returns the exact stdout (for --raw this is the manifest bytes, so it can be hashed).
 * @param {string} ref @param {SkopeoRemoteOptions & { raw?: boolean, config?: boolean }} [opts]
 */
export async function skopeoInspectText(ref, opts = {}) {
  const isRemote = ref.startsWith('docker://') || !/^[a-z-]+:/.test(ref) || /^[^/]+:\d+\//.test(ref);
  const f = isRemote ? remoteFlags('', opts) : { args: [], secrets: [] };
  const args = [
    'inspect',
    '--retry-times',
    '0',
    ...(opts.raw ? ['--raw'] : []),
    ...(opts.config ? ['--config'] : []),
    ...f.args,
    transportRef(ref),
  ];
  const { stdout } = await runSkopeo(args, { timeoutMs: opts.timeoutMs ?? 60_000, redact: f.secrets });
  return stdout;
}

/**
 * sha256 digest of the raw manifest at `ref` as skopeo fetches it.
 * @param {string} ref @param {SkopeoRemoteOptions} [opts]
 */
export async function skopeoDigest(ref, opts = {}) {
  const raw = await skopeoInspectText(ref, { ...opts, raw: true });
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}
