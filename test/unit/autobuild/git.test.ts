import { describe, expect, it } from 'vitest';
import { isRemoteRepository, normalizeRepository, parseLsRemote } from '../../../src/autobuild/git.js';

describe('git ls-remote output', () => {
  it('lists branches and tags, peels annotated tags, reads HEAD', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(40);
    const out = [
      'ref: refs/heads/main\tHEAD',
      `${a}\tHEAD`,
      `${a}\trefs/heads/main`,
      `${b}\trefs/heads/feature/x`,
      `${c}\trefs/tags/v1.0`,
      `${a}\trefs/tags/v1.0^{}`,
      `${b}\trefs/tags/light`,
      `${c}\trefs/pull/1/head`,
      '',
    ].join('\n');
    const parsed = parseLsRemote(out);
    expect(parsed.head).toBe('main');
    expect(parsed.refs).toEqual([
      { type: 'branch', name: 'feature/x', fullName: 'refs/heads/feature/x', commit: b },
      { type: 'branch', name: 'main', fullName: 'refs/heads/main', commit: a },
      { type: 'tag', name: 'light', fullName: 'refs/tags/light', commit: b },
      { type: 'tag', name: 'v1.0', fullName: 'refs/tags/v1.0', commit: a },
    ]);
    expect(parseLsRemote('').refs).toEqual([]);
  });

  it('tells remote repositories from local paths', () => {
    for (const r of ['https://github.com/a/b.git', 'ssh://git@host/x', 'git@github.com:a/b.git']) {
      expect(isRemoteRepository(r), r).toBe(true);
      expect(normalizeRepository(r, '/cwd')).toBe(r);
    }
    expect(isRemoteRepository('file:///srv/x')).toBe(false);
    expect(normalizeRepository('file:///srv/x', '/cwd')).toBe('file:///srv/x');
    expect(isRemoteRepository('./repo')).toBe(false);
    expect(() => normalizeRepository('./repo#main', '/work')).toThrow('the rules choose the refs');
    expect(() => normalizeRepository('--upload-pack=x', '/work')).toThrow('is not a repository');
    expect(normalizeRepository('repo', '/work')).toBe('/work/repo');
    expect(normalizeRepository('/abs/repo', '/work')).toBe('/abs/repo');
    expect(() => normalizeRepository(' ', '/work')).toThrow('empty');
  });
});

describe('repository names in the state', () => {
  it('drop the userinfo of URLs', async () => {
    const { displayRepository } = await import('../../../src/autobuild/git.js');
    expect(displayRepository('https://x-access-token:ghs_abc@github.com/a/b.git')).toBe('https://github.com/a/b.git');
    expect(displayRepository('https://ghp_token@github.com/a/b.git')).toBe('https://github.com/a/b.git');
    expect(displayRepository('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
    expect(displayRepository('/srv/git/app')).toBe('/srv/git/app');
  });
});
