import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDockerfile, buildImage } from '../../../src/builder/index.js';
import { FakeStore } from './fake-storage.js';
import { makeTar, tempDir } from './helpers.js';

const UMOCI = '/usr/bin/umoci';

/** Writes index.json with a short ref name umoci can select (the fake store already wrote the blobs). */
async function layoutWithTag(layout: string, desc: object, tag: string): Promise<void> {
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(layout, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...desc, annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
}

function unpack(layout: string, tag: string, bundle: string): void {
  execFileSync(UMOCI, ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle], { stdio: 'pipe' });
}

describe('images unpacked by umoci', () => {
  it('holds exactly the input files, modes and links of a directory + tar build', async () => {
    const dir = await tempDir();
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'usr/bin'), { recursive: true });
    await writeFile(join(tree, 'usr/bin/app'), 'app-binary');
    await chmod(join(tree, 'usr/bin/app'), 0o750);
    await writeFile(join(tree, 'usr/readme'), 'read me');
    await chmod(join(tree, 'usr/readme'), 0o600);
    await symlink('usr/bin', join(tree, 'bin'));
    await writeFile(
      join(dir, 'extra.tar'),
      await makeTar([
        { name: 'etc/', type: 'directory' },
        { name: 'etc/motd', body: 'hello', mode: 0o644 },
      ]),
    );
    const layout = join(dir, 'layout');
    const store = new FakeStore(layout);
    const r = await buildImage({ storage: store, layers: [tree, join(dir, 'extra.tar')], platform: 'linux/amd64', cmd: ['/usr/bin/app'] });
    await layoutWithTag(layout, r.manifestDescriptor, 'test');
    const bundle = join(dir, 'bundle');
    unpack(layout, 'test', bundle);
    const rootfs = join(bundle, 'rootfs');
    expect(await readFile(join(rootfs, 'usr/bin/app'), 'utf8')).toBe('app-binary');
    expect((await lstat(join(rootfs, 'usr/bin/app'))).mode & 0o777).toBe(0o750);
    expect((await lstat(join(rootfs, 'usr/readme'))).mode & 0o777).toBe(0o600);
    expect(await readlink(join(rootfs, 'bin'))).toBe('usr/bin');
    expect(await readFile(join(rootfs, 'etc/motd'), 'utf8')).toBe('hello');
    const runtime = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
    expect(runtime.process.args).toEqual(['/usr/bin/app']);
  });

  it('unpacks a Dockerfile build (COPY . with .dockerignore, ADD archive)', async () => {
    const ctx = await tempDir('ctx-');
    await mkdir(join(ctx, 'src'));
    await writeFile(join(ctx, 'src/main.js'), 'console.log(1)');
    await writeFile(join(ctx, 'notes.md'), 'skip me');
    await writeFile(join(ctx, '.dockerignore'), '*.md\nDockerfile\n.dockerignore\n');
    await writeFile(
      join(ctx, 'vendor.tar'),
      await makeTar([
        { name: 'lib/', type: 'directory' },
        { name: 'lib/v.js', body: 'v' },
      ]),
    );
    await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nWORKDIR /app\nCOPY . .\nADD vendor.tar ./\nCMD ["node", "src/main.js"]\n');
    const dir = await tempDir();
    const layout = join(dir, 'layout');
    const store = new FakeStore(layout);
    const r = await buildDockerfile({ storage: store, contextDir: ctx, platform: 'linux/amd64' });
    await layoutWithTag(layout, r.manifestDescriptor, 'df');
    unpack(layout, 'df', join(dir, 'bundle'));
    const rootfs = join(dir, 'bundle', 'rootfs');
    expect(await readFile(join(rootfs, 'app/src/main.js'), 'utf8')).toBe('console.log(1)');
    expect(await readFile(join(rootfs, 'app/lib/v.js'), 'utf8')).toBe('v');
    expect(existsSync(join(rootfs, 'app/notes.md'))).toBe(false);
    expect(existsSync(join(rootfs, 'app/Dockerfile'))).toBe(false);
    expect(existsSync(join(rootfs, 'app/vendor.tar'))).toBe(true);
  });
});
