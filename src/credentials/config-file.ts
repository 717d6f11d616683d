/**
 * docker's config.json: read leniently, written atomically, everything hubctl does not touch kept.
 *
 * The parsed object is kept as it is and changed in place, so unknown keys and key order survive a
 * rewrite (JSON.parse keeps insertion order; only integer-like keys, which docker never writes at the
 * top level, would move first). Written with tabs like docker's MarshalIndent.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { storeError } from '../errors.js';
import { assertRegularOrAbsent, readRegularFile } from '../fs/read-regular.js';
import { dockerConfigPath, type CredentialsOptions } from './options.js';

export type JsonObject = Record<string, unknown>;

export interface DockerConfigFile {
  /** The configured path (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`); may be a symlink. */
  readonly path: string;
  /** False when the file did not exist (data is then `{}`). */
  readonly exists: boolean;
  /** The parsed document; change it in place and call writeDockerConfig. */
  readonly data: JsonObject;
}

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a docker-format JSON file: missing -> empty; corrupt -> HubctlError CONFIG_INVALID. */
export async function readJsonConfig(file: string, what = 'docker config file'): Promise<DockerConfigFile> {
  // a regular file only: a symlink to /dev/zero or a FIFO is refused without being read (src/fs)
  const bytes = await readRegularFile(file, {
    what,
    maxBytes: MAX_CONFIG_BYTES,
    hint: `replace ${file} with a regular file, or point DOCKER_CONFIG / --config elsewhere (hubctl will not overwrite it)`,
  });
  if (bytes === undefined) return { path: file, exists: false, data: {} };
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { path: file, exists: true, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw invalid(file, what, `it is not valid JSON (${(e as Error).message})`, e);
  }
  if (!isJsonObject(data)) throw invalid(file, what, 'the top level is not a JSON object');
  validateShape(file, what, data);
  return { path: file, exists: true, data };
}

/** Reads docker's config.json from where the options point. */
export async function readDockerConfig(opts: CredentialsOptions): Promise<DockerConfigFile> {
  return readJsonConfig(dockerConfigPath(opts));
}

function validateShape(file: string, what: string, data: JsonObject): void {
  const auths = data.auths;
  if (auths !== undefined && auths !== null) {
    if (!isJsonObject(auths)) throw invalid(file, what, '"auths" is not an object');
    for (const [k, v] of Object.entries(auths)) {
      if (v !== null && !isJsonObject(v)) throw invalid(file, what, `"auths"["${k}"] is not an object`);
    }
  }
  const helpers = data.credHelpers;
  if (helpers !== undefined && helpers !== null) {
    if (!isJsonObject(helpers)) throw invalid(file, what, '"credHelpers" is not an object');
    for (const [k, v] of Object.entries(helpers)) {
      if (typeof v !== 'string') throw invalid(file, what, `"credHelpers"["${k}"] is not a string`);
    }
  }
  if (data.credsStore !== undefined && data.credsStore !== null && typeof data.credsStore !== 'string') {
    throw invalid(file, what, '"credsStore" is not a string');
  }
}

export function invalid(file: string, what: string, why: string, cause?: unknown) {
  return storeError('CONFIG_INVALID', `the ${what} ${file} is invalid: ${why}`, {
    hint: `fix or remove ${file} (hubctl will not overwrite it)`,
    cause,
    details: { path: file },
  });
}

/** `auths` as a record (empty when absent). */
export function authsOf(data: JsonObject): Record<string, JsonObject> {
  return isJsonObject(data.auths) ? (data.auths as Record<string, JsonObject>) : {};
}

/** `credHelpers` as a record (empty when absent). */
export function credHelpersOf(data: JsonObject): Record<string, string> {
  return isJsonObject(data.credHelpers) ? (data.credHelpers as Record<string, string>) : {};
}

/** `credsStore` when set and non-empty. */
export function credsStoreOf(data: JsonObject): string | undefined {
  return typeof data.credsStore === 'string' && data.credsStore !== '' ? data.credsStore : undefined;
}

/** Returns `data.auths`, creating it (at the end of the key order) when absent. */
export function ensureAuths(data: JsonObject): Record<string, JsonObject> {
  if (!isJsonObject(data.auths)) data.auths = {};
  return data.auths as Record<string, JsonObject>;
}

/**
 * Follows a symlink chain (also a dangling one) to the file that is really written, so that
 * replacing it by rename keeps the link a link.
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = await fs.lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw e;
    }
    if (!st.isSymbolicLink()) return current;
    const link = await fs.readlink(current);
    current = path.resolve(path.dirname(current), link);
  }
  throw storeError('CONFIG_SYMLINK_LOOP', `too many symbolic links resolving ${file}`, { hint: `fix the link ${file}` });
}

/**
 * Writes `data` to the file atomically: a temp file in the target's directory (mode 0600), fsync,
 * rename over the target, fsync the directory. The directory is created with mode 0700 when missing.
 */
export async function writeJsonAtomic(file: string, data: JsonObject): Promise<void> {
  const target = await resolveWriteTarget(file);
  const dir = path.dirname(target);
  const text = `${JSON.stringify(data, null, '\t')}\n`;
  // never replace what is not a regular file (a symlink to /dev/null, a FIFO) by the rename below
  assertRegularOrAbsent(target, { what: 'docker config file', maxBytes: MAX_CONFIG_BYTES });
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(text, 'utf8');
        await handle.chmod(0o600);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await syncDir(dir);
  } catch (e) {
    if ((e as { name?: string }).name === 'HubctlError') throw e;
    throw storeError('CONFIG_WRITE_FAILED', `cannot write ${file}: ${(e as Error).message}`, {
      hint: `check that ${dir} is writable by you`,
      cause: e,
      details: { path: file },
    });
  }
}

export async function writeDockerConfig(config: DockerConfigFile): Promise<void> {
  await writeJsonAtomic(config.path, config.data);
}

async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not every filesystem lets a directory be fsynced; the rename is done either way.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
