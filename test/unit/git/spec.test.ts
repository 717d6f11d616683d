import { describe, expect, it } from 'vitest';
import { describeGitContext, isGitUrl, parseGitContext, withoutCredentials } from '../../../src/git/spec.js';
import { gitEnv, gitFailure } from '../../../src/git/run-git.js';
import { HubctlError } from '../../../src/errors.js';

describe('isGitUrl (moby urlutil.IsGitURL, plus file:// and ssh://)', () => {
  it.each([
    ['https://github.com/docker/docker.git', true],
    ['https://github.com/docker/docker.git#branch', true],
    ['https://github.com/docker/docker.git#v1.0:sub/dir', true],
    ['http://example.com/repo.git', true],
    ['git://github.com/docker/docker', true],
    ['git@github.com:docker/docker.git', true],
    ['github.com/docker/docker', true],
    ['file:///srv/repo#main', true],
    ['ssh://git@host/repo.git', true],
    // an http URL without .git is a remote tarball for docker, not a repository
    ['https://example.com/context.tar.gz', false],
    ['https://github.com/docker/docker', false],
    ['./repo#main', false],
    ['.', false],
  ])('%s -> %s', (text, expected) => {
    expect(isGitUrl(text)).toBe(expected);
  });
});

describe('parseGitContext', () => {
  it('splits #REF:SUBDIR as docker does', () => {
    expect(parseGitContext('https://host/o/r.git#v1.2:app/web')).toEqual({
      remote: 'https://host/o/r.git',
      ref: 'v1.2',
      subdir: 'app/web',
      local: false,
    });
    expect(parseGitContext('git@host:o/r.git#main')).toEqual({ remote: 'git@host:o/r.git', ref: 'main', local: false });
    expect(parseGitContext('git@host:o/r.git#:only/dir')).toEqual({ remote: 'git@host:o/r.git', subdir: 'only/dir', local: false });
    expect(parseGitContext('git://host/r')).toEqual({ remote: 'git://host/r', local: false });
    expect(parseGitContext('github.com/o/r#dev')).toEqual({ remote: 'https://github.com/o/r', ref: 'dev', local: false });
    expect(parseGitContext('file:///srv/r#v1:a/')).toEqual({ remote: 'file:///srv/r', ref: 'v1', subdir: 'a', local: true });
    expect(parseGitContext('./r#v1:app', '/abs/r')).toEqual({ remote: '/abs/r', ref: 'v1', subdir: 'app', local: true });
    expect(parseGitContext('https://h/r.git#:.')).toEqual({ remote: 'https://h/r.git', local: false });
  });

  it.each([
    ['https://h/r.git#--upload-pack=touch /tmp/x', /not a branch, tag or commit/],
    ['https://h/r.git#a..b', /not a branch, tag or commit/],
    ['https://h/r.git#ref with space', /not a branch, tag or commit/],
    ['https://h/r.git#main:../../etc', /leaves the repository/],
    ['https://h/r.git#main:/etc', /relative path/],
    ['ssh://-oProxyCommand=touch%20x/r.git', /no valid host/],
    ['git@-oProxyCommand=x:r.git', /no valid host/],
    ['ext::sh -c touch% /tmp/pwned', /spaces|not a git URL/],
    ['ftp://host/r.git', /not supported/],
    ['file://otherhost/r', /this machine/],
    ['-u/r.git', /no repository/],
  ])('refuses %s', (text, why) => {
    let err: unknown;
    try {
      parseGitContext(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).kind).toBe('usage');
    expect((err as HubctlError).message).toMatch(why);
  });

  it('never shows credentials in descriptions or labels', () => {
    const spec = parseGitContext('https://user:s3cret@host/o/r.git#v1:app');
    expect(describeGitContext(spec)).toBe('https://host/o/r.git#v1:app');
    expect(withoutCredentials('https://tok@host/r.git')).toBe('https://host/r.git');
    expect(withoutCredentials('git@host:o/r.git')).toBe('git@host:o/r.git');
  });
});

describe('git environment and failures', () => {
  it('drops GIT_* variables that redirect git, never prompts, allows only the given transports', () => {
    const env = gitEnv({ PATH: '/bin', GIT_DIR: '/elsewhere', GIT_SSH_COMMAND: 'ssh -i k', GIT_WORK_TREE: '/w' }, ['https', 'ssh']);
    expect(env).toMatchObject({ PATH: '/bin', GIT_SSH_COMMAND: 'ssh -i k', GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: 'https:ssh' });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_WORK_TREE).toBeUndefined();
  });

  it.each([
    ["fatal: couldn't find remote ref v9", 'notfound', 'GIT_REF_NOT_FOUND'],
    ["fatal: '/x' does not appear to be a git repository", 'notfound', 'GIT_REPO_NOT_FOUND'],
    ["fatal: could not read Username for 'https://h': terminal prompts disabled", 'auth', 'GIT_AUTH_FAILED'],
    ["fatal: unable to access 'https://u:pw@h/r.git/': Could not resolve host: h", 'network', 'GIT_FETCH_FAILED'],
    ["fatal: transport 'ext' not allowed", 'usage', 'GIT_TRANSPORT_REFUSED'],
  ])('%s -> %s', (stderr, kind, code) => {
    const e = gitFailure({ code: 128, signal: null, stdout: '', stderr }, 'https://h/r.git', 'v9');
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
    expect(e.message).not.toContain('pw');
  });
});
