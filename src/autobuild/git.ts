/**
 * The `git` CLI, as autobuild uses it: never prompting (GIT_TERMINAL_PROMPT=0, so a private repository
 * without credentials fails instead of hanging), bounded in time, stopped by the signal, and with
 * credentials in URLs redacted from every message.
 */
import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { HubctlError, networkError, redactSecrets, usageError } from '../errors.js';
import type { GitRef } from './rules.js';

export interface GitOptions {
  /** Environment git runs with (credentials helpers, ssh agent, proxies come from here). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

const MAX_OUTPUT = 32 * 1024 * 1024;

/** Runs `git ARGS` and resolves with its stdout; a failure is a network error quoting git's last stderr lines. */
export function git(args: string[], options: GitOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) return reject(interrupted(options.signal));
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...options.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: options.env.GIT_ASKPASS ?? '', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let outSize = 0;
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      outSize += d.length;
      if (outSize <= MAX_OUTPUT) out.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-8192);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    const onAbort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        e.code === 'ENOENT'
          ? usageError('GIT_MISSING', 'git is not installed', { hint: 'install git (Debian: apt-get install git)' })
          : networkError('GIT_FAILED', `git ${args[0]}: ${e.message}`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(interrupted(options.signal));
      if (code === 0 && !timedOut) return resolvePromise(Buffer.concat(out).toString('utf8'));
      const why = timedOut ? 'timed out' : lastLines(err) || `exit code ${code}`;
      reject(networkError('GIT_FAILED', redactSecrets(`git ${args[0]} failed: ${why}`)));
    });
  });
}

function lastLines(text: string): string {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' / ');
}

function interrupted(signal: AbortSignal): HubctlError {
  return new HubctlError('interrupted', 'INTERRUPTED', 'interrupted', { cause: signal.reason });
}

/** URLs (`https://`, `ssh://`, `file://`) and scp-like `user@host:path` are remote; anything else is a local path. */
export function isRemoteRepository(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\s:@]+@[^/\s:]+:/.test(repo);
}

/** What autobuild passes to git: a local path made absolute, a URL as given. */
export function normalizeRepository(repo: string, cwd: string): string {
  if (repo.trim() === '') throw usageError('INVALID_REPOSITORY', 'the git repository is empty');
  return isRemoteRepository(repo) || isAbsolute(repo) ? repo : resolve(cwd, repo);
}

/**
 * The repository as autobuild shows and records it: a URL without its userinfo (a token put there,
 * `https://TOKEN@github.com/...`, must not reach the state file), so one repository has one name.
 */
export function displayRepository(repo: string): string {
  return repo.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
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
  const out = await git(['ls-remote', '--symref', repo, 'HEAD', 'refs/heads/*', 'refs/tags/*'], options);
  return parseLsRemote(out);
}
