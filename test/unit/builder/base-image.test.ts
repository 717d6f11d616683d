import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseImageSource, buildImage } from '../../../src/builder/index.js';
import { sha256 } from '../../../src/digest/digest.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { FakeStore } from './fake-storage.js';
import { makeTar, tempDir } from './helpers.js';

describe('baseImageSource', () => {
  it('reads a tagged image, and picks the platform from an index', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'l.tar'), await makeTar([{ name: 'f', body: 'x' }]));
    const store = new FakeStore();
    const amd = await buildImage({ storage: store, layers: [join(dir, 'l.tar')], platform: 'linux/amd64' });
    const arm = await buildImage({ storage: store, layers: [join(dir, 'l.tar')], platform: 'linux/arm64' });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [
          { ...amd.manifestDescriptor, platform: { os: 'linux', architecture: 'amd64' } },
          { ...arm.manifestDescriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    const indexDesc = { mediaType: MediaType.OciIndex, digest: sha256(index), size: index.length };
    await store.putBytes(indexDesc, index);
    await store.tag('docker.io/library/multi:latest', indexDesc);
    await store.tag('docker.io/library/single:latest', amd.manifestDescriptor);
    const src = baseImageSource(store);
    const armBase = await src.getBaseImage('docker.io/library/multi:latest', { os: 'linux', architecture: 'arm64' });
    expect(armBase.manifestDescriptor.digest).toBe(arm.manifestDescriptor.digest);
    expect(armBase.config.architecture).toBe('arm64');
    const single = await src.getBaseImage('docker.io/library/single:latest');
    expect(single.config.architecture).toBe('amd64');
    await expect(src.getBaseImage('docker.io/library/absent:latest')).rejects.toMatchObject({
      kind: 'notfound',
      code: 'BASE_IMAGE_NOT_FOUND',
    });
    await expect(src.getBaseImage('docker.io/library/multi:latest', { os: 'linux', architecture: 's390x' })).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
    });
  });

  it('stops an interrupted build before writing', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'l.tar'), await makeTar([{ name: 'f', body: 'x' }]));
    const store = new FakeStore();
    const ac = new AbortController();
    ac.abort();
    await expect(buildImage({ storage: store, layers: [join(dir, 'l.tar')], signal: ac.signal })).rejects.toMatchObject({
      kind: 'interrupted',
    });
    expect(store.blobs.size).toBe(0);
  });
});
