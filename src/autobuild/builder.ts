/**
 * The build step of autobuild, behind one narrow interface: build a commit of a repository into an
 * image tagged in the local store. Autobuild pushes the tags itself afterwards.
 *
 * The default builder fetches the ref with the git build context code (src/git: shallow fetch into a
 * staging dir of the store that is always removed, and swept if hubctl is killed; submodules, no
 * `.git`; the image gets the `org.opencontainers.image.revision` and `.source` labels), pulls each FROM image fresh (a build
 * starts from the base as its registry has it now, as Hub's builds do, and records its digest for
 * --rebuild-on-base-change), and builds with `hubctl build` (native, or buildah for RUN and several
 * stages). The image's `created` is the commit's time: a rebuild of one commit on the same bases gives
 * the same digest.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Client } from '../api/client.js';
import { buildFromDockerfile } from '../api/build.js';
import { withStaging } from '../api/build-common.js';
import { pull } from '../api/pull.js';
import { notFoundError, usageError } from '../errors.js';
import { prepareGitContext } from '../git/prepare.js';
import { fromImages } from './bases.js';
import { isRemoteRepository } from './git.js';
import type { GitRef } from './rules.js';
import type { BaseImageRecord } from './state.js';

export interface CommitBuildRequest {
  /** The repository as git reads it (URL or absolute path). */
  repository: string;
  ref: GitRef;
  /** The build context, relative to the repository root (`.` for the root). */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  /** Full references to tag the image with in the store. */
  tags: string[];
  /** Environment for git (credential helpers, ssh agent, proxies). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Lines for the build's log. */
  log: (line: string) => void;
}

export interface CommitBuildResult {
  /** The commit actually built (the ref may have moved since it was listed). */
  commit: string;
  configDigest: string;
  bases: BaseImageRecord[];
}

export type CommitBuilder = (client: Client, request: CommitBuildRequest) => Promise<CommitBuildResult>;

export const buildCommit: CommitBuilder = async (client, req) =>
  withStaging(await client.store(), (tmpDir) => buildInStaging(client, req, tmpDir));

async function buildInStaging(client: Client, req: CommitBuildRequest, tmpDir: string): Promise<CommitBuildResult> {
  const signal = req.signal ? { signal: req.signal } : {};
  const git = await prepareGitContext(
    {
      remote: req.repository,
      local: !isRemoteRepository(req.repository),
      ref: req.ref.fullName,
      ...(req.context !== '.' ? { subdir: req.context } : {}),
    },
    { tmpDir, env: req.env, onLog: req.log, ...signal },
  );
  try {
    const dockerfile = await dockerfileIn(git.root, join(req.context, req.dockerfile), req.ref);
    const bases: BaseImageRecord[] = [];
    for (const base of fromImages(await readFile(dockerfile, 'utf8'))) {
      const pulled = await pull(client, base, signal);
      req.log(`base image ${base}: ${pulled.digest}`);
      bases.push({ reference: base, digest: pulled.digest });
    }
    const result = await buildFromDockerfile(client, {
      context: git.dir,
      cwd: git.dir,
      dockerfile,
      labels: git.labels,
      tags: req.tags,
      sourceDateEpoch: git.commitTime,
      onLog: req.log,
      ...signal,
    });
    return { commit: git.commit, configDigest: result.configDigest, bases };
  } finally {
    await git.cleanup();
  }
}

/** `root/path`: a file that (links followed) stays inside the checkout. */
async function dockerfileIn(root: string, path: string, ref: GitRef): Promise<string> {
  const real = await realpath(join(root, path)).catch(() => undefined);
  const isFile = real
    ? await stat(real).then(
        (s) => s.isFile(),
        () => false,
      )
    : false;
  if (!real || !isFile) {
    throw notFoundError('DOCKERFILE_NOT_FOUND', `${ref.type} ${ref.name} has no Dockerfile at ${path}`, {
      hint: 'set the path with --dockerfile/--context, or per rule with :dockerfile=PATH:context=DIR',
    });
  }
  const rel = relative(await realpath(root), real);
  if (rel === '..' || rel.startsWith(`..${sep}`)) {
    throw usageError('INVALID_DOCKERFILE_PATH', `the Dockerfile ${path} of ${ref.type} ${ref.name} is a link that leaves the repository`);
  }
  return real;
}
