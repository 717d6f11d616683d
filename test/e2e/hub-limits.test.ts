/**
 * `hubctl hub limits [REGISTRY]` against the real distribution registry (token auth) holding
 * ratelimitpreview/test:latest, behind the fault proxy that adds Docker Hub's rate-limit headers to the
 * answers: anonymous and logged in (the token server records who asked), json, no headers, a used-up limit.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedImage, startFaultProxy, startRegistry, type FaultProxy, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let proxy: FaultProxy;
let root: string;
let env: NodeJS.ProcessEnv;

const HEADERS = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '192.0.2.7' };

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  await seedImage(reg, 'ratelimitpreview/test:latest', { layers: [100] });
  proxy = await startFaultProxy({ upstream: reg.host });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-limits-'));
  env = { HOME: root, DOCKER_CONFIG: join(root, 'docker') };
});

afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.clear();
  reg.tokenServer!.clearLog();
});

const limits = (args: string[], more: NodeJS.ProcessEnv = {}) =>
  hubctl(['hub', 'limits', proxy.host, ...args], { env: { ...env, ...more } });
const headersOnManifests = () =>
  proxy.setRules([{ method: 'HEAD', path: '/manifests/latest', times: 10, action: { type: 'response-headers', headers: HEADERS } }]);

describe('hub limits', () => {
  it('anonymous: limit, remaining, window and source, from a HEAD (no pull)', async () => {
    headersOnManifests();
    const r = await limits([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `Registry:  ${proxy.host}`,
        'Account:   anonymous (counted by IP address)',
        'Limit:     100',
        'Remaining: 76',
        'Window:    21600s (6h)',
        'Source:    192.0.2.7',
        '',
      ].join('\n'),
    );
    expect(proxy.requests('GET', '/manifests/')).toEqual([]);
    expect(proxy.requests('HEAD', '/v2/ratelimitpreview/test/manifests/latest').length).toBeGreaterThan(0);
    expect(reg.tokenServer!.log.every((e) => e.user === null)).toBe(true);
  });

  it("logged in: the registry's stored login; --format json", async () => {
    headersOnManifests();
    await mkdir(join(root, 'docker'), { recursive: true });
    const auth = Buffer.from(`alice:${reg.users.alice!}`).toString('base64');
    await writeFile(join(root, 'docker', 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth } } }));
    try {
      const r = await limits(['--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        registry: proxy.host,
        account: 'alice',
        limit: 100,
        remaining: 76,
        window: 21600,
        source: '192.0.2.7',
        authenticated: true,
      });
      expect(reg.tokenServer!.log.some((e) => e.user === 'alice' && e.authOk)).toBe(true);
      const t = await limits(['--format', '{{.remaining}}/{{.limit}} {{.account}}']);
      expect(t.stdout).toBe('76/100 alice\n');
    } finally {
      await rm(join(root, 'docker', 'config.json'), { force: true });
    }
  });

  it('the Docker Hub login (env vars) is never sent to another registry', async () => {
    headersOnManifests();
    const r = await limits(['--format', '{{.account}} {{.authenticated}}'], {
      HUBCTL_HUB_USERNAME: 'alice',
      HUBCTL_HUB_TOKEN: reg.users.alice!,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(' false\n');
    expect(reg.tokenServer!.log.every((e) => e.user === null && !e.basic)).toBe(true);
  });

  it('no headers: no limit applies', async () => {
    const r = await limits([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Limit:     unlimited\n');
    expect(r.stderr).toBe(`${proxy.host} sent no pull rate limit headers: no limit applies\n`);
    const j = await limits(['--format', 'json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ limit: null, remaining: null, window: null });
  });

  it('a used-up limit (429 TOOMANYREQUESTS) still reports its numbers', async () => {
    proxy.setRules([{ method: 'HEAD', path: '/manifests/latest', times: 10, action: { type: 'toomanyrequests', remaining: '0' } }]);
    const r = await limits(['--format', '{{.remaining}} of {{.limit}}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0 of 100\n');
  });

  it('a registry that is not there: a network error, exit 5', async () => {
    const r = await hubctl(['hub', 'limits', '127.0.0.1:1'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: /);
  });
});
