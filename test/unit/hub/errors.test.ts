import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { hubErrorText, hubStatusError } from '../../../src/hub/index.js';
import type { HubEmulator } from '../../harness/index.mjs';
import { expectNoViolations, hubClient, startSeededHub } from './helpers.js';

describe('Hub error shapes', () => {
  it.each([
    ['{"detail":"Incorrect authentication credentials"}', 'Incorrect authentication credentials'],
    ['{"message":"object not found"}', 'object not found'],
    ['{"message":"httperror 404","errinfo":{"namespace":"alice","repository":"x"}}', 'httperror 404: namespace: alice; repository: x'],
    ['{"fields":{"name":["too long","bad chars"],"ordering":"bad"},"text":"Invalid"}', 'Invalid: name: too long, bad chars; ordering: bad'],
    ['{"detail":"same","message":"same"}', 'same'],
    ['{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}', 'requested access to the resource is denied'],
    ['<html>Bad gateway</html>', undefined],
    ['', undefined],
    ['[1,2]', undefined],
    ['{"unknown":1}', undefined],
  ])('%s', (body, text) => {
    expect(hubErrorText(body)).toBe(text);
  });

  it.each([
    [400, 'usage', 'HUB_INVALID_REQUEST'],
    [401, 'auth', 'HUB_UNAUTHORIZED'],
    [403, 'auth', 'HUB_FORBIDDEN'],
    [404, 'notfound', 'HUB_NOT_FOUND'],
    [405, 'internal', 'HUB_UNSUPPORTED_REQUEST'],
    [409, 'usage', 'HUB_CONFLICT'],
    [422, 'usage', 'HUB_INVALID_REQUEST'],
    [429, 'network', 'HUB_RATE_LIMITED'],
    [500, 'network', 'HUB_SERVER_ERROR'],
    [503, 'network', 'HUB_SERVER_ERROR'],
  ])('status %i is a %s error', (status, kind, code) => {
    const e = hubStatusError(status, '{"detail":"x"}', { what: 'do it', redact: (t) => t, authenticated: true });
    expect(e).toMatchObject({ kind, code });
    expect(e.message).toBe(`do it: Docker Hub answered ${status}: x`);
    expect(e.hint).toBeTruthy();
  });

  it('masks secrets Hub echoes', () => {
    const e = hubStatusError(400, '{"detail":"token dckr_pat_abcdefghijkl and eyJhbGciOi.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}', {
      what: 'x',
      redact: (t) => t,
      authenticated: true,
    });
    expect(e.message).not.toContain('abcdefghijkl');
    expect(e.message).not.toContain('eyJzdWIiOiJ4In0');
  });
});

let emu: HubEmulator;
beforeAll(async () => {
  emu = await startSeededHub();
  emu.state.addRepository('alice/app');
});
afterAll(async () => emu.stop());
afterEach(() => expectNoViolations(emu));

describe('errors from the emulator', () => {
  it('turns {fields, text} into one line naming the field', async () => {
    const hub = hubClient(emu, 'alice');
    emu.fail({
      method: 'POST',
      path: '/v2/access-tokens',
      status: 400,
      body: { fields: { token_label: ['Ensure this field has no more than 100 characters.'] }, text: 'Invalid request' },
    });
    const err = (await hub.createAccessToken({ label: 'ok' }).catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'usage', code: 'HUB_INVALID_REQUEST' });
    expect(err.message).toBe(
      'create access token "ok": Docker Hub answered 400: Invalid request: token_label: Ensure this field has no more than 100 characters.',
    );
    await hub.close();
  });

  it('retries a GET after 5xx, then gives a network error', async () => {
    const sleeps: number[] = [];
    const hub = hubClient(emu, 'alice', undefined, { sleep: async (ms) => void sleeps.push(ms), retry: { maxAttempts: 3 } });
    emu.fail({ method: 'GET', path: '/repositories/app', status: 503, body: { detail: 'maintenance' }, times: 1 });
    expect((await hub.getRepository('alice', 'app')).name).toBe('app');
    emu.fail({ method: 'GET', path: '/repositories/app', status: 503, body: { detail: 'maintenance' }, times: 5 });
    const err = (await hub.getRepository('alice', 'app').catch((e: unknown) => e)) as HubctlError;
    expect(err).toMatchObject({ kind: 'network', code: 'HUB_SERVER_ERROR' });
    expect(err.message).toContain('maintenance');
    expect(sleeps.length).toBe(3);
    await hub.close();
  });

  it('does not retry a POST after 5xx', async () => {
    const hub = hubClient(emu, 'alice');
    emu.fail({ method: 'POST', path: '/v2/namespaces/alice/repositories', status: 500, body: { detail: 'oops' } });
    await expect(hub.createRepository('alice', 'once')).rejects.toMatchObject({ kind: 'network' });
    expect(emu.requests('POST', '/repositories').length).toBe(1);
    await hub.close();
  });
});

describe('429 and Retry-After', () => {
  it('waits as long as Retry-After says, then goes on (also for a POST)', async () => {
    const sleeps: number[] = [];
    const hub = hubClient(emu, 'alice', undefined, { sleep: async (ms) => void sleeps.push(ms) });
    emu.rateLimit({ path: '/v2/namespaces/alice/repositories', retryAfter: 7, times: 2 });
    const created = await hub.createRepository('alice', 'after-wait');
    expect(created.name).toBe('after-wait');
    expect(sleeps).toEqual([7000, 7000]);
    expect(emu.requests('POST', '/repositories').map((r) => r.status)).toEqual([429, 429, 201]);
    expect(hub.lines.some((l) => l.includes('waiting 7s as Retry-After asks'))).toBe(true);
    await hub.close();
  });

  it('gives up with a clear error once the waits would pass the budget', async () => {
    const sleeps: number[] = [];
    const hub = hubClient(emu, 'alice', undefined, { sleep: async (ms) => void sleeps.push(ms) });
    emu.rateLimit({ path: '/repositories/app', retryAfter: 25, times: 10 });
    const err = (await hub.getRepository('alice', 'app').catch((e: unknown) => e)) as HubctlError;
    expect(sleeps).toEqual([25000, 25000]);
    expect(err).toMatchObject({ kind: 'network', code: 'HUB_RATE_LIMITED' });
    expect(err.message).toContain('asked to wait 25s more after 50s');
    expect(err.message).toContain('limit 180 requests per minute');
    expect(err.hint).toContain('wait a minute');
    await hub.close();
  });

  it('takes a smaller budget, and an HTTP date', async () => {
    const sleeps: number[] = [];
    const now = Date.parse('2026-06-01T12:00:00Z');
    const hub = hubClient(emu, 'alice', undefined, { sleep: async (ms) => void sleeps.push(ms), now: () => now, maxRateLimitWaitMs: 5000 });
    emu.rateLimit({ path: '/repositories/app', retryAfter: 'Mon, 01 Jun 2026 12:00:03 GMT', times: 2 });
    await expect(hub.getRepository('alice', 'app')).rejects.toMatchObject({ code: 'HUB_RATE_LIMITED' });
    expect(sleeps).toEqual([3000]);
    await hub.close();
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    const hub = hubClient(emu, 'alice', undefined, {
      signal: ac.signal,
      sleep: async () => {
        ac.abort();
        throw new Error('aborted');
      },
    });
    emu.rateLimit({ path: '/repositories/app', retryAfter: 1 });
    await expect(hub.getRepository('alice', 'app')).rejects.toBeInstanceOf(HubctlError);
    await hub.close();
  });
});
