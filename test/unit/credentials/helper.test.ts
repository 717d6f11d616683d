import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { createHelperBackend, type SpawnFn } from '../../../src/credentials/index.js';
import { redactHelperOutput, toHelperPayload } from '../../../src/credentials/helper.js';
import { fakeHelper, sandbox, type Sandbox } from './fixtures.js';

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

/** A spawn that records what it was given and answers with canned output. */
function cannedSpawn(answer: { code: number; stdout?: string; stderr?: string }) {
  const seen: Array<{ command: string; args: readonly string[]; stdin: string; env: unknown }> = [];
  const spawn: SpawnFn = (command, args, options) => {
    const child = new EventEmitter() as ChildProcess;
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    Object.assign(child, { stdin, stdout, stderr, kill: () => true });
    let input = '';
    stdin.on('data', (d) => (input += d));
    stdin.on('end', () => {
      seen.push({ command, args, stdin: input, env: options.env });
      stdout.end(answer.stdout ?? '');
      stderr.end(answer.stderr ?? '');
      setImmediate(() => child.emit('close', answer.code));
    });
    return child;
  };
  return { spawn, seen };
}

describe('helper protocol', () => {
  it('get sends the server URL on stdin and maps Username/Secret', async () => {
    const { spawn, seen } = cannedSpawn({ code: 0, stdout: '{"ServerURL":"x","Username":"u","Secret":"s"}' });
    const h = createHelperBackend({ name: 'x', spawn, env: { PATH: '/p', GNUPGHOME: '/g' } });
    expect(await h.get('https://index.docker.io/v1/')).toEqual({ username: 'u', password: 's' });
    expect(seen).toEqual([
      { command: 'docker-credential-x', args: ['get'], stdin: 'https://index.docker.io/v1/', env: { PATH: '/p', GNUPGHOME: '/g' } },
    ]);
  });

  it('<token> username means an identity token', async () => {
    const { spawn } = cannedSpawn({ code: 0, stdout: '{"Username":"<token>","Secret":"refresh"}' });
    expect(await createHelperBackend({ name: 'x', spawn }).get('h')).toEqual({ identityToken: 'refresh' });
  });

  it('not found: the protocol message (exit 1) and the pass quirk (exit 0, empty fields)', async () => {
    const a = cannedSpawn({ code: 1, stdout: 'credentials not found in native keychain\n' });
    expect(await createHelperBackend({ name: 'x', spawn: a.spawn }).get('h')).toBeUndefined();
    const b = cannedSpawn({ code: 0, stdout: '{"ServerURL":"h","Username":"","Secret":""}\n' });
    expect(await createHelperBackend({ name: 'x', spawn: b.spawn }).get('h')).toBeUndefined();
  });

  it('store sends {ServerURL,Username,Secret}; identity tokens as <token>', async () => {
    const { spawn, seen } = cannedSpawn({ code: 0 });
    const h = createHelperBackend({ name: 'x', spawn });
    await h.store('localhost:5000', { username: 'u', password: 'p' });
    await h.store('localhost:5000', { username: 'u', identityToken: 't' });
    expect(seen.map((s) => [s.args[0], JSON.parse(s.stdin)])).toEqual([
      ['store', { ServerURL: 'localhost:5000', Username: 'u', Secret: 'p' }],
      ['store', { ServerURL: 'localhost:5000', Username: '<token>', Secret: 't' }],
    ]);
    expect(() => toHelperPayload('h', { username: 'u' })).toThrow(/no password or identity token/);
  });

  it('a failing store never echoes the secret', async () => {
    const { spawn } = cannedSpawn({ code: 1, stdout: 'error storing {"Secret":"sup3rs3cret"} sup3rs3cret' });
    const err = await createHelperBackend({ name: 'x', spawn, chosenBy: 'credsStore' })
      .store('h', { username: 'u', password: 'sup3rs3cret' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CREDENTIAL_HELPER_FAILED', kind: 'auth' });
    expect((err as Error).message).toContain('(chosen by credsStore)');
    expect((err as Error).message).not.toContain('sup3rs3cret');
  });

  it('erase and list', async () => {
    const e = cannedSpawn({ code: 0 });
    expect(await createHelperBackend({ name: 'x', spawn: e.spawn }).erase('h')).toBe(true);
    const m = cannedSpawn({ code: 1, stdout: 'credentials not found in native keychain' });
    expect(await createHelperBackend({ name: 'x', spawn: m.spawn }).erase('h')).toBe(false);
    const l = cannedSpawn({ code: 0, stdout: '{"https://index.docker.io/v1/":"<token>","localhost:5000":"u"}' });
    expect(await createHelperBackend({ name: 'x', spawn: l.spawn }).list()).toEqual({
      'https://index.docker.io/v1/': '<token>',
      'localhost:5000': 'u',
    });
  });

  it('rejects helper names that would be paths', async () => {
    const { spawn, seen } = cannedSpawn({ code: 0 });
    await expect(createHelperBackend({ name: '../../bin/sh', spawn, chosenBy: 'credsStore' }).get('h')).rejects.toThrow(
      /not a valid helper name/,
    );
    expect(seen).toEqual([]);
  });

  it('invalid JSON from get is a helper failure', async () => {
    const { spawn } = cannedSpawn({ code: 0, stdout: 'garbage' });
    await expect(createHelperBackend({ name: 'x', spawn }).get('h')).rejects.toThrow(/did not print valid JSON/);
  });

  it('times out a helper that never answers, and kills it', async () => {
    await fakeHelper(box, 'slow', 'slow');
    const h = createHelperBackend({ name: 'slow', env: box.opts.env, timeoutMs: 500, chosenBy: 'credsStore' });
    const t0 = Date.now();
    await expect(h.get('h')).rejects.toThrow(/docker-credential-slow .*chosen by credsStore.* did not finish within 500 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('round-trips through a real process speaking the protocol', async () => {
    await fakeHelper(box, 'fake');
    const h = createHelperBackend({ name: 'fake', env: box.opts.env });
    expect(await h.get('localhost:5000')).toBeUndefined();
    await h.store('localhost:5000', { username: 'u', password: 'p:w' });
    expect(await h.get('localhost:5000')).toEqual({ username: 'u', password: 'p:w' });
    expect(await h.list()).toEqual({ 'localhost:5000': 'u' });
    expect(await h.erase('localhost:5000')).toBe(true);
    expect(await h.erase('localhost:5000')).toBe(false);
  });

  it('redacts password=/secret:/token= in helper output', () => {
    expect(redactHelperOutput('failed: password=abc secret: "x y" token=t ok')).toBe('failed: password=*** secret: *** token=*** ok');
  });

  it.each([
    ['AUTH=dXNlcjpzM2NyM3QtdmFsdWU=', 'AUTH=***'],
    ['DOCKER_PASSWORD=hunter2 and more', 'DOCKER_PASSWORD=*** and more'],
    ['api_key: abc', 'api_key: ***'],
    ['error: Basic dXNlcjpwYXNz refused', 'error: Basic *** refused'],
    ['leaked dXNlcjpzM2NyM3QtdmFsdWU= in the middle', 'leaked *** in the middle'],
    ['no secret at https://index.docker.io/v1/ here', 'no secret at https://index.docker.io/v1/ here'],
  ])('masks %j', (text, expected) => {
    expect(redactHelperOutput(text)).toBe(expected);
  });
});
