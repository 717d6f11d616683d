import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, mkdir, writeFile, readdir, readFile, chmod, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;

async function makeTar(file: string, entries: { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string }[]) {
  const p = pack();
  for (const e of entries) {
    if (e.type === 'symlink') p.entry({ name: e.name, type: 'symlink', linkname: e.linkname! });
    else p.entry({ name: e.name, mode: 0o644 }, e.body ?? '');
  }
  p.finalize();
  await pipeline(p, createWriteStream(file));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-build-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  const ctx = join(root, 'ctx');
  await mkdir(join(ctx, 'app', 'bin'), { recursive: true });
  await writeFile(join(ctx, 'app', 'bin', 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(ctx, 'app', 'bin', 'run.sh'), 0o755);
  await writeFile(join(ctx, 'app', 'config.txt'), 'x=1\n');
  await writeFile(join(ctx, 'secret.key'), 'nope\n');
  await writeFile(join(ctx, '.dockerignore'), '*.key\n');
  await writeFile(
    join(ctx, 'Dockerfile'),
    [
      '# a daemonless build',
      'FROM scratch',
      'ARG VERSION=1.0',
      'LABEL version=$VERSION \\',
      '      maintainer="me"',
      'COPY app/ /app/',
      'ENV PATH=/app/bin',
      'WORKDIR /app',
      'USER 1000:1000',
      'EXPOSE 8080',
      'ENTRYPOINT ["/app/bin/run.sh"]',
      'CMD ["--help"]',
      '',
    ].join('\n'),
  );
  await writeFile(join(root, 'run.Dockerfile'), 'FROM scratch\nCOPY app /app\nRUN make\n');
  await makeTar(join(root, 'layer.tar'), [{ name: 'etc/motd', body: 'hello\n' }]);
  await makeTar(join(root, 'evil.tar'), [
    { name: 'ok.txt', body: 'fine' },
    { name: '../../escape.txt', body: 'bad' },
  ]);
  await makeTar(join(root, 'evil-link.tar'), [
    { name: 'link', type: 'symlink', linkname: '../../../etc' },
    { name: 'link/passwd', body: 'x' },
  ]);
  await mkdir(join(root, 'dir', 'sub'), { recursive: true });
  await writeFile(join(root, 'dir', 'sub', 'a.txt'), 'A');
  await symlink('sub/a.txt', join(root, 'dir', 'link'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl build through the binary', () => {
  it('builds a Dockerfile like docker (Step lines, Successfully built/tagged), image ID on stdout', async () => {
    const r = await hubctl(['build', '-t', 'me/app:1', join(root, 'ctx')], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Step 1/10 : FROM scratch');
    expect(r.stderr).toMatch(/Successfully built [0-9a-f]{12}/);
    expect(r.stderr).toContain('Successfully tagged me/app:1');
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const insp = JSON.parse((await hubctl(['inspect', '--raw', 'me/app:1'], { env })).stdout);
    expect(insp.config.config).toMatchObject({
      Entrypoint: ['/app/bin/run.sh'],
      Cmd: ['--help'],
      Env: ['PATH=/app/bin'],
      WorkingDir: '/app',
      User: '1000:1000',
      ExposedPorts: { '8080/tcp': {} },
      Labels: { version: '1.0', maintainer: 'me' },
    });
  });

  it('gives the same digest for the same inputs, and another with SOURCE_DATE_EPOCH', async () => {
    const a = await hubctl(['build', '-q', '-t', 'me/app:a', join(root, 'ctx')], { env });
    const b = await hubctl(['build', '-q', '-t', 'me/app:b', join(root, 'ctx')], { env });
    const c = await hubctl(['build', '-q', '-t', 'me/app:c', join(root, 'ctx')], { env: { ...env, SOURCE_DATE_EPOCH: '1700000000' } });
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    expect(a.stderr).toBe('');
  });

  it('builds from a tar and a directory layer with metadata flags', async () => {
    const r = await hubctl(
      [
        'build',
        '-t',
        'me/layers:1',
        '--layer',
        join(root, 'layer.tar'),
        '--layer',
        join(root, 'dir'),
        '--cmd',
        '/bin/app --port 80',
        '--env',
        'A=1',
        '--label',
        'team=x',
        '--expose',
        '53/udp',
        '--format',
        'docker',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Successfully tagged me/layers:1');
    const insp = JSON.parse((await hubctl(['inspect', '--raw', 'me/layers:1'], { env })).stdout);
    expect(insp.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(insp.manifest.layers).toHaveLength(2);
    expect(insp.config.config.Cmd).toEqual(['/bin/app', '--port', '80']);
    expect(insp.config.rootfs.diff_ids).toHaveLength(2);
  });

  it('without buildah on PATH, refuses RUN naming the line, exit 2 (build-buildah.test.ts runs it)', async () => {
    const r = await hubctl(['build', '-f', join(root, 'run.Dockerfile'), join(root, 'ctx')], {
      env: { ...env, PATH: join(root, 'no-bin') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Dockerfile:3: RUN needs a container/);
  });

  it('RUN in an image without a shell: the step fails with its line, exit 2', async () => {
    const r = await hubctl(['build', '-f', join(root, 'run.Dockerfile'), join(root, 'ctx')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: Dockerfile:3: RUN make: /m);
  });

  it.each(['evil.tar', 'evil-link.tar'])('refuses the unsafe layer %s and writes nothing to the store', async (name) => {
    const blobsBefore = await readdir(join(root, 'store', 'blobs', 'sha256'));
    const indexBefore = await readFile(join(root, 'store', 'index.json'), 'utf8');
    const r = await hubctl(['build', '-t', 'me/evil:1', '--layer', join(root, name)], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*(\.\.|escape|outside|below the symlink)/m);
    expect(await readdir(join(root, 'store', 'blobs', 'sha256'))).toEqual(blobsBefore);
    expect(await readFile(join(root, 'store', 'index.json'), 'utf8')).toBe(indexBefore);
  });

  it('usage errors: nothing to build, bad --env/--label, bad --cmd JSON', async () => {
    expect((await hubctl(['build', '-t', 'x'], { env })).code).toBe(2);
    expect((await hubctl(['build', '--layer', join(root, 'layer.tar'), '--label', 'novalue'], { env })).code).toBe(2);
    expect((await hubctl(['build', '--layer', join(root, 'layer.tar'), '--cmd', '[oops'], { env })).code).toBe(2);
    expect((await hubctl(['build', '--layer', join(root, 'missing.tar')], { env })).code).not.toBe(0);
  });
});
