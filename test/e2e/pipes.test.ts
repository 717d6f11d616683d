// A reader that stops early (`hubctl images | head -1`): hubctl exits quietly with 141 (what a shell
// reports for SIGPIPE), never a stack trace. Each command prints far more than a pipe buffer holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubStub, hubIndex, type HubHit, type HubStub } from '../integration/search/hub-stub.js';
import { BIN, hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
let stub: HubStub;

/** Runs the binary, reads its stdout until the first line, then closes the pipe (`| head -1`). */
function firstLineThenClose(args: string[]): Promise<{ code: number | null; signal: string | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (first.includes('\n')) return;
      first += d;
      if (first.includes('\n')) {
        first = first.slice(0, first.indexOf('\n'));
        child.stdout.destroy();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, first, stderr });
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-pipes-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  await mkdir(join(root, 'layer'));
  await writeFile(join(root, 'layer', 'f'), 'x');
  const b = await hubctl(['build', '-q', '-t', 'pipes/img:0', '--layer', join(root, 'layer')], { env });
  expect(b.code, b.stderr).toBe(0);
  // 10000 names for that one image: every listing is far more than a 64 KiB pipe buffer holds (-q: 130 kB),
  // so hubctl is still writing when the reader goes away
  const indexPath = join(root, 'store', 'index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
  const entry = index.manifests[0]!;
  index.manifests = Array.from({ length: 10_000 }, (_, i) => ({
    ...entry,
    annotations: { 'org.opencontainers.image.ref.name': `docker.io/pipes/img:${i}` },
  }));
  await writeFile(indexPath, JSON.stringify(index));
  const hits: HubHit[] = Array.from({ length: 1000 }, (_, i) => ({
    name: `user${i}/x-${'long-name-'.repeat(3)}`,
    description: `description of image ${i} `.repeat(3),
    star_count: i,
    pull_count: i,
    is_official: false,
    is_automated: false,
    is_trusted: false,
  }));
  stub = await startHubStub({ ...hubIndex(), x: hits });
});

afterAll(async () => {
  await stub?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('stdout closed early by its reader', () => {
  for (const [what, args, firstLine] of [
    ['images | head -1', ['images'], /^REPOSITORY\s+TAG/],
    ['images --format json | head -1', ['images', '--format', 'json'], /^\{"Repository":"pipes\/img"/],
    ['images -q | head -1', ['images', '-q'], /^[0-9a-f]{12}$/],
    [
      'search REG/x --limit 1000 --no-trunc | head -1',
      () => ['search', `${stub.host}/x`, '--limit', '1000', '--no-trunc'],
      /^NAME\s+DESCRIPTION/,
    ],
    ['save IMG | head -1', ['save', 'pipes/img:0'], /./],
  ] as const) {
    it(`${what}: exit 141, nothing on stderr`, async () => {
      const r = await firstLineThenClose(typeof args === 'function' ? args() : [...args]);
      expect(r.first).toMatch(firstLine);
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 141, signal: null, stderr: '' });
    });
  }
});
