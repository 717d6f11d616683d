import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseImageSource, buildDockerfile, buildImage } from '../../../src/builder/index.js';
import { ImageStore } from '../../../src/store/image-store.js';
import { makeTar, tempDir } from './helpers.js';

/** The build against the real local store (src/store), through the same small interfaces. */
describe('build into the ImageStore', () => {
  it('builds, tags, builds on top from a Dockerfile, and refuses an unsafe layer without writing', async () => {
    const root = await tempDir('store-');
    const store = await ImageStore.open(root);
    try {
      const dir = await tempDir();
      await writeFile(join(dir, 'base.tar'), await makeTar([{ name: 'bin/sh', body: 'sh', mode: 0o755 }]));
      const base = await buildImage({
        storage: store,
        tagger: store,
        layers: [join(dir, 'base.tar')],
        platform: 'linux/amd64',
        tags: ['me/base:1'],
      });
      expect(await store.resolve('docker.io/me/base:1')).toMatchObject({ digest: base.manifestDescriptor.digest });

      const ctx = await tempDir('ctx-');
      await writeFile(join(ctx, 'hello.txt'), 'hi');
      await writeFile(join(ctx, 'Dockerfile'), 'FROM me/base:1\nCOPY hello.txt /srv/\nCMD ["/bin/sh"]\n');
      const lines: string[] = [];
      const r = await buildDockerfile({
        storage: store,
        tagger: store,
        baseSource: baseImageSource(store),
        contextDir: ctx,
        tags: ['me/app'],
        onLog: (l) => lines.push(l),
      });
      expect(lines.at(-1)).toBe('Successfully tagged me/app:latest');
      expect(r.manifest.layers.map((l) => l.digest)).toEqual([base.layers[0]!.digest, r.layers[0]!.digest]);
      expect(await store.resolve('docker.io/me/app:latest')).toMatchObject({ digest: r.manifestDescriptor.digest });

      const blobsBefore = (await readdir(join(root, 'blobs', 'sha256'))).sort();
      await writeFile(
        join(dir, 'evil.tar'),
        await makeTar([
          { name: 'ok', body: '1' },
          { name: '../../x', body: 'evil' },
        ]),
      );
      await expect(
        buildImage({ storage: store, tagger: store, layers: [join(dir, 'base.tar'), join(dir, 'evil.tar')], tags: ['me/evil'] }),
      ).rejects.toMatchObject({ code: 'UNSAFE_LAYER' });
      expect((await readdir(join(root, 'blobs', 'sha256'))).sort()).toEqual(blobsBefore);
      expect(await store.resolve('docker.io/me/evil:latest')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
