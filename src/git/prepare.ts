import { access, mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { notFoundError, usageError } from '../errors.js';
import { findProgram } from '../process/find-program.js';
import { gitEnv, gitFailure, runGit, type Env, type GitRun } from './run-git.js';
import { describeGitContext, isGitUrl, parseGitContext, withoutCredentials, type GitContextSpec } from './spec.js';

/** OCI annotation keys docker's tooling puts on images built from a repository. */
export const REVISION_LABEL = 'org.opencontainers.image.revision';
export const SOURCE_LABEL = 'org.opencontainers.image.source';

export interface PrepareGitContextOptions {
  /** Where the checkout goes (a temp dir inside it; default the OS temp dir). */
  tmpDir?: string;
  /** The environment git runs with (PATH, HOME, SSH_AUTH_SOCK...); default empty. */
  env?: Env;
  /** Resolves a local repository path (default: the process's cwd). */
  cwd?: string;
  signal?: AbortSignal;
  /** One line per step (fetching, commit). */
  onLog?: (line: string) => void;
  /** Update submodules recursively, as docker does (default true). */
  submodules?: boolean;
}

export interface GitContext {
  /** The build context: the checkout, or its SUBDIR. */
  dir: string;
  /** The checkout's root (the temp dir holds only it). */
  root: string;
  /** The commit checked out (40 hex). */
  commit: string;
  /** Its committer time in seconds since the epoch (autobuild's SOURCE_DATE_EPOCH). */
  commitTime: number;
  /** The repository without credentials: the `org.opencontainers.image.source` label. */
  source: string;
  spec: GitContextSpec;
  /** `org.opencontainers.image.revision` and `.source`. */
  labels: Record<string, string>;
  /** Removes the checkout; safe to call more than once. */
  cleanup(): Promise<void>;
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function isGitRepository(path: string): Promise<boolean> {
  if (!(await isDir(path))) return false;
  if (await exists(join(path, '.git'))) return true;
  return (await exists(join(path, 'HEAD'))) && (await isDir(join(path, 'objects'))); // bare
}

/**
 * Whether a build context argument is a git context, as docker decides: an existing directory is a
 * directory; then a git URL (isGitUrl); then (hubctl's addition) `PATH#REF[:SUBDIR]` where PATH is
 * a local git repository. Undefined: not a git context.
 */
export async function detectGitContext(text: string, cwd: string): Promise<GitContextSpec | undefined> {
  if (await isDir(resolve(cwd, text))) return undefined;
  if (isGitUrl(text)) return parseGitContext(text);
  const hash = text.indexOf('#');
  if (hash > 0) {
    const path = resolve(cwd, text.slice(0, hash));
    if (await isGitRepository(path)) return parseGitContext(text, path);
  }
  return undefined;
}

const HEX_REF = /^[0-9a-f]{7,40}$/;

/**
 * Fetches one ref of a repository with the git CLI into a temp dir and checks it out (detached):
 * `git init`, `git fetch --depth 1 origin -- REF` (a commit that is not a ref tip falls back to a full
 * fetch), submodules recursively, then `.git` is removed so it is not part of the context. The temp
 * dir is removed on any failure and by `cleanup()`.
 */
export async function prepareGitContext(spec: string | GitContextSpec, options: PrepareGitContextOptions = {}): Promise<GitContext> {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  let parsed: GitContextSpec;
  if (typeof spec === 'string') {
    const found = await detectGitContext(spec, cwd);
    if (!found) throw usageError('INVALID_GIT_CONTEXT', `"${spec}" is not a git repository URL or PATH#REF of a local repository`);
    parsed = found;
  } else parsed = spec;
  const what = withoutCredentials(parsed.remote);
  const git = await findProgram('git', env.PATH);
  if (!git) {
    throw notFoundError('GIT_NOT_FOUND', `building from ${describeGitContext(parsed)} needs git, which is not on PATH`, {
      hint: 'install git: apt-get install -y git',
    });
  }
  const protocols = parsed.local ? ['file', 'git', 'http', 'https', 'ssh'] : ['git', 'http', 'https', 'ssh'];
  const run: GitRun = { git, env: gitEnv(env, protocols), ...(options.signal ? { signal: options.signal } : {}) };
  const tmp = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'hubctl-git-'));
  const root = join(tmp, 'src');
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    const must = async (args: string[], dir = root) => {
      const r = await runGit(run, args, dir);
      if (r.code !== 0) throw gitFailure(r, what, parsed.ref);
      return r.stdout;
    };
    await must(['init', '-q', '--template=', root], tmp);
    await must(['remote', 'add', 'origin', '--', parsed.remote]);
    options.onLog?.(`Fetching ${describeGitContext(parsed)}`);
    const ref = parsed.ref ?? 'HEAD';
    const shallow = await runGit(run, ['fetch', '-q', '--depth', '1', '--no-tags', 'origin', '--', ref], root);
    if (shallow.code === 0) await must(['checkout', '-q', '--detach', 'FETCH_HEAD']);
    else if (HEX_REF.test(ref)) {
      // An abbreviated commit, or a server that does not serve commits by id: everything, then look it up.
      await must(['fetch', '-q', '--no-tags', 'origin', '--', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
      const found = await runGit(run, ['rev-parse', '-q', '--verify', `${ref}^{commit}`], root);
      if (found.code !== 0) throw gitFailure({ ...found, stderr: "couldn't find remote ref" }, what, parsed.ref);
      await must(['checkout', '-q', '--detach', found.stdout.trim()]);
    } else throw gitFailure(shallow, what, parsed.ref);
    const commit = (await must(['rev-parse', 'HEAD'])).trim();
    const commitTime = Number((await must(['log', '-1', '--format=%ct', 'HEAD'])).trim());
    if (options.submodules !== false && (await exists(join(root, '.gitmodules')))) {
      // Submodules of any repository never get file:// (CVE-2022-39253): only network transports.
      const sub: GitRun = { ...run, env: gitEnv(env, ['git', 'http', 'https', 'ssh']) };
      const r = await runGit(sub, ['submodule', 'update', '-q', '--init', '--recursive', '--depth', '1'], root);
      if (r.code !== 0) throw gitFailure(r, `the submodules of ${what}`, undefined);
    }
    await rm(join(root, '.git'), { recursive: true, force: true });
    const dir = await contextDir(root, parsed);
    const source = parsed.local ? await localSource(run, parsed.remote) : what;
    options.onLog?.(`Checked out ${commit}${parsed.ref ? ` (${parsed.ref})` : ''}`);
    return {
      dir,
      root,
      commit,
      commitTime,
      source,
      spec: parsed,
      labels: { [REVISION_LABEL]: commit, [SOURCE_LABEL]: source },
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The SUBDIR, resolved through symlinks, must be a directory inside the checkout. */
async function contextDir(root: string, spec: GitContextSpec): Promise<string> {
  if (spec.subdir === undefined) return root;
  const missing = () =>
    notFoundError('GIT_SUBDIR_NOT_FOUND', `${describeGitContext(spec)}: the repository has no directory ${spec.subdir}`, {
      hint: 'the part after ":" in #REF:SUBDIR is a directory of the repository at that ref',
    });
  let real: string;
  try {
    real = await realpath(join(root, spec.subdir));
  } catch {
    throw missing();
  }
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw usageError('GIT_SUBDIR_OUTSIDE', `${describeGitContext(spec)}: ${spec.subdir} is a link that leaves the repository`);
  }
  if (!(await isDir(real))) throw missing();
  return real;
}

/** A local repository's source: its `origin` remote when it has one (credentials removed), else its file:// URL. */
async function localSource(run: GitRun, path: string): Promise<string> {
  if (path.startsWith('file://')) return path;
  const r = await runGit(run, ['config', '--get', 'remote.origin.url'], path).catch(() => undefined);
  const origin = r?.code === 0 ? r.stdout.trim() : '';
  return origin !== '' && !origin.startsWith('-') ? withoutCredentials(origin) : pathToFileURL(path).href;
}
