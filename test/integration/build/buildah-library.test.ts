import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, makeGitRepo, runUmoci } from '../../harness/index.mjs';
import { buildFromDockerfile, buildFromLayers } from '../../../src/api/build.js';
import { createClient, type Client } from '../../../src/index.js';
import { HubctlError } from '../../../src/errors.js';

// The library's view of builds through buildah: the vfs driver, docker format, a git context.

let root: string;
let client: Client;
const base = 'localhost:5000/test/busybox:1';

async function context(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [f, body] of Object.entries(files)) await writeFile(join(dir, f), body);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-buildah-lib-'));
  client = createClient({ storeRoot: join(root, 'store'), env: { PATH: process.env.PATH, HOME: root } });
  const rootfs = join(root, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await copyFile(findTool('busybox')!, join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'echo', 'cat']) await symlink('busybox', join(rootfs, 'bin', applet));
  await buildFromLayers(client, { tags: [base], layers: [rootfs], cmd: ['/bin/sh'] });
});

afterAll(async () => {
  await client?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('buildFromDockerfile through buildah (library)', () => {
  it('on the vfs driver; a storage made with one driver is not silently reused with another', async () => {
    const dir = await context('vfs', { Dockerfile: `FROM ${base}\nRUN echo vfs > /driver.txt\n` });
    // the start-up wait (the CLI's spinner) is announced, and over before buildah's first line
    const seen: string[] = [];
    const result = await buildFromDockerfile(client, {
      context: dir,
      tags: ['me/vfs:1'],
      buildahStorageDriver: 'vfs',
      onWait: (what) => {
        seen.push(`wait: ${what}`);
        return () => seen.push('wait over');
      },
      onLog: (line) => void seen.push(line),
    });
    expect(result.engine).toBe('buildah');
    expect(seen.slice(0, 2)).toEqual(['wait: Starting buildah', 'wait over']);
    expect(seen.filter((l) => l.startsWith('wait'))).toHaveLength(2);
    expect(result.tags).toEqual(['docker.io/me/vfs:1']);
    expect((await stat(join(root, 'store', '.hubctl', 'buildah', 'root', 'vfs-images'))).isDirectory()).toBe(true);
    const bundle = join(root, 'vfs-bundle');
    await runUmoci(['unpack', '--rootless', '--image', `${join(root, 'store')}:docker.io/me/vfs:1`, bundle]);
    expect(await readFile(join(bundle, 'rootfs', 'driver.txt'), 'utf8')).toBe('vfs\n');

    const err = await buildFromDockerfile(client, { context: dir, buildahStorageDriver: 'overlay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).code).toBe('BUILDAH_DRIVER_MISMATCH');
  });

  it('--format docker keeps what only docker images carry (HEALTHCHECK)', async () => {
    const dir = await context('docker', { Dockerfile: `FROM ${base}\nRUN echo d > /d\nHEALTHCHECK CMD true\n` });
    const result = await buildFromDockerfile(client, { context: dir, tags: ['me/docker:1'], format: 'docker' });
    expect(result.manifestDescriptor.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(result.manifest.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ]);
    expect(result.config.config?.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'true'] });
    // the config stored is buildah's, byte for byte: its digest is the image ID buildah printed
    const stored = await readFile(join(root, 'store', 'blobs', 'sha256', result.configDigest.slice(7)), 'utf8');
    expect(JSON.parse(stored).config.Healthcheck.Test).toEqual(['CMD-SHELL', 'true']);
  });

  it('a git context: the result says which commit it built', async () => {
    const repo = join(root, 'repo');
    const { commit } = await makeGitRepo(repo, { Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n' }, { home: root });
    const result = await buildFromDockerfile(client, { context: `file://${repo}#main`, tags: ['me/git:1'] });
    expect(result.engine).toBe('native');
    expect(result.git).toEqual({ commit, source: `file://${repo}` });
    expect(result.config.config?.Labels?.['org.opencontainers.image.revision']).toBe(commit);
  });
});
