import { posix } from 'node:path';
import { usageError } from '../errors.js';

/**
 * A git build context, as docker reads one: `https://host/owner/repo.git#REF:SUBDIR`,
 * `git@host:owner/repo.git#REF`, `git://host/repo#REF`, `github.com/owner/repo`, and (hubctl's own
 * addition) `file:///path/repo#REF:SUBDIR` or a local repository `./path#REF:SUBDIR`.
 */
export interface GitContextSpec {
  /** What git fetches from: a URL, an scp-like `user@host:path`, or an absolute local path. */
  remote: string;
  /** Branch, tag or commit; undefined: the remote's default branch (HEAD). */
  ref?: string;
  /** Directory inside the repository used as the context (normalized, relative); undefined: the root. */
  subdir?: string;
  /** A repository on this machine (a path or a file:// URL). */
  local: boolean;
}

/** moby's urlutil.IsGitURL, plus file:// URLs: an http(s) URL whose path ends in .git, or git://, github.com/, git@. */
export function isGitUrl(text: string): boolean {
  if (/^https?:\/\//i.test(text) && /\.git(?:#.+)?$/.test(text)) return true;
  return ['git://', 'github.com/', 'git@', 'file://', 'ssh://', 'git+ssh://'].some((p) => text.startsWith(p));
}

const SCP = /^([A-Za-z0-9._-]+@)?([^/:\s]+):(.*)$/;
const URL_SCHEMES = new Set(['http:', 'https:', 'git:', 'ssh:', 'git+ssh:', 'file:']);

function invalid(text: string, why: string) {
  return usageError('INVALID_GIT_CONTEXT', `invalid git context "${text}": ${why}`, {
    hint: 'give URL#REF:SUBDIR, e.g. https://github.com/owner/repo.git#v1.2:app or ./repo#main',
  });
}

/** Splits `#REF:SUBDIR` off and checks both; `text` is the whole context argument (for messages). */
function parseFragment(text: string, fragment: string | undefined): Pick<GitContextSpec, 'ref' | 'subdir'> {
  if (fragment === undefined || fragment === '') return {};
  const colon = fragment.indexOf(':');
  const ref = colon < 0 ? fragment : fragment.slice(0, colon);
  const dir = colon < 0 ? '' : fragment.slice(colon + 1);
  const out: Pick<GitContextSpec, 'ref' | 'subdir'> = {};
  if (ref !== '') {
    // git check-ref-format's rules, and never anything git could read as an option.
    if (ref.startsWith('-') || ref.includes('..') || ref.endsWith('/') || ref.endsWith('.lock') || /[\s\x00-\x1f\x7f~^:?*[\\]/.test(ref)) {
      throw invalid(text, `"${ref}" is not a branch, tag or commit name`);
    }
    out.ref = ref;
  }
  if (dir !== '') {
    if (dir.startsWith('/') || /[\x00-\x1f\x7f]/.test(dir)) throw invalid(text, `the directory "${dir}" must be a relative path`);
    const norm = posix.normalize(dir).replace(/\/+$/, '');
    if (norm === '..' || norm.startsWith('../')) throw invalid(text, `the directory "${dir}" leaves the repository`);
    if (norm !== '.') out.subdir = norm;
  }
  return out;
}

/**
 * Parses a git context. `localPath` is the absolute path of the repository when the caller found
 * `text` (before `#`) to be a local repository; otherwise `text` must be a git URL (see isGitUrl).
 */
export function parseGitContext(text: string, localPath?: string): GitContextSpec {
  const hash = text.indexOf('#');
  const base = hash < 0 ? text : text.slice(0, hash);
  const fragment = hash < 0 ? undefined : text.slice(hash + 1);
  const { ref, subdir } = parseFragment(text, fragment);
  const spec = (remote: string, local: boolean): GitContextSpec => ({
    remote,
    local,
    ...(ref !== undefined ? { ref } : {}),
    ...(subdir !== undefined ? { subdir } : {}),
  });
  if (localPath !== undefined) return spec(localPath, true);
  if (base === '' || base.startsWith('-')) throw invalid(text, 'no repository');
  if (/[\s\x00-\x1f\x7f]/.test(base)) throw invalid(text, 'the repository address has spaces or control characters');
  const remote = base.startsWith('github.com/') ? `https://${base}` : base;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      throw invalid(text, 'not a valid URL');
    }
    if (!URL_SCHEMES.has(url.protocol)) throw invalid(text, `git over ${url.protocol.slice(0, -1)} is not supported`);
    if (url.protocol === 'file:') {
      if (url.host !== '') throw invalid(text, 'a file:// URL names a path on this machine (file:///path)');
      return spec(remote, true);
    }
    if (url.hostname === '' || url.hostname.startsWith('-')) throw invalid(text, 'no valid host');
    return spec(remote, false);
  }
  const scp = SCP.exec(remote);
  if (scp && !remote.includes('::')) {
    if (scp[2]!.startsWith('-') || scp[3]!.startsWith('-') || scp[3] === '') throw invalid(text, 'no valid host and path');
    return spec(remote, false);
  }
  throw invalid(text, 'not a git URL');
}

/** The repository address without credentials (for labels and messages). */
export function withoutCredentials(remote: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    try {
      const url = new URL(remote);
      if (url.username === '' && url.password === '') return remote;
      url.username = '';
      url.password = '';
      return url.href;
    } catch {
      return remote.replace(/(:\/\/)[^/@]*@/, '$1');
    }
  }
  return remote;
}

/** `SOURCE#REF:SUBDIR` without credentials, for messages. */
export function describeGitContext(spec: GitContextSpec): string {
  const frag = spec.ref !== undefined || spec.subdir !== undefined ? `#${spec.ref ?? ''}${spec.subdir ? `:${spec.subdir}` : ''}` : '';
  return `${withoutCredentials(spec.remote)}${frag}`;
}
