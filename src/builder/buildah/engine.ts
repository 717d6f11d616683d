import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HubctlError, internalError, redactSecrets, usageError } from '../../errors.js';
import { runProgram, type ProgramResult } from '../../process/run-program.js';

export type Env = Record<string, string | undefined>;
export type StorageDriver = 'overlay' | 'vfs';

/**
 * buildah's state for one hubctl store: `<store>/.hubctl/buildah/` holds its image storage (`root`,
 * `runroot`), an empty auth file and a registries.conf of its own, so neither the host's
 * containers configuration nor DOCKER_CONFIG changes what a build sees.
 */
export interface BuildahPaths {
  dir: string;
  root: string;
  runroot: string;
  authFile: string;
  registriesConf: string;
  registriesDir: string;
}

export function buildahPaths(dir: string): BuildahPaths {
  return {
    dir,
    root: join(dir, 'root'),
    runroot: join(dir, 'runroot'),
    authFile: join(dir, 'auth.json'),
    registriesConf: join(dir, 'registries.conf'),
    registriesDir: join(dir, 'registries.conf.d'),
  };
}

// Short names resolve as docker resolves them (docker.io, library/), never through the host's aliases.
const REGISTRIES_CONF = 'unqualified-search-registries = ["docker.io"]\nshort-name-mode = "permissive"\n';

/** Variables that would change what buildah reads or where it writes, behind the adapter's back. */
const DROPPED = /^(DOCKER_CONFIG|REGISTRY_AUTH_FILE|STORAGE_DRIVER|STORAGE_OPTS|BUILDAH_.*|CONTAINERS_.*)$/;

/** Runs buildah with hubctl's storage and configuration; every call is one child process. */
export class Buildah {
  private constructor(
    readonly program: string,
    readonly paths: BuildahPaths,
    readonly driver: StorageDriver,
    private readonly env: Env,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Prepares the state directory and picks the storage driver: the one the storage was created
   * with, else `driver` when given, else overlay when buildah can set it up here (root, a kernel
   * with overlayfs), else vfs (slower: every layer is a full copy, but it works everywhere).
   */
  static async open(
    program: string,
    dir: string,
    o: { env: Env; tmpDir: string; signal?: AbortSignal; driver?: StorageDriver },
  ): Promise<Buildah> {
    const paths = buildahPaths(dir);
    await mkdir(paths.registriesDir, { recursive: true });
    await writeFile(paths.authFile, '{"auths":{}}\n', { mode: 0o600 });
    await writeFile(paths.registriesConf, REGISTRIES_CONF);
    const env: Env = { TMPDIR: o.tmpDir };
    for (const [k, v] of Object.entries(o.env)) if (!DROPPED.test(k) && k !== 'TMPDIR') env[k] = v;
    const make = (d: StorageDriver) => new Buildah(program, paths, d, env, o.signal);
    const has = (p: string) =>
      stat(p).then(
        () => true,
        () => false,
      );
    const existing = (await has(join(paths.root, 'overlay-images')))
      ? 'overlay'
      : (await has(join(paths.root, 'vfs-images')))
        ? 'vfs'
        : undefined;
    if (existing && o.driver && existing !== o.driver) {
      throw usageError('BUILDAH_DRIVER_MISMATCH', `buildah's storage at ${paths.dir} uses the ${existing} driver, not ${o.driver}`, {
        hint: `remove ${paths.dir} (it is only a cache) to switch drivers`,
      });
    }
    if (existing) return make(existing);
    if (o.driver) return make(o.driver);
    const probe = await make('overlay').run(['info']);
    if (probe.code === 0 && (await has(join(paths.root, 'overlay-images')))) return make('overlay');
    await rm(paths.root, { recursive: true, force: true });
    await rm(paths.runroot, { recursive: true, force: true });
    return make('vfs');
  }

  /** The same, for cleanup after an abort: not stopped by the build's signal, but by a timeout. */
  withoutSignal(): Buildah {
    const b = new Buildah(this.program, this.paths, this.driver, this.env, undefined);
    b.timeoutMs = 60_000;
    return b;
  }

  private timeoutMs: number | undefined;

  /** buildah ARGS with the storage flags in front; resolves whatever the exit status. */
  run(args: string[], onLine?: (line: string, stream: 'stdout' | 'stderr') => void): Promise<ProgramResult> {
    const p = this.paths;
    return runProgram(this.program, {
      args: [
        '--root',
        p.root,
        '--runroot',
        p.runroot,
        '--storage-driver',
        this.driver,
        '--registries-conf',
        p.registriesConf,
        '--registries-conf-dir',
        p.registriesDir,
        ...args,
      ],
      env: this.env,
      ...(this.signal ? { signal: this.signal } : {}),
      ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}),
      ...(onLine ? { onLine } : {}),
    }).catch((e: unknown) => {
      if (e instanceof HubctlError) throw e;
      throw internalError('BUILDAH_FAILED', `cannot run ${this.program}: ${(e as Error).message}`, { cause: e });
    });
  }

  /** Like run, but a non-zero exit is an error naming what was being done and buildah's message. */
  async must(args: string[], doing: string): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) {
      throw internalError('BUILDAH_FAILED', `buildah failed while ${doing}: ${buildahMessage(r)}`, {
        hint: `buildah's storage is ${this.paths.dir}; remove that directory if it is damaged (it is only a cache)`,
      });
    }
    return r.stdout;
  }
}

/** buildah's last `Error:` line (else its last line), without credentials. */
export function buildahMessage(r: Pick<ProgramResult, 'stderr' | 'code'>): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.filter((l) => l.startsWith('Error:')).at(-1) ?? lines.at(-1) ?? `exit status ${r.code}`;
  return redactSecrets(err.replace(/^Error:\s*/, ''));
}
