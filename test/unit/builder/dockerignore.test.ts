import { describe, expect, it } from 'vitest';
import { DockerIgnore } from '../../../src/builder/index.js';

describe('.dockerignore', () => {
  const ig = DockerIgnore.parse(
    ['# comment', '*.log', '!keep.log', 'node_modules', '**/*.tmp', 'docs/?.md', '/secret', 'build/**', '!build/out/ok', '[ab].txt'].join(
      '\n',
    ),
  );
  it.each([
    ['x.log', true],
    ['keep.log', false],
    ['sub/x.log', false],
    ['node_modules', true],
    ['node_modules/pkg/index.js', true],
    ['a/b/c.tmp', true],
    ['c.tmp', true],
    ['docs/a.md', true],
    ['docs/ab.md', false],
    ['secret', true],
    ['build/x', true],
    ['build/out/ok', false],
    ['a.txt', true],
    ['c.txt', false],
    ['src/main.ts', false],
  ])('%s ignored: %s', (path, ignored) => {
    expect(ig.ignores(path)).toBe(ignored);
  });

  it('descends into ignored directories only when exceptions exist', () => {
    expect(ig.decide('build', true)).toBe('include'); // build/** matches what is inside, not build itself
    expect(DockerIgnore.parse('build\n!build/ok').decide('build', true)).toBe('descend-only');
    expect(DockerIgnore.parse('build').decide('build', true)).toBe('exclude');
    expect(DockerIgnore.parse('build').decide('src', true)).toBe('include');
  });

  it('last match wins', () => {
    const i2 = DockerIgnore.parse('!a.txt\n*.txt');
    expect(i2.ignores('a.txt')).toBe(true);
  });
});
