import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { refuse } from '../builder/dockerfile-copy.js';
import { buildDockerfile } from '../builder/dockerfile-build.js';
import { containerInstruction, planStages } from '../builder/dockerfile-stages.js';
import { parseDockerfile, type DockerfileInstruction } from '../builder/dockerfile.js';
import type { BuildResult } from '../builder/image-builder.js';
import { notFoundError, usageError } from '../errors.js';
import { detectGitContext, prepareGitContext, type GitContext } from '../git/prepare.js';
import { formatPlatform } from '../oci/platform.js';
import { findProgram } from '../process/find-program.js';
import { baseSource, pick, withStaging, type CommonBuildOptions } from './build-common.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';

export interface DockerfileBuildApiOptions extends CommonBuildOptions {
  /**
   * The build context: a directory, or a git context as docker reads one
   * (`https://host/owner/repo.git#REF:SUBDIR`, `git@host:owner/repo.git#REF`, `./repo#REF:SUBDIR`),
   * fetched with the git CLI into a temp dir that is removed afterwards.
   */
  context?: string;
  /** The context as a directory (older name of `context`). */
  contextDir?: string;
  /** The Dockerfile (default `Dockerfile` in the context); for a git context, a path inside the context. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** Labels on the result (docker's `--label`); they win over a git context's revision/source labels. */
  labels?: Record<string, string>;
  /** The stage to build (docker's `--target`). */
  target?: string;
  /** Relative paths are resolved against this (default: the process's working directory). */
  cwd?: string;
  /** The buildah program for RUN and multi-stage builds (default: `buildah` on the client's PATH). */
  buildah?: string;
  /** buildah's storage driver when its storage is first made (default: overlay when it works, else vfs). */
  buildahStorageDriver?: 'overlay' | 'vfs';
  /** Told about a wait without log lines (buildah starting); returns what to call when it ends. */
  onWait?: (what: string) => (() => void) | undefined;
}

export interface DockerfileBuildResult extends BuildResult {
  /** Which builder made it: hubctl's own (no RUN, one stage) or buildah. */
  engine: 'native' | 'buildah';
  /** For a git context: the commit built and the source (also in the image's labels). */
  git?: { commit: string; source: string };
}

const INSTALL_BUILDAH = 'apt-get install -y buildah';

/** Why the build needs buildah, as the refusal when it is not installed. */
function needsBuildah(ins: DockerfileInstruction) {
  return ins.keyword === 'RUN'
    ? refuse(
        ins,
        'needs a container: hubctl runs RUN through buildah, which is not installed',
        `install buildah (${INSTALL_BUILDAH}), or build the files outside and COPY them`,
      )
    : refuse(
        ins,
        'starts a second stage: multi-stage builds run through buildah, which is not installed',
        `install buildah (${INSTALL_BUILDAH}), or build each stage as its own image`,
      );
}

/** A git context's Dockerfile: relative to the context, and (through links) inside the checkout. */
async function dockerfileInside(git: GitContext, file: string): Promise<string> {
  if (isAbsolute(file)) throw usageError('INVALID_DOCKERFILE_PATH', `-f ${file}: for a git context, give a path inside the repository`);
  const root = await realpath(git.root);
  const real = await realpath(join(git.dir, file)).catch(() => undefined);
  if (real === undefined) throw notFoundError('DOCKERFILE_NOT_FOUND', `${file} is not in the repository at ${git.commit.slice(0, 12)}`);
  if (!real.startsWith(root + sep)) throw usageError('INVALID_DOCKERFILE_PATH', `${file} is a link that leaves the repository`);
  return real;
}

async function readDockerfile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw notFoundError('DOCKERFILE_NOT_FOUND', `no Dockerfile at ${path}`, { hint: 'give its path with -f, or a context that has one' });
    }
    throw usageError('DOCKERFILE_UNREADABLE', `cannot read the Dockerfile ${path}: ${(e as Error).message}`);
  }
}

/**
 * `hubctl build [-f Dockerfile] CONTEXT`: a Dockerfile that needs no container is built natively
 * (fast, reproducible); one with RUN or several stages goes to buildah when it is installed. A git
 * context is fetched first and labelled with its commit and source.
 */
export async function buildFromDockerfile(client: Client, options: DockerfileBuildApiOptions): Promise<DockerfileBuildResult> {
  const store = await client.store();
  return withStaging(store, (tmpDir) => buildInStaging(client, store, tmpDir, options));
}

async function buildInStaging(
  client: Client,
  store: ImageStore,
  tmpDir: string,
  options: DockerfileBuildApiOptions,
): Promise<DockerfileBuildResult> {
  const env = { ...(client.options.env ?? {}) };
  const cwd = options.cwd ?? process.cwd();
  const contextArg = options.context ?? options.contextDir ?? '.';
  const spec = await detectGitContext(contextArg, cwd);
  const git = spec ? await prepareGitContext(spec, { tmpDir, env, cwd, ...pick(options, ['signal', 'onLog']) }) : undefined;
  try {
    const contextDir = git ? git.dir : resolve(cwd, contextArg);
    const dockerfile = git
      ? await dockerfileInside(git, options.dockerfile ?? 'Dockerfile')
      : resolve(cwd, options.dockerfile ?? join(contextDir, 'Dockerfile'));
    const text = await readDockerfile(dockerfile);
    const parsed = parseDockerfile(text);
    // Checks --target (and the stages) before anything is pulled.
    planStages(parsed, { ...pick(options, ['buildArgs', 'platform', 'target']) });
    const labels = { ...(git?.labels ?? {}), ...(options.labels ?? {}) };
    const gitInfo = git ? { git: { commit: git.commit, source: git.source } } : {};
    const common = {
      storage: store,
      tagger: store,
      baseSource: baseSource(client, options),
      contextDir,
      dockerfile,
      labels,
      tmpDir,
      ...pick(options, ['buildArgs', 'format', 'sourceDateEpoch', 'concurrency', 'onLog', 'signal', 'tags']),
    };
    const needs = containerInstruction(parsed.instructions);
    if (needs === undefined) {
      const result = await buildDockerfile({
        ...common,
        dockerfileText: text,
        ...(options.platform ? { platform: formatPlatform(options.platform) } : {}),
      });
      return { ...result, engine: 'native', ...gitInfo };
    }
    const buildah = options.buildah ?? (await findProgram('buildah', env.PATH));
    if (buildah === undefined) throw needsBuildah(needs);
    // Loaded only when a build needs it.
    const { buildWithBuildah } = await import('../builder/buildah/build.js');
    const result = await buildWithBuildah({
      ...common,
      buildah,
      parsed,
      storeRoot: store.root,
      env,
      ...pick(options, ['platform', 'target', 'onWait']),
      ...(options.buildahStorageDriver ? { storageDriver: options.buildahStorageDriver } : {}),
    });
    return { ...result, engine: 'buildah', ...gitInfo };
  } finally {
    await git?.cleanup();
  }
}
