#!/usr/bin/env node
// `npm run demo`: hubctl's main job end to end on this machine, no Docker daemon, no internet.
// A real CNCF distribution registry with token auth runs on loopback, seeded by hubctl itself (an
// admin builds two base images from plain directories and pushes them), so the demo needs the
// registry and openssl (its token-signing certificate) and nothing else. Then the built hubctl
// binary does what the README's walk-through shows as a user would: login, search, pull, build,
// tag, push (layers mounted from the base), pull elsewhere, save, logout.
// Every server is stopped and every temp dir removed at the end, whatever happens.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, checkTools, REQUIRED_TOOLS } from '../test/harness/index.mjs';
import { depsFor } from './system-deps.mjs';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const demoTools = new Set(depsFor('demo').map((d) => d.name));
const tools = checkTools(REQUIRED_TOOLS.filter((t) => demoTools.has(t.name)));
if (!tools.ok) {
  console.error(`demo: ${tools.message}`);
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), 'hubctl-demo-'));
// SOURCE_DATE_EPOCH: builds are reproducible and dated from it (else the epoch: "56 years ago").
const env = {
  ...process.env,
  HOME: work,
  HUBCTL_STORE: join(work, 'store'),
  DOCKER_CONFIG: join(work, 'docker'),
  SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)),
};
// The admin who seeds the registry has a store and a login of their own.
const adminEnv = { ...env, HUBCTL_STORE: join(work, 'admin-store'), DOCKER_CONFIG: join(work, 'admin-docker') };
let reg;

const step = (title) => console.log(`\n\u001b[1m== ${title}\u001b[0m`);

function hubctl(args, input, as = env) {
  console.log(`$ hubctl ${args.join(' ')}${input === undefined ? '' : '   (password on stdin)'}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: as,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`hubctl ${args[0]} exited with ${code}`))));
  });
}

try {
  step('A CNCF distribution registry with token auth on loopback; an admin seeds it with hubctl');
  reg = await startRegistry({ mode: 'token' });
  const R = reg.host;
  console.log(`registry at ${reg.url}, token server at ${reg.tokenServer.realm}`);
  // Two layers from plain directories (a tar or a gzipped tar works the same way).
  const layer = async (name, files) => {
    const dir = join(work, 'seed', name);
    await mkdir(dir, { recursive: true });
    for (const [file, data] of Object.entries(files)) await writeFile(join(dir, file), data);
    return dir;
  };
  const os = await layer('os', { 'os-release': 'NAME=demo\n', 'base.bin': randomBytes(256 * 1024) });
  const lib = await layer('lib', { 'lib.bin': randomBytes(1024 * 1024) });
  const tools = await layer('tools', { 'tool.sh': '#!/bin/sh\necho tool\n' });
  await hubctl(['login', '-u', 'admin', '--password-stdin', R], `${reg.users.admin}\n`, adminEnv);
  await hubctl(['build', '-q', '-t', `${R}/library/base:1.0`, '--layer', os, '--layer', lib, '--cmd', '["/bin/sh"]'], undefined, adminEnv);
  await hubctl(['push', '-q', `${R}/library/base:1.0`], undefined, adminEnv);
  await hubctl(['build', '-q', '-t', `${R}/library/tools:latest`, '--platform', 'linux/arm64', '--layer', tools], undefined, adminEnv);
  await hubctl(['push', '-q', `${R}/library/tools:latest`], undefined, adminEnv);
  await hubctl(['logout', R], undefined, adminEnv);
  console.log('seeded library/base:1.0 (2 layers) and library/tools:latest (linux/arm64)');

  step('Log in (checked against the registry before anything is stored)');
  await hubctl(['login', '-u', 'alice', '--password-stdin', R], `${reg.users.alice}\n`);

  step('Search the registry (its catalog, as podman does for registries without /v1/search)');
  await hubctl(['search', `${R}/library`]);

  step('Pull');
  await hubctl(['pull', `${R}/library/base:1.0`]);
  await hubctl(['pull', `${R}/library/base:1.0`]);
  await hubctl(['pull', '--platform', 'linux/arm64', `${R}/library/tools`]);

  step('Build an image on the base from a Dockerfile (no daemon, no RUN), tag it with your user name');
  const ctx = join(work, 'ctx');
  await mkdir(ctx, { recursive: true });
  await writeFile(join(ctx, 'hello.txt'), 'hello from hubctl\n');
  await writeFile(
    join(ctx, 'Dockerfile'),
    `FROM ${R}/library/base:1.0\nCOPY hello.txt /srv/hello.txt\nLABEL demo=true\nCMD ["cat", "/srv/hello.txt"]\n`,
  );
  await hubctl(['build', '-t', `${R}/alice/hello:1.0`, ctx]);
  await hubctl(['tag', `${R}/alice/hello:1.0`, `${R}/alice/hello:latest`]);

  step('Push (base layers are mounted from library/base, the new layer is uploaded)');
  await hubctl(['push', `${R}/alice/hello:1.0`]);
  await hubctl(['push', `${R}/alice/hello:latest`]);

  step('Pull it elsewhere (a second, empty store)');
  await hubctl(['--root', join(work, 'elsewhere'), 'pull', `${R}/alice/hello:1.0`]);

  step('The local store');
  await hubctl(['images']);
  await hubctl(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}']);
  await hubctl(['save', '-o', join(work, 'hello.tar'), `${R}/alice/hello:1.0`]);
  console.log('saved alice/hello:1.0 to hello.tar (an OCI layout and a docker archive in one tar)');
  await hubctl(['rmi', `${R}/library/tools:latest`]);

  step('Log out');
  await hubctl(['logout', R]);
  console.log('\ndemo: done');
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await reg?.stop();
  await rm(work, { recursive: true, force: true });
}
