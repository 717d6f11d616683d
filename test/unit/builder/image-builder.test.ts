import { mkdir, writeFile, symlink, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../src/builder/index.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { FakeStore } from './fake-storage.js';
import { makeTar, tempDir } from './helpers.js';

async function sameInputs(dir: string): Promise<string[]> {
  await mkdir(join(dir, 'root/usr/bin'), { recursive: true });
  await writeFile(join(dir, 'root/usr/bin/app'), 'binary');
  await chmod(join(dir, 'root/usr/bin/app'), 0o750);
  await symlink('usr/bin', join(dir, 'root/bin'));
  await writeFile(join(dir, 'extra.tar'), await makeTar([{ name: 'etc/motd', body: 'hi' }]));
  return [join(dir, 'root'), join(dir, 'extra.tar')];
}

describe('buildImage', () => {
  it('gives the same manifest digest for the same inputs, even from other directories', async () => {
    const a = await sameInputs(await tempDir('a-'));
    const b = await sameInputs(await tempDir('b-'));
    const opts = { env: ['A=1'], labels: { x: 'y' }, cmd: ['/usr/bin/app'], platform: 'linux/amd64' };
    const r1 = await buildImage({ storage: new FakeStore(), layers: a, ...opts });
    const r2 = await buildImage({ storage: new FakeStore(), layers: a, ...opts });
    const r3 = await buildImage({ storage: new FakeStore(), layers: b, ...opts });
    expect(r2.manifestDescriptor.digest).toBe(r1.manifestDescriptor.digest);
    expect(r3.manifestDescriptor.digest).toBe(r1.manifestDescriptor.digest);
    const r4 = await buildImage({ storage: new FakeStore(), layers: a, ...opts, sourceDateEpoch: 1700000000 });
    expect(r4.manifestDescriptor.digest).not.toBe(r1.manifestDescriptor.digest);
    expect(r4.config.created).toBe('2023-11-14T22:13:20Z');
    expect(r4.layers[0]!.diffId).not.toBe(r1.layers[0]!.diffId);
    // a tar file's own mtimes are not rewritten
    expect(r4.layers[1]!.diffId).toBe(r1.layers[1]!.diffId);
  });

  it('writes env, labels, cmd, entrypoint, workdir, user, ports and platform into the config', async () => {
    const store = new FakeStore();
    const r = await buildImage({
      storage: store,
      env: ['PATH=/usr/bin', 'A=1', 'A=2'],
      labels: { 'org.example': 'yes' },
      cmd: ['serve'],
      entrypoint: ['/app'],
      workdir: '/srv',
      user: '1000:1000',
      expose: ['80', '443/tcp', '53/udp'],
      platform: 'linux/arm64/v8',
      tags: ['me/app:1', 'localhost:5000/x'],
      tagger: store,
    });
    const c = store.configJson(r.configDigest);
    expect(c.architecture).toBe('arm64');
    expect(c.variant).toBe('v8');
    expect(c.os).toBe('linux');
    expect(c.config).toEqual({
      Env: ['PATH=/usr/bin', 'A=2'],
      Labels: { 'org.example': 'yes' },
      Entrypoint: ['/app'],
      Cmd: ['serve'],
      WorkingDir: '/srv',
      User: '1000:1000',
      ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} },
    });
    expect([...store.tags.keys()]).toEqual(['docker.io/me/app:1', 'localhost:5000/x:latest']);
    expect(store.tags.get('docker.io/me/app:1')).toEqual(r.manifestDescriptor);
  });

  it('writes Docker schema2 with docker media types', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'l.tar'), await makeTar([{ name: 'f', body: '1' }]));
    const store = new FakeStore();
    const r = await buildImage({ storage: store, layers: [join(dir, 'l.tar')], format: 'docker' });
    const m = store.manifestJson(r.manifestDescriptor.digest);
    expect(r.manifestDescriptor.mediaType).toBe(MediaType.DockerManifest);
    expect(m.mediaType).toBe(MediaType.DockerManifest);
    expect(m.config.mediaType).toBe(MediaType.DockerConfig);
    expect(m.layers[0]!.mediaType).toBe(MediaType.DockerLayerGzip);
  });

  it('builds on a base image: base layers first, env merged, entrypoint resets cmd', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'base.tar'), await makeTar([{ name: 'base', body: 'b' }]));
    await writeFile(join(dir, 'top.tar'), await makeTar([{ name: 'top', body: 't' }]));
    const store = new FakeStore();
    await buildImage({
      storage: store,
      tagger: store,
      layers: [join(dir, 'base.tar')],
      env: ['PATH=/bin', 'X=1'],
      cmd: ['sh'],
      platform: 'linux/amd64',
      tags: ['base'],
    });
    const base = await store.getBaseImage('docker.io/library/base:latest');
    const r = await buildImage({
      storage: store,
      from: base,
      layers: [join(dir, 'top.tar')],
      env: ['X=2', 'Y=3'],
      entrypoint: ['/e'],
      format: 'docker',
    });
    const c = store.configJson(r.configDigest);
    expect(c.config!.Env).toEqual(['PATH=/bin', 'X=2', 'Y=3']);
    expect(c.config!.Cmd).toBeNull();
    expect(c.architecture).toBe('amd64');
    expect(c.rootfs.diff_ids).toHaveLength(2);
    expect(c.history).toHaveLength(2);
    const m = store.manifestJson(r.manifestDescriptor.digest);
    expect(m.layers[0]!.digest).toBe(base.manifest.layers[0]!.digest);
    expect(m.layers[0]!.mediaType).toBe(MediaType.DockerLayerGzip);
  });

  it('refuses bad tags and env before writing anything', async () => {
    const store = new FakeStore();
    await expect(buildImage({ storage: store, tagger: store, tags: ['me/App:1'] })).rejects.toMatchObject({ kind: 'usage' });
    await expect(buildImage({ storage: store, env: ['=x'] })).rejects.toMatchObject({ kind: 'usage' });
    await expect(buildImage({ storage: store, expose: ['http'] })).rejects.toMatchObject({ code: 'INVALID_PORT' });
    expect(store.blobs.size).toBe(0);
  });
});
