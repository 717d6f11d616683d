/**
 * src/http/undici.ts loads Agent, EnvHttpProxyAgent and request from undici's own files
 * (`undici/lib/...`) to skip the index's start-up cost, with the index as a fallback. This fails when
 * the fallback is taken (an undici upgrade moved the files) or the files are no longer what the
 * index exports, so the deep requires are kept only while they are right.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Undici from 'undici';
import { undici } from '../../../src/http/undici.js';

const full = createRequire(import.meta.url)('undici') as typeof Undici;

describe("undici's parts", () => {
  it('come from the deep requires, not the fallback', () => {
    expect(undici.source).toBe('parts');
  });

  it('are the very classes the index exports', () => {
    expect(undici.Agent).toBe(full.Agent);
    expect(undici.EnvHttpProxyAgent).toBe(full.EnvHttpProxyAgent);
  });

  it('request() is the index request: same answer through a MockAgent', async () => {
    const mock = new full.MockAgent();
    mock.disableNetConnect();
    mock
      .get('https://r.example')
      .intercept({ path: '/v2/?x=1', method: 'GET' })
      .reply(200, 'ok', { headers: { 'x-a': 'b' } });
    const res = await undici.request(mock, new URL('https://r.example/v2/?x=1'), { method: 'GET' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-a']).toBe('b');
    expect(await res.body.text()).toBe('ok');
    await mock.close();
  });
});
