import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDockerfile, buildImage } from '../../../src/builder/index.js';
import { FakeStore } from './fake-storage.js';
import { listTar, makeTar, tempDir } from './helpers.js';

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG VERSION=1.0
FROM scratch
ARG VERSION
ENV APP_VERSION=\${VERSION} PATH=/app/bin
LABEL org.opencontainers.image.version=$VERSION \\
      maintainer="me <me@example.com>"
WORKDIR /app
COPY --chown=1000:1000 bin/ bin/
COPY *.txt ./
ADD files.tar.gz /opt/
COPY conf /etc/app
WORKDIR sub
USER 1000
EXPOSE 8080 53/udp
ENTRYPOINT ["/app/bin/run"]
CMD --help
`;

async function makeContext(dockerfile = DOCKERFILE): Promise<string> {
  const ctx = await tempDir('ctx-');
  await mkdir(join(ctx, 'bin'));
  await writeFile(join(ctx, 'bin/run'), '#!/bin/sh\necho run\n');
  await chmod(join(ctx, 'bin/run'), 0o755);
  await symlink('run', join(ctx, 'bin/start'));
  await writeFile(join(ctx, 'a.txt'), 'A');
  await writeFile(join(ctx, 'b.txt'), 'B');
  await writeFile(join(ctx, 'debug.log'), 'noise');
  await mkdir(join(ctx, 'conf'));
  await writeFile(join(ctx, 'conf/app.conf'), 'x=1');
  await writeFile(join(ctx, 'conf/secret.key'), 'hidden');
  await writeFile(join(ctx, 'conf/secret.keep'), 'kept');
  await writeFile(
    join(ctx, 'files.tar.gz'),
    gzipSync(
      await makeTar([
        { name: 'pkg/', type: 'directory' },
        { name: 'pkg/lib.so', body: 'lib', mode: 0o755 },
        { name: 'pkg/lib.so.1', type: 'link', linkname: 'pkg/lib.so' },
      ]),
    ),
  );
  await writeFile(join(ctx, '.dockerignore'), '*.log\nconf/secret*\n!conf/secret.keep\n');
  await writeFile(join(ctx, 'Dockerfile'), dockerfile);
  return ctx;
}

describe('buildDockerfile', () => {
  it('builds a Dockerfile end to end into the storage', async () => {
    const ctx = await makeContext();
    const store = new FakeStore();
    const lines: string[] = [];
    const r = await buildDockerfile({
      storage: store,
      tagger: store,
      contextDir: ctx,
      tags: ['me/app:1'],
      buildArgs: { VERSION: '2.0' },
      platform: 'linux/amd64',
      onLog: (l) => lines.push(l),
    });

    expect(lines[0]).toBe('Step 1/15 : ARG VERSION=1.0');
    expect(lines).toContain('Step 2/15 : FROM scratch');
    expect(lines).toContain('Step 5/15 : LABEL org.opencontainers.image.version=$VERSION maintainer="me <me@example.com>"');
    expect(lines.filter((l) => /^ ---> [0-9a-f]{12}$/.test(l))).toHaveLength(13);
    expect(lines.at(-2)).toBe(`Successfully built ${r.configDigest.slice(7, 19)}`);
    expect(lines.at(-1)).toBe('Successfully tagged me/app:1');
    expect(store.tags.get('docker.io/me/app:1')).toEqual(r.manifestDescriptor);

    const c = store.configJson(r.configDigest);
    expect(c.config).toEqual({
      Env: ['APP_VERSION=2.0', 'PATH=/app/bin'],
      Labels: { 'org.opencontainers.image.version': '2.0', maintainer: 'me <me@example.com>' },
      WorkingDir: '/app/sub',
      User: '1000',
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      Entrypoint: ['/app/bin/run'],
      Cmd: ['/bin/sh', '-c', '--help'],
    });
    expect(c.rootfs.diff_ids).toHaveLength(4);
    expect(c.history!.filter((h) => !h.empty_layer).map((h) => h.created_by)).toEqual([
      'COPY --chown=1000:1000 bin/ bin/',
      'COPY *.txt ./',
      'ADD files.tar.gz /opt/',
      'COPY conf /etc/app',
    ]);

    const layers = await Promise.all(r.layers.map((l) => listTar(store.blobs.get(l.digest)!)));
    const names = layers.map((l) => l.map((e) => e.name));
    expect(names[0]).toEqual(['app/', 'app/bin/', 'app/bin/run', 'app/bin/start']);
    expect(layers[0]!.find((e) => e.name === 'app/bin/run')).toMatchObject({ uid: 1000, gid: 1000, body: '#!/bin/sh\necho run\n' });
    expect(layers[0]!.find((e) => e.name === 'app/bin/run')!.mode & 0o777).toBe(0o755);
    expect(layers[0]!.find((e) => e.name === 'app/bin/start')).toMatchObject({ type: 'symlink', linkname: 'run' });
    expect(names[1]).toEqual(['app/', 'app/a.txt', 'app/b.txt']);
    expect(names[2]).toEqual(['opt/', 'opt/pkg/', 'opt/pkg/lib.so', 'opt/pkg/lib.so.1']);
    expect(layers[2]!.find((e) => e.name === 'opt/pkg/lib.so.1')).toMatchObject({ type: 'link', linkname: 'opt/pkg/lib.so' });
    expect(names[3]).toEqual(['etc/', 'etc/app/', 'etc/app/app.conf', 'etc/app/secret.keep']);
  });

  it('is reproducible across context directories', async () => {
    const a = await buildDockerfile({ storage: new FakeStore(), contextDir: await makeContext(), platform: 'linux/amd64' });
    const b = await buildDockerfile({ storage: new FakeStore(), contextDir: await makeContext(), platform: 'linux/amd64' });
    expect(b.manifestDescriptor.digest).toBe(a.manifestDescriptor.digest);
  });

  it('builds FROM a base image in the store', async () => {
    const store = new FakeStore();
    const dir = await tempDir();
    await writeFile(join(dir, 'base.tar'), await makeTar([{ name: 'bin/sh', body: 'sh' }]));
    await buildImage({
      storage: store,
      tagger: store,
      layers: [join(dir, 'base.tar')],
      env: ['PATH=/bin'],
      cmd: ['sh'],
      platform: 'linux/arm64',
      tags: ['base:1'],
    });
    const ctx = await makeContext('FROM base:1\nENV PATH=/app:$PATH\nCOPY a.txt /\n');
    const lines: string[] = [];
    const r = await buildDockerfile({ storage: store, baseSource: store, contextDir: ctx, onLog: (l) => lines.push(l) });
    const c = store.configJson(r.configDigest);
    expect(c.config!.Env).toEqual(['PATH=/app:/bin']);
    expect(c.config!.Cmd).toEqual(['sh']);
    expect(c.architecture).toBe('arm64');
    expect(c.rootfs.diff_ids).toHaveLength(2);
    expect(r.manifest.layers).toHaveLength(2);
    expect(lines[1]).toMatch(/^ ---> [0-9a-f]{12}$/);
  });

  it.each([
    [
      'RUN',
      'FROM scratch\nCOPY a.txt /\nRUN echo hi\n',
      /Dockerfile:3: RUN needs a container, which hubctl does not run; build the files outside and COPY them/,
    ],
    ['multi-stage', 'FROM scratch AS a\nCOPY a.txt /\nFROM scratch\n', /Dockerfile:3: FROM starts a second stage/],
    ['COPY --from', 'FROM scratch\nCOPY --from=x /a /b\n', /Dockerfile:2: COPY --from=x/],
    ['ADD URL', 'FROM scratch\nADD https://example.com/x.tgz /\n', /Dockerfile:2: ADD of the URL/],
    ['named chown', 'FROM scratch\nCOPY --chown=app:app a.txt /\n', /Dockerfile:2: COPY --chown=app:app/],
    ['missing source', 'FROM scratch\nCOPY nope.txt /\n', /Dockerfile:2: COPY failed: "nope.txt" not found/],
    ['ignored source', 'FROM scratch\nCOPY debug.log /\n', /excluded by .dockerignore/],
    ['escaping source', 'FROM scratch\nCOPY ../x /\n', /outside the build context/],
    ['several sources to a file', 'FROM scratch\nCOPY a.txt b.txt /dest\n', /must be a directory ending in \//],
    ['no FROM', 'ENV A=1\n', /ENV before the first FROM/],
    ['bad port', 'FROM scratch\nEXPOSE 99999\n', /Dockerfile:2: invalid port/],
    ['bad base reference', 'ARG X=1\nFROM Bad/Ref!\n', /Dockerfile:2: /],
    ['unterminated quote in a global ARG', 'ARG X="1\nFROM scratch\n', /Dockerfile:1: unterminated/],
    ['bad substitution', 'FROM scratch\nENV A=${B\n', /Dockerfile:2: missing "}"/],
  ])('refuses %s with the line number and writes nothing', async (_label, text, message) => {
    const ctx = await makeContext(text);
    const store = new FakeStore();
    const err = await buildDockerfile({ storage: store, tagger: store, contextDir: ctx, tags: ['x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'usage' });
    expect((err as Error).message).toMatch(message);
    expect(store.blobs.size).toBe(0);
    expect(store.tags.size).toBe(0);
  });

  it('refuses an ADD archive with unsafe entries and writes nothing', async () => {
    const ctx = await makeContext('FROM scratch\nADD evil.tar /\n');
    await writeFile(join(ctx, 'evil.tar'), await makeTar([{ name: '../../etc/passwd', body: 'x' }]));
    const store = new FakeStore();
    await expect(buildDockerfile({ storage: store, contextDir: ctx })).rejects.toMatchObject({ code: 'UNSAFE_LAYER' });
    expect(store.blobs.size).toBe(0);
  });
});

describe('buildDockerfile details', () => {
  it('keeps a CMD set before ENTRYPOINT, reads <Dockerfile>.dockerignore and build args in FROM', async () => {
    const ctx = await makeContext();
    const df = join(ctx, 'app.Dockerfile');
    await writeFile(df, 'ARG BASE=scratch\nFROM ${BASE}\nCMD ["x"]\nENTRYPOINT ["/e"]\nCOPY . /c/\n');
    await writeFile(`${df}.dockerignore`, '*\n!a.txt\n');
    const store = new FakeStore();
    const r = await buildDockerfile({ storage: store, contextDir: ctx, dockerfile: df });
    const c = store.configJson(r.configDigest);
    expect(c.config!.Cmd).toEqual(['x']);
    expect(c.config!.Entrypoint).toEqual(['/e']);
    const entries = await listTar(store.blobs.get(r.layers[0]!.digest)!);
    expect(entries.map((e) => e.name)).toEqual(['c/', 'c/a.txt']);
  });

  it('warns about unused build args and supports metadata-only instructions', async () => {
    const ctx = await makeContext(
      'FROM scratch\nSTOPSIGNAL SIGTERM\nVOLUME /data\nSHELL ["/bin/bash", "-c"]\nCMD echo hi\nHEALTHCHECK --timeout=5s CMD ["true"]\nONBUILD COPY . /\nMAINTAINER me\n',
    );
    const store = new FakeStore();
    const lines: string[] = [];
    const r = await buildDockerfile({ storage: store, contextDir: ctx, buildArgs: { NOPE: '1' }, onLog: (l) => lines.push(l) });
    const c = store.configJson(r.configDigest);
    expect(c.author).toBe('me');
    expect(c.config).toMatchObject({
      StopSignal: 'SIGTERM',
      Volumes: { '/data': {} },
      Shell: ['/bin/bash', '-c'],
      Cmd: ['/bin/bash', '-c', 'echo hi'],
      Healthcheck: { Test: ['CMD', 'true'], Timeout: 5e9 },
      OnBuild: ['COPY . /'],
    });
    expect(r.manifest.layers).toHaveLength(0);
    expect(lines).toContain('[Warning] One or more build-args [NOPE] were not consumed');
  });
});
