/**
 * The repository autobuild watches, as git reads it, and its branches and tags (`git ls-remote`),
 * through the same git runner as git build contexts (src/git): never prompting, a restricted
 * environment, only the transports a repository of its kind needs, credentials kept out of messages.
 */
import { isAbsolute, resolve } from 'node:path';
import { notFoundError, usageError } from '../errors.js';
import { gitEnv, gitFailure, runGit } from '../git/run-git.js';
import { withoutCredentials } from '../git/spec.js';
import { findProgram } from '../process/find-program.js';
import type { GitRef } from './rules.js';

export interface GitOptions {
  /** Environment git runs with (PATH, credential helpers, ssh agent, proxies). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** URLs (`https://`, `ssh://`, `git://`) and scp-like `user@host:path` are remote; `file://` URLs and paths are local. */
export function isRemoteRepository(repo: string): boolean {
  return (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) && !/^file:/i.test(repo)) || /^[^/\s:@]+@[^/\s:]+:/.test(repo);
}

/** What autobuild passes to git: a local path made absolute, a URL as given. */
export function normalizeRepository(repo: string, cwd: string): string {
  const bad = (why: string) =>
    usageError('INVALID_REPOSITORY', `"${repo}" ${why}`, {
      hint: 'give a URL (https://host/owner/repo.git, git@host:owner/repo.git) or a local path',
    });
  if (repo.trim() === '') throw bad('is empty: give the git repository');
  if (repo.startsWith('-')) throw bad('is not a repository');
  if (repo.includes('#')) throw bad('holds #REF: autobuild takes the repository alone, the rules choose the refs');
  return isRemoteRepository(repo) || /^file:/i.test(repo) || isAbsolute(repo) ? repo : resolve(cwd, repo);
}

/** The repository as autobuild shows and records it: without credentials (`https://TOKEN@host/...`). */
export function displayRepository(repo: string): string {
  return withoutCredentials(repo);
}

export interface RemoteRefs {
  refs: GitRef[];
  /** The branch HEAD points to (`main`), when the server says. */
  head?: string;
}

/** Reads `git ls-remote --symref` output: branches and tags, annotated tags peeled to their commit. */
export function parseLsRemote(output: string): RemoteRefs {
  const refs = new Map<string, GitRef>();
  let head: string | undefined;
  for (const line of output.split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (sym) {
      head = sym[1];
      continue;
    }
    const m = /^([0-9a-f]{40,64})\t(refs\/(heads|tags)\/(\S+?))(\^\{\})?$/.exec(line);
    if (!m) continue;
    const [, commit, fullName, kind, name, peeled] = m as unknown as [string, string, string, string, string, string | undefined];
    const existing = refs.get(fullName);
    // `refs/tags/v1^{}` is the commit an annotated tag points to: it wins over the tag object's id.
    if (existing && !peeled) continue;
    refs.set(fullName, { type: kind === 'heads' ? 'branch' : 'tag', name, fullName, commit });
  }
  const sorted = [...refs.values()].sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
  return head ? { refs: sorted, head } : { refs: sorted };
}

export async function lsRemote(repo: string, options: GitOptions): Promise<RemoteRefs> {
  const git = await findProgram('git', options.env.PATH);
  if (!git)
    throw notFoundError('GIT_NOT_FOUND', 'autobuild needs git, which is not on PATH', { hint: 'install git: apt-get install -y git' });
  const protocols = isRemoteRepository(repo) ? ['git', 'http', 'https', 'ssh'] : ['file', 'git', 'http', 'https', 'ssh'];
  const run = { git, env: gitEnv(options.env, protocols), ...(options.signal ? { signal: options.signal } : {}) };
  const r = await runGit(run, ['ls-remote', '--symref', '--', repo, 'HEAD', 'refs/heads/*', 'refs/tags/*']);
  if (r.code !== 0) throw gitFailure(r, withoutCredentials(repo), undefined);
  return parseLsRemote(r.stdout);
}
