// A registry that answers too slowly, or never, through the binary with lowered limits
// (HUBCTL_HEADERS_TIMEOUT=1s, HUBCTL_REQUEST_TIMEOUT=3s): every case ends with a network error (exit 5)
// that says which limit fired. The bound given to each run (20 s) only catches a hang.
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { hubctl } from './run-cli.js';
import { useProxiedRegistry } from './proxied-registry.js';

const t = useProxiedRegistry('library/slow:1', [600_000, 2000], 'hubctl-e2e-limits-');
const envFor = () => t.envFor({ HUBCTL_HEADERS_TIMEOUT: '1s', HUBCTL_REQUEST_TIMEOUT: '3s' });

const MANIFEST = /\/manifests\/1$/;
const BLOB = () => new RegExp(`/blobs/${t.big.digest}$`);

async function pullThrough(): Promise<{ code: number | null; stderr: string }> {
  const r = await hubctl(['pull', `${t.proxy.host}/library/slow:1`], { env: envFor(), timeoutMs: 20_000 });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
}

describe('registries that answer too slowly or never', () => {
  it('a manifest trickled one byte every 300 ms: the request deadline fires', async () => {
    t.proxy.setRules([{ method: 'GET', path: MANIFEST, times: 10, action: { type: 'trickle-body', everyMs: 300 } }]);
    const r = await pullThrough();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /^Error: GET http:\/\/127\.0\.0\.1:\d+\/v2\/library\/slow\/manifests\/1 did not complete within 3 s \(request deadline\)$/m,
    );
    expect(r.stderr).toMatch(/^hint: .*HUBCTL_REQUEST_TIMEOUT/m);
  });

  it('response headers trickled one byte every 200 ms (manifest, on a kept raw connection): the headers timeout fires, no retry', async () => {
    t.proxy.setRules([{ method: 'GET', path: MANIFEST, times: 10, action: { type: 'trickle-head', everyMs: 200 } }]);
    const r = await pullThrough();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: 127\.0\.0\.1:\d+ sent no complete response within 1 s \(headers timeout\)$/m);
    expect(t.proxy.requests('GET', MANIFEST)).toHaveLength(1);
  });

  it('response headers trickled on a 600 kB blob (the raw reader): the headers timeout fires', async () => {
    t.proxy.setRules([{ method: 'GET', path: BLOB(), times: 10, action: { type: 'trickle-head', everyMs: 200 } }]);
    const r = await pullThrough();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: 127\.0\.0\.1:\d+ sent no complete response within 1 s \(headers timeout\)$/m);
    expect(t.proxy.requests('GET', BLOB())).toHaveLength(1);
  });

  it('an endless stream of 100 Continue on a 600 kB blob (the raw reader): refused after 10', async () => {
    t.proxy.setRules([{ method: 'GET', path: BLOB(), times: 10, action: { type: 'interim-flood', everyMs: 5 } }]);
    const r = await pullThrough();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: 127\.0\.0\.1:\d+ sent more than 10 interim \(1xx\) responses instead of an answer$/m);
  });

  it('an endless stream of 100 Continue on the manifest (kept raw connection): a network error within the deadline', async () => {
    t.proxy.setRules([{ method: 'GET', path: MANIFEST, times: 10, action: { type: 'interim-flood', everyMs: 5 } }]);
    const r = await pullThrough();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: /m);
  });

  for (const [what, path] of [
    ['the manifest', MANIFEST],
    ['a 600 kB blob', BLOB],
  ] as const) {
    it(`a registry that accepts the request for ${what} and never answers: the headers timeout fires, no retry`, async () => {
      t.proxy.setRules([{ method: 'GET', path: typeof path === 'function' ? path() : path, times: 10, action: { type: 'blackhole' } }]);
      const r = await pullThrough();
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^Error: 127\.0\.0\.1:\d+ sent no complete response within 1 s \(headers timeout\)$/m);
      expect(r.stderr).toMatch(/^hint: .*HUBCTL_HEADERS_TIMEOUT/m);
      expect(t.proxy.requests('GET', typeof path === 'function' ? path() : path)).toHaveLength(1);
    });
  }

  it('a bad limit value is a usage error naming the variable', async () => {
    const r = await hubctl(['pull', `${t.proxy.host}/library/slow:1`], { env: { ...envFor(), HUBCTL_HEADERS_TIMEOUT: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Error: HUBCTL_HEADERS_TIMEOUT="soon" is not a duration');
  });
});

describe('the Docker Hub API takes the same limits', () => {
  it('a Hub API that accepts the request and never answers: the headers timeout fires (exit 5)', async () => {
    const held: Socket[] = [];
    const server = createServer((s) => void held.push(s.on('error', () => undefined)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await hubctl(['hub', 'repo', 'ls', 'alice'], {
        env: { ...envFor(), HUBCTL_HUB_URL: `http://127.0.0.1:${port}` },
        timeoutMs: 20_000,
      });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^Error: .*127\.0\.0\.1:\d+ sent no complete response within 1 s \(headers timeout\)$/m);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
