/**
 * The build step of autobuild, behind one narrow interface: build a commit of a repository into an
 * image tagged in the local store. Autobuild pushes the tags itself afterwards.
 *
 * The default builder checks the ref out (checkout.ts) into a temp dir under the store that is always
 * removed, pulls each FROM image fresh (a build always starts from the base as its registry has it
 * now, as Hub's builds do, and records its digest for --rebuild-on-base-change), and builds with
 * hubctl's Dockerfile build. The image's `created` is the commit's time, so a rebuild of one commit
 * on the same bases gives the same digest.
 */
import { mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Client } from '../api/client.js';
import { buildFromDockerfile } from '../api/build.js';
import { pull } from '../api/pull.js';
import { usageError } from '../errors.js';
import { fromImages } from './bases.js';
import { checkoutRef } from './checkout.js';
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
  /** The commit actually built. */
  commit: string;
  configDigest: string;
  bases: BaseImageRecord[];
}

export type CommitBuilder = (client: Client, request: CommitBuildRequest) => Promise<CommitBuildResult>;

export const buildCommit: CommitBuilder = async (client, req) => {
  const store = await client.store();
  const tmpRoot = join(store.root, '.hubctl', 'tmp');
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(join(tmpRoot, 'autobuild-'));
  try {
    const gitOptions = { env: req.env, ...(req.signal ? { signal: req.signal } : {}) };
    req.log(`fetching ${req.ref.fullName}`);
    const checkout = await checkoutRef(req.repository, req.ref.fullName, dir, gitOptions);
    req.log(`checked out ${checkout.commit}`);
    const contextDir = await inside(checkout.dir, req.context, 'build context', req.ref);
    const dockerfile = await inside(checkout.dir, join(req.context, req.dockerfile), 'Dockerfile', req.ref);
    const text = await readFile(dockerfile, 'utf8');
    const bases: BaseImageRecord[] = [];
    for (const base of fromImages(text)) {
      const pulled = await pull(client, base, req.signal ? { signal: req.signal } : {});
      req.log(`base image ${base}: ${pulled.digest}`);
      bases.push({ reference: base, digest: pulled.digest });
    }
    const result = await buildFromDockerfile(client, {
      contextDir,
      dockerfile,
      tags: req.tags,
      sourceDateEpoch: checkout.commitTime,
      onLog: req.log,
      pullMissingBase: true,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    return { commit: checkout.commit, configDigest: result.configDigest, bases };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** `root/path`, which must exist and (symlinks followed) stay inside `root`. */
async function inside(root: string, path: string, what: string, ref: GitRef): Promise<string> {
  const full = join(root, path);
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    throw usageError('AUTOBUILD_PATH_MISSING', `${ref.type} ${ref.name} has no ${what} at ${path}`, {
      hint: 'set the path with --dockerfile/--context, or per rule with :dockerfile=PATH:context=DIR',
    });
  }
  const rel = relative(await realpath(root), real);
  if (rel === '..' || rel.startsWith(`..${sep}`)) {
    throw usageError('AUTOBUILD_PATH_OUTSIDE', `the ${what} ${path} of ${ref.type} ${ref.name} is a link that leaves the repository`);
  }
  const st = await stat(real);
  if (what === 'build context' ? !st.isDirectory() : !st.isFile()) {
    throw usageError(
      'AUTOBUILD_PATH_MISSING',
      `the ${what} ${path} of ${ref.type} ${ref.name} is not a ${what === 'Dockerfile' ? 'file' : 'directory'}`,
    );
  }
  return real;
}
