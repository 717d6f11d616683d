// Answers cut short and redirect loops, through the binary: network errors (exit 5), retried where
// a retry can help, never "internal error".
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImageDetailed, startFaultProxy, type Registry, type FaultProxy, type LayerBlob } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let proxy: FaultProxy;
let root: string;
let small: LayerBlob;
let config: string;
let n = 0;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-wire-'));
  const seeded = await seedImageDetailed(reg, 'library/wire:1', { layers: [3000] });
  small = seeded.layout.images[0]!.layers[0]!;
  config = seeded.layout.images[0]!.config.digest;
  proxy = await startFaultProxy({ upstream: reg.host });
});

afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => proxy.clear());

function envFor(): NodeJS.ProcessEnv {
  const dir = join(root, `run-${++n}`);
  return { HUBCTL_STORE: join(dir, 'store'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir };
}

const ref = () => `${proxy.host}/library/wire:1`;

describe('a body shorter than its Content-Length', () => {
  for (const [what, digest] of [
    ['a small layer', () => small.digest],
    ['the config', () => config],
  ] as const) {
    it(`${what}, once: retried, and the pull completes`, async () => {
      const path = new RegExp(`/blobs/${digest()}$`);
      proxy.setRules([{ method: 'GET', path, action: { type: 'short-body', missing: 100 } }]);
      const env = envFor();
      const r = await hubctl(['pull', '-q', ref()], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(proxy.requests('GET', path).length).toBeGreaterThanOrEqual(2);
    });

    it(`${what}, every time: a network error (exit 5), not an internal one; nothing of it stored`, async () => {
      const path = new RegExp(`/blobs/${digest()}$`);
      proxy.setRules([{ method: 'GET', path, times: 1000, action: { type: 'short-body', missing: 100 } }]);
      const env = envFor();
      const r = await hubctl(['pull', '-q', ref()], { env });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/^Error: /m);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      const files = await readdir(join(env.HUBCTL_STORE!, 'blobs', 'sha256')).catch(() => [] as string[]);
      expect(files.filter((f) => f.includes(digest().slice(7)))).toEqual([]);
    });
  }
});

describe('a token realm that is not http(s)', () => {
  it('file:///etc/passwd is refused (exit 3), and the message names it as it is', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="file:///etc/passwd",service="x"', 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await hubctl(['pull', '-q', `127.0.0.1:${port}/x/y:1`], { env: envFor() });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(
        /^Error: refusing the token realm file:\/\/\/etc\/passwd of 127\.0\.0\.1:\d+: scheme file: is not http\(s\)$/m,
      );
      expect(r.stderr).not.toContain('null/');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a redirect loop', () => {
  it('a blob GET redirected forever: a network error (exit 5) saying so', async () => {
    const path = new RegExp(`/blobs/${small.digest}`);
    proxy.setRules([{ method: 'GET', path, times: 1000, action: { type: 'redirect', to: proxy.url } }]);
    const r = await hubctl(['pull', '-q', ref()], { env: envFor() });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^Error: GET .* more than 5 redirects$/m);
  });
});
