import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDispatcher, closeAllTransports, loadExtraCAs, proxyEnv } from '../../../src/http/dispatcher.js';
import { HubctlError } from '../../../src/errors.js';

afterEach(async () => {
  await closeAllTransports();
});

describe('dispatcher pool', () => {
  it('shares one agent per configuration and closes it with the last user', async () => {
    const a = acquireDispatcher({ hostNames: ['r.example:5000'] });
    const b = acquireDispatcher({ hostNames: ['other.example'] });
    const c = acquireDispatcher({ hostNames: ['r.example:5000'], insecure: true });
    expect(b.dispatcher).toBe(a.dispatcher);
    expect(c.dispatcher).not.toBe(a.dispatcher);
    await a.release();
    await a.release(); // idempotent
    expect((b.dispatcher as unknown as { closed: boolean }).closed).toBe(false);
    await b.release();
    expect((b.dispatcher as unknown as { closed: boolean }).closed).toBe(true);
    await c.release();
  });
});

describe('loadExtraCAs', () => {
  it('reads caFile and every *.crt under <certsDir>/<host>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubctl-ca-'));
    try {
      mkdirSync(join(dir, 'd1', 'reg:5000'), { recursive: true });
      writeFileSync(join(dir, 'd1', 'reg:5000', 'ca.crt'), 'CA1');
      writeFileSync(join(dir, 'd1', 'reg:5000', 'extra.crt'), 'CA2');
      writeFileSync(join(dir, 'd1', 'reg:5000', 'client.key'), 'KEY');
      writeFileSync(join(dir, 'file.pem'), 'CA0');
      expect(
        loadExtraCAs({ caFile: join(dir, 'file.pem'), certsDirs: [join(dir, 'nope'), join(dir, 'd1')], hostNames: ['reg:5000'] }),
      ).toEqual(['CA0', 'CA1', 'CA2']);
      expect(() => loadExtraCAs({ caFile: join(dir, 'missing.pem'), hostNames: [] })).toThrow(HubctlError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('proxyEnv', () => {
  it('reads only the injected environment, lower case first', () => {
    expect(proxyEnv({ HTTP_PROXY: 'http://A', http_proxy: 'http://a', HTTPS_PROXY: 'http://B', NO_PROXY: 'x' })).toEqual({
      httpProxy: 'http://a',
      httpsProxy: 'http://B',
      noProxy: 'x',
    });
    expect(proxyEnv(undefined)).toEqual({ httpProxy: '', httpsProxy: '', noProxy: '' });
  });
});
