#!/usr/bin/env node
// `npm run demo`: hubctl's main job end to end on this machine, no Docker daemon, no internet.
// Starts a real distribution registry on loopback, seeds it with skopeo (an independent client),
// then drives the built hubctl binary: pull (single and multi-platform), images, inspect, rmi.
// Every server is stopped at the end, whatever happens.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, seedImage, checkTools } from '../test/harness/index.mjs';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tools = checkTools();
if (!tools.ok) {
  console.error(`demo: ${tools.message}`);
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), 'hubctl-demo-'));
const env = { ...process.env, HUBCTL_STORE: join(work, 'store'), DOCKER_CONFIG: join(work, 'docker') };
const registries = [];

function step(title) {
  console.log(`\n\u001b[1m== ${title}\u001b[0m`);
}

function hubctl(...args) {
  console.log(`$ hubctl ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`hubctl ${args[0]} exited with ${code}`))));
  });
}

try {
  step('Start a CNCF distribution registry on loopback and seed it with skopeo');
  const reg = await startRegistry({ mode: 'open' });
  registries.push(reg);
  console.log(`registry at ${reg.url}`);
  await seedImage(reg, 'library/demo:1.0', { layers: [64 * 1024, 256 * 1024, 1024 * 1024] });
  await seedImage(reg, 'tools/multi:latest', { multiArch: true, layers: [128 * 1024] });
  console.log('seeded library/demo:1.0 (3 layers) and tools/multi:latest (linux/amd64 + linux/arm64)');

  step('Pull');
  await hubctl('pull', `${reg.host}/library/demo:1.0`);
  await hubctl('pull', `${reg.host}/library/demo:1.0`);
  await hubctl('pull', '--platform', 'linux/arm64', `${reg.host}/tools/multi`);

  step('List and inspect the local store');
  await hubctl('images');
  await hubctl('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}');

  step('Remove an image (shared blobs stay)');
  await hubctl('rmi', `${reg.host}/tools/multi:latest`);
  await hubctl('images');
  console.log('\ndemo: done');
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await Promise.allSettled(registries.map((r) => r.stop()));
  await rm(work, { recursive: true, force: true });
}
