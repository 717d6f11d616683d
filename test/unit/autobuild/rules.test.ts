import { describe, expect, it } from 'vitest';
import { matchRule, matchRules, parseRule, repoPath, type GitRef } from '../../../src/autobuild/rules.js';

const branch = (name: string, commit = 'a'.repeat(40)): GitRef => ({ type: 'branch', name, fullName: `refs/heads/${name}`, commit });
const tag = (name: string, commit = 'b'.repeat(40)): GitRef => ({ type: 'tag', name, fullName: `refs/tags/${name}`, commit });

describe('build rules (Hub syntax on one line)', () => {
  it('reads exact names, regexes, tag templates and per-rule paths', () => {
    expect(parseRule('branch=main:tag=latest')).toMatchObject({ type: 'branch', name: 'main', tags: ['latest'] });
    const v = parseRule('tag=/^v([0-9.]+)$/:tag={\\1}');
    expect(v.type).toBe('tag');
    expect(v.pattern?.source).toBe('^v([0-9.]+)$');
    expect(v.tags).toEqual(['{\\1}']);
    expect(parseRule('branch=/.*/')).toMatchObject({ tags: ['{sourceref}'] });
    expect(parseRule('branch=dev:tag=dev,edge:dockerfile=/docker/Dockerfile.dev:context=app/')).toMatchObject({
      tags: ['dev', 'edge'],
      dockerfile: 'docker/Dockerfile.dev',
      context: 'app',
    });
    expect(parseRule('branch=main:context=/')).toMatchObject({ context: '.' });
    // a regex may hold ':' as long as it is not followed by a key
    expect(parseRule('tag=/^r:(\\d+)$/:tag=r{\\1}').pattern?.source).toBe('^r:(\\d+)$');
  });

  it('refuses what it cannot read, with the rule in the message', () => {
    for (const [rule, why] of [
      ['main:tag=latest', 'must start with branch=NAME or tag=NAME'],
      ['commit=abc:tag=x', 'must start with'],
      ['branch=/(/:tag=x', 'invalid regular expression'],
      ['branch=/^x:tag=x', 'needs a closing /'],
      ['tag=/^v(.*)$/:tag={\\2}', 'has 1 capture group'],
      ['branch=main:tag={branch}', 'unknown placeholder {branch}'],
      ['branch=main:tag=.hidden', 'not a valid image tag'],
      ['branch=main:tag=a:tag=b', 'tag= is given twice'],
      ['branch=main:context=../up', 'leaves the repository'],
      ['branch=main:dockerfile=a/../../b', 'leaves the repository'],
    ] as const) {
      expect(() => parseRule(rule), rule).toThrow(why);
      expect(() => parseRule(rule)).toThrow(`--rule "${rule}"`);
    }
  });

  it('fills {sourceref} and {\\N}; what a tag cannot hold becomes -', () => {
    expect(matchRule(parseRule('tag=/^v([0-9.]+)$/:tag={\\1}'), tag('v1.2'))).toEqual(['1.2']);
    expect(matchRule(parseRule('tag=/^v([0-9.]+)$/:tag={\\1}'), tag('release-1'))).toBeUndefined();
    expect(matchRule(parseRule('tag=/^v([0-9.]+)$/:tag={\\1}'), branch('v1.2'))).toBeUndefined();
    expect(matchRule(parseRule('branch=/.*/:tag={sourceref}'), branch('feature/x'))).toEqual(['feature-x']);
    expect(matchRule(parseRule('branch=/^(alice|bob)-v([0-9.]+)$/:tag={\\1}-{\\2},{sourceref}'), branch('bob-v2.0'))).toEqual([
      'bob-2.0',
      'bob-v2.0',
    ]);
    // unanchored, as on Hub: matches anywhere in the name
    expect(matchRule(parseRule('branch=/rel/:tag=r'), branch('my-release'))).toEqual(['r']);
    expect(matchRule(parseRule('branch=main:tag=latest'), branch('main2'))).toBeUndefined();
  });

  it('merges rules that pick one ref with the same paths, and keeps invalid tags apart', () => {
    const rules = ['branch=main:tag=latest', 'branch=/.*/:tag={sourceref}', 'branch=main:tag=dev:dockerfile=Dockerfile.dev'].map(parseRule);
    const matches = matchRules(rules, [branch('main'), branch('-bad')], { context: 'app' });
    expect(matches.map((m) => [m.ref.name, m.tags, m.invalidTags, m.dockerfile, m.context])).toEqual([
      ['main', ['latest', 'main'], [], 'Dockerfile', 'app'],
      ['main', ['dev'], [], 'Dockerfile.dev', 'app'],
      ['-bad', [], ['-bad'], 'Dockerfile', 'app'],
    ]);
  });

  it('normalizes repository paths', () => {
    expect(repoPath('/')).toBe('.');
    expect(repoPath('')).toBe('.');
    expect(repoPath('./a/b/')).toBe('a/b');
    expect(repoPath('/a/../b')).toBe('b');
    expect(repoPath('..')).toBeUndefined();
    expect(repoPath('a/../../b')).toBeUndefined();
  });
});
