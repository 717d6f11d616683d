/**
 * Where `hubctl hub` finds its Docker Hub login (env vars, config.json auths, a real credential helper),
 * wrong and missing logins, two-factor accounts (--otp, a prompt on a pty, refused off a terminal), 429
 * with Retry-After, a token that expires mid-list, and secrets kept out of --debug.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPassStore } from '../harness/index.mjs';
import { b64, hubSuite } from './hub-fixture.js';
import { hubctl } from './run-cli.js';
import { onTty } from './tty.js';

const hub = hubSuite({ maxPageSize: 2 });
const HUB_KEY = 'https://index.docker.io/v1/';

beforeAll(() => {
  for (const n of ['one', 'two', 'three', 'four', 'five']) hub.emu.state.addRepository(`alice/${n}`);
  hub.emu.state.addRepository('carol/secret', { private: true });
});

/** Who the emulator saw on the authenticated requests. */
const callers = () => [...new Set(hub.emu.log.filter((e) => e.auth === 'bearer').map((e) => e.caller))];

describe('where the Hub login comes from', () => {
  it('HUBCTL_HUB_USERNAME + HUBCTL_HUB_TOKEN win over DOCKERHUB_USERNAME + DOCKERHUB_TOKEN', async () => {
    const r = await hub.run(['repo', 'ls', '--format', '{{.name}}'], { DOCKERHUB_USERNAME: 'bob', DOCKERHUB_TOKEN: 'bob-password' });
    expect(r.code).toBe(0);
    expect(callers()).toEqual(['alice']);
  });

  it('DOCKERHUB_USERNAME + DOCKERHUB_TOKEN alone (a password here)', async () => {
    const r = await hub.anon(['repo', 'ls', '--format', '{{.name}}'], { DOCKERHUB_USERNAME: 'alice', DOCKERHUB_TOKEN: 'alice-password' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('five');
    expect(callers()).toEqual(['alice']);
  });

  it('half a pair is a usage error naming the missing variable; nothing is sent', async () => {
    const r = await hub.anon(['repo', 'ls'], { HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: '' });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('Error: $HUBCTL_HUB_USERNAME is set but $HUBCTL_HUB_TOKEN is empty');
    expect(hub.emu.log).toEqual([]);
  });

  it("config.json auths under Docker Hub's key, whatever --hub-url says; nothing is written", async () => {
    const file = await hub.writeConfig({ auths: { [HUB_KEY]: { auth: b64(`alice:${hub.alicePat}`) } } });
    const before = await readFile(file, 'utf8');
    const home = await readdir(hub.root, { recursive: true });
    const r = await hub.anon(['repo', 'ls', '--format', '{{.name}}']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('one');
    expect(callers()).toEqual(['alice']);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(hub.root, { recursive: true })).toEqual(home);
    // a login stored for another registry is not the Hub's
    await hub.writeConfig({ auths: { 'registry.example:5000': { auth: b64('alice:alice-password') } } });
    const none = await hub.anon(['repo', 'ls']);
    expect(none.code).toBe(2);
    await hub.writeConfig({});
  });

  describe('a real credential helper (docker-credential-pass)', () => {
    let pass: Awaited<ReturnType<typeof startPassStore>>;
    beforeAll(async () => {
      pass = await startPassStore(join(hub.root, 'pass'));
      const item = JSON.stringify({ ServerURL: HUB_KEY, Username: 'alice', Secret: hub.alicePat });
      execFileSync('docker-credential-pass', ['store'], { env: pass.env, input: item });
    });
    afterAll(() => pass?.stop());

    it('credsStore: pass, the Hub entry read through the helper', async () => {
      await hub.writeConfig({ credsStore: 'pass', auths: { [HUB_KEY]: {} } });
      const r = await hub.anon(['repo', 'ls', '--format', '{{.name}}'], pass.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(callers()).toEqual(['alice']);
      await hub.writeConfig({});
    });

    it('a helper that fails is named in the error', async () => {
      await hub.writeConfig({ credsStore: 'nonexistent-helper' });
      const r = await hub.anon(['repo', 'ls'], pass.env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('docker-credential-nonexistent-helper');
      await hub.writeConfig({});
    });
  });
});

describe('wrong and missing logins', () => {
  it('a revoked access token: exit 3, the hint names where it came from, the token is not shown', async () => {
    const r = await hub.anon(['repo', 'ls'], { HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: 'dckr_pat_not-a-real-token-000' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: Docker Hub refused the access token of alice.*\nhint: the credential came from \$HUBCTL_HUB_TOKEN: /);
    expect(r.stderr).not.toContain('not-a-real-token');
  });

  it('a wrong password: exit 3', async () => {
    const r = await hub.anon(['repo', 'ls'], { DOCKERHUB_USERNAME: 'alice', DOCKERHUB_TOKEN: 'wrong-password' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: Docker Hub refused the credential of alice.*\nhint: the credential came from \$DOCKERHUB_TOKEN/);
    expect(r.stderr).not.toContain('wrong-password');
  });

  it('no login for a command that needs one: exit 3 and how to log in', async () => {
    const r = await hub.anon(['repo', 'create', 'alice/new']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'Error: create repository alice/new: this needs a Docker Hub login\n' +
        'hint: log in with `hubctl login` (a personal access token works as the password), or set HUBCTL_HUB_USERNAME + HUBCTL_HUB_TOKEN or DOCKERHUB_USERNAME + DOCKERHUB_TOKEN\n',
    );
  });

  it("someone else's private repository: not found (exit 4)", async () => {
    const r = await hub.run(['repo', 'show', 'carol/secret']);
    expect(r.code).toBe(4);
  });
});

describe('the Hub API URL', () => {
  it('plain http is refused for a host that is not loopback, from --hub-url or HUBCTL_HUB_URL; no login is read', async () => {
    const env = { ...hub.env, HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: hub.alicePat };
    const flag = await hubctl(['--hub-url', 'http://hub.example', 'hub', 'repo', 'ls'], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      'Error: refusing plain HTTP to the Docker Hub API at hub.example: only loopback addresses may use http\n' +
        'hint: use https:// (plain http is for loopback addresses only)\n',
    );
    const fromEnv = await hubctl(['hub', 'repo', 'ls'], { env: { ...env, HUBCTL_HUB_URL: 'http://hub.example' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('the URL came from $HUBCTL_HUB_URL');
  });

  it('HUBCTL_HUB_URL names the API when --hub-url is not given', async () => {
    const r = await hubctl(['hub', 'repo', 'ls', '--format', '{{.name}}'], {
      env: { ...hub.env, HUBCTL_HUB_URL: hub.emu.url, HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: hub.alicePat },
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('one');
  });
});

describe('two-factor accounts', () => {
  const carol = { HUBCTL_HUB_USERNAME: 'carol', HUBCTL_HUB_TOKEN: 'carol-password' };

  it('--otp CODE logs in with the password and the code', async () => {
    const r = await hub.anon(['repo', 'ls', '--otp', '123456', '--format', '{{.name}}'], carol);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('secret\n');
    expect(hub.emu.requests('POST', '/v2/users/2fa-login')).toHaveLength(1);
    expect(callers()).toEqual(['carol']);
  });

  it('a wrong code (given before the subcommand: `hub --otp CODE repo ls`): exit 3', async () => {
    const r = await hub.anon(['--otp', '000000', 'repo', 'ls'], carol);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('000000');
  });

  it('off a terminal without --otp: one clear error that says to use a personal access token', async () => {
    const r = await hub.anon(['repo', 'ls'], carol);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'Error: the Docker Hub account carol has two-factor authentication and a password was given\n' +
        'hint: off a terminal, use a personal access token (Account settings > Personal access tokens) instead of the password, or pass --otp CODE\n',
    );
    expect(hub.emu.requests('POST', '/v2/users/2fa-login')).toEqual([]);
  });

  it('on a terminal (script): asks for the code', async () => {
    const r = await onTty(['--hub-url', hub.emu.url, 'hub', 'repo', 'ls', '--format', '{{.name}}'], { ...hub.env, ...carol }, [
      { expect: 'Two-factor authentication code: ', send: '123456\r' },
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('secret\n');
    expect(callers()).toEqual(['carol']);
  });
});

describe('Hub answers that need waiting or a new token', () => {
  it('429 with Retry-After is waited out, then the list goes on', async () => {
    hub.emu.rateLimit({ method: 'GET', path: '/repositories', nth: 2, retryAfter: 1 });
    const r = await hub.run(['repo', 'ls', '--format', '{{.name}}']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(hub.emu.log.filter((e) => e.status === 429)).toHaveLength(1);
    expect(r.stderr).toBe('Waiting 1s before asking Docker Hub again\n');
  });

  it('a Retry-After longer than the budget: exit 5 with a clear error, no endless wait', async () => {
    hub.emu.rateLimit({ method: 'GET', path: '/repositories', retryAfter: 3600 });
    const r = await hub.run(['repo', 'ls']);
    expect(r.code).toBe(5);
    expect(r.stderr.split('\n')[0]).toMatch(/^Error: list repositories of alice: Docker Hub answered 429.*asked to wait 3600s/);
    expect(r.stderr).toContain("hint: Docker Hub's API limits requests per minute");
  });

  it('the JWT expires mid-list: exchanged again once, the list completes', async () => {
    hub.emu.set({ jwtMaxUses: 2 });
    try {
      const r = await hub.run(['repo', 'ls', '--format', '{{.name}}']);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(['five', 'four', 'one', 'three', 'two'].sort());
      expect(hub.emu.requests('POST', '/v2/auth/token')).toHaveLength(2);
      expect(hub.emu.log.filter((e) => e.status === 401)).toHaveLength(1);
    } finally {
      hub.emu.set({ jwtMaxUses: undefined });
    }
  });
});

describe('secrets stay out of --debug', () => {
  it('a token login: neither the token nor a JWT in the debug lines', async () => {
    const r = await hub.run(['--debug', 'repo', 'ls']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('DEBUG ');
    expect(r.stderr).toContain('/v2/auth/token');
    expect(r.stderr).not.toContain(hub.alicePat);
    expect(r.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('a two-factor login: neither password, code, login token nor JWT', async () => {
    const r = await hub.anon(['--debug', 'repo', 'ls', '--otp', '123456'], {
      HUBCTL_HUB_USERNAME: 'carol',
      HUBCTL_HUB_TOKEN: 'carol-password',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('/v2/users/2fa-login');
    for (const secret of ['carol-password', '123456']) expect(r.stderr).not.toContain(secret);
    expect(r.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(r.stderr).not.toMatch(/login_2fa_token"?\s*[:=]\s*"?[\w-]{6,}/);
  });
});
