// Answers cut short and redirect loops, through the binary: network errors (exit 5), retried where
// a retry can help, never "internal error".
import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hubctl } from './run-cli.js';
import { useProxiedRegistry } from './proxied-registry.js';

const t = useProxiedRegistry('library/wire:1', [3000], 'hubctl-e2e-wire-');
const envFor = () => t.envFor();

const ref = () => `${t.proxy.host}/library/wire:1`;

describe('a body shorter than its Content-Length', () => {
  for (const [what, digest] of [
    ['a small layer', () => t.layers[0]!.digest],
    ['the config', () => t.config],
  ] as const) {
    it(`${what}, once: retried, and the pull completes`, async () => {
      const path = new RegExp(`/blobs/${digest()}$`);
      t.proxy.setRules([{ method: 'GET', path, action: { type: 'short-body', missing: 100 } }]);
      const env = envFor();
      const r = await hubctl(['pull', '-q', ref()], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(t.proxy.requests('GET', path).length).toBeGreaterThanOrEqual(2);
    });

    it(`${what}, every time: a network error (exit 5), not an internal one; nothing of it stored`, async () => {
      const path = new RegExp(`/blobs/${digest()}$`);
      t.proxy.setRules([{ method: 'GET', path, times: 1000, action: { type: 'short-body', missing: 100 } }]);
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
    const path = new RegExp(`/blobs/${t.layers[0]!.digest}`);
    t.proxy.setRules([{ method: 'GET', path, times: 1000, action: { type: 'redirect', to: t.proxy.url } }]);
    const r = await hubctl(['pull', '-q', ref()], { env: envFor() });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^Error: GET .* more than 5 redirects$/m);
  });
});
