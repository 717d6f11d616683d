import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildImage, checkTarEntry, LayerSafetyChecker } from '../../../src/builder/index.js';
import { FakeStore } from './fake-storage.js';
import { makeTar, tempDir, type TarItem } from './helpers.js';

const malicious: Array<[string, TarItem[]]> = [
  [
    'dot-dot path',
    [
      { name: 'ok', body: '1' },
      { name: '../x', body: 'evil' },
    ],
  ],
  ['nested dot-dot', [{ name: 'a/../../x', body: 'evil' }]],
  ['absolute path', [{ name: '/etc/passwd', body: 'root::0:0::/:/bin/sh' }]],
  [
    'write through an escaping symlink',
    [
      { name: 'a/link', type: 'symlink', linkname: '../../x' },
      { name: 'a/link/y', body: 'evil' },
    ],
  ],
  ['escaping hardlink', [{ name: 'h', type: 'link', linkname: '../outside' }]],
  ['absolute hardlink', [{ name: 'h', type: 'link', linkname: '/etc/shadow' }]],
  [
    'write through symlink',
    [
      { name: 'etc', type: 'symlink', linkname: '/etc' },
      { name: 'etc/passwd', body: 'x' },
    ],
  ],
];

describe('layer safety', () => {
  for (const [label, items] of malicious) {
    it(`refuses a tar with ${label} and leaves the store unchanged`, async () => {
      const dir = await tempDir();
      await writeFile(join(dir, 'good.tar'), await makeTar([{ name: 'fine', body: 'ok' }]));
      await writeFile(join(dir, 'evil.tar'), await makeTar(items));
      await writeFile(join(dir, 'evil.tgz'), gzipSync(await makeTar(items)));
      for (const evil of ['evil.tar', 'evil.tgz']) {
        const store = new FakeStore();
        const err = await buildImage({
          storage: store,
          tagger: store,
          tags: ['t'],
          layers: [join(dir, 'good.tar'), join(dir, evil)],
        }).catch((e: unknown) => e);
        expect(err).toMatchObject({ kind: 'usage', code: 'UNSAFE_LAYER' });
        expect((err as Error).message).toContain(evil);
        expect(store.blobs.size).toBe(0);
        expect(store.tags.size).toBe(0);
      }
    });
  }

  it('accepts ordinary entries, absolute symlinks and in-root relative links', () => {
    expect(checkTarEntry({ name: './usr/bin/', type: 'directory' }, 'l')).toBe('usr/bin');
    expect(checkTarEntry({ name: 'bin/sh', type: 'symlink', linkname: '/usr/bin/dash' }, 'l')).toBe('bin/sh');
    expect(checkTarEntry({ name: 'a/b/c', type: 'symlink', linkname: '../../x' }, 'l')).toBe('a/b/c');
    expect(checkTarEntry({ name: 'a/h', type: 'link', linkname: './usr/bin/x' }, 'l')).toBe('a/h');
    expect(checkTarEntry({ name: './', type: 'directory' }, 'l')).toBe('');
    expect(checkTarEntry({ name: '/', type: 'directory' }, 'l')).toBe('');
    expect(() => checkTarEntry({ name: '/', type: 'file' }, 'l')).toThrow(/names the layer root/);
    expect(() => checkTarEntry({ name: 'x', type: 'symlink', linkname: '..' }, 'l')).toThrow(/escapes/);
    // inside a layer a climbing symlink is data (docker keeps it); only archive members may not climb
    expect(checkTarEntry({ name: 'x', type: 'symlink', linkname: '../../etc' }, 'l', { climbingSymlinks: true })).toBe('x');
    expect(new LayerSafetyChecker('l').check({ name: 'x', type: 'symlink', linkname: '..' })).toBe('x');
  });

  it('names the entry and the layer in the error', () => {
    expect(() => checkTarEntry({ name: '../../etc/passwd', type: 'file' }, 'evil.tar')).toThrow(
      /layer evil\.tar: entry "\.\.\/\.\.\/etc\/passwd"/,
    );
  });

  it('tracks symlinks within a layer', () => {
    const c = new LayerSafetyChecker('l');
    c.check({ name: 'lib', type: 'symlink', linkname: 'usr/lib' });
    expect(() => c.check({ name: 'lib/x.so', type: 'file' })).toThrow(/below the symlink "lib"/);
    expect(() => c.check({ name: 'y', type: 'link', linkname: 'lib/x.so' })).toThrow(/through the symlink/);
    c.check({ name: 'lib', type: 'directory' });
    expect(c.check({ name: 'lib/x.so', type: 'file' })).toBe('lib/x.so');
  });
});
