// docker-credential-* helpers that misbehave, through the binary on an htpasswd registry: a helper
// that leaves a child holding its output, one that never exits, one whose child never exits. hubctl
// never waits for them past its helper timeout (HUBCTL_HELPER_TIMEOUT, lowered here), kills the
// helper's whole process group, and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let bin: string;
let n = 0;

const HELPERS: Record<string, string> = {
  // answers at once, but leaves a child holding stdout and stderr for 70 s
  'leaves-child': `(sleep 70) &\necho $! > "$PIDS/leaves-child.kid"\nread server\necho '{"Username":"alice","Secret":"alice-secret"}'\n`,
  // never answers, never exits
  forever: `echo $$ > "$PIDS/forever.pid"\nwhile :; do sleep 1; done\n`,
  // fails, printing what it should not: an encoded user:password, a password, a token
  chatty:
    `echo 'AUTH=dXNlcjpzM2NyM3QtdmFsdWU= lookup failed'\n` +
    `echo 'DEBUG: password is hunter2-xyz' >&2\necho 'SECRET_TOKEN=abcd1234' >&2\nexit 1\n`,
  // never answers; its child never exits either
  'forever-kid': `echo $$ > "$PIDS/forever-kid.pid"\n(while :; do sleep 1; done) &\necho $! > "$PIDS/forever-kid.kid"\nwait\n`,
};

beforeAll(async () => {
  reg = await startRegistry({ mode: 'htpasswd' });
  await seedImage(reg, 'alice/app:1', { layers: [1000] });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-helpers-'));
  bin = join(root, 'bin');
  await mkdir(bin);
  for (const [name, body] of Object.entries(HELPERS)) {
    const path = join(bin, `docker-credential-${name}`);
    await writeFile(path, `#!/bin/sh\n${body}`);
    await chmod(path, 0o755);
  }
});

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function envWith(helper: string): Promise<NodeJS.ProcessEnv> {
  const dir = join(root, `run-${++n}`);
  await mkdir(join(dir, 'docker'), { recursive: true });
  await mkdir(join(dir, 'pids'), { recursive: true });
  await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: helper } }));
  return {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    DOCKER_CONFIG: join(dir, 'docker'),
    HUBCTL_STORE: join(dir, 'store'),
    PIDS: join(dir, 'pids'),
    HUBCTL_HELPER_TIMEOUT: '2s',
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidIn = async (file: string) => Number((await readFile(file, 'utf8')).trim());

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

describe('misbehaving credential helpers', () => {
  it('a helper that answers but leaves a child holding its pipes: the pull completes without waiting for the child', async () => {
    const env = await envWith('leaves-child');
    // the child sleeps 70 s: a hubctl that waited for it would be killed by this bound
    const r = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env, timeoutMs: 20_000 });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    process.kill(await pidIn(join(env.PIDS!, 'leaves-child.kid')), 'SIGKILL');
  });

  it('a failing helper that prints secrets: the error shows its first line with the secrets masked, and nothing else', async () => {
    const env = await envWith('chatty');
    const r = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: credential helper docker-credential-chatty .*: AUTH=\*\*\* lookup failed$/m);
    for (const secret of ['dXNlcjpzM2NyM3QtdmFsdWU', 'hunter2', 'abcd1234']) expect(r.stderr).not.toContain(secret);
  });

  for (const helper of ['forever', 'forever-kid']) {
    it(`a helper that never exits (${helper}): an auth error naming the helper and the timeout; its process group is killed`, async () => {
      const env = await envWith(helper);
      const r = await hubctl(['pull', '-q', `${reg.host}/alice/app:1`], { env, timeoutMs: 20_000 });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`^Error: credential helper docker-credential-${helper} .*did not finish within 2 s`, 'm'));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await waitGone(await pidIn(join(env.PIDS!, `${helper}.pid`)))).toBe(true);
      if (helper === 'forever-kid') expect(await waitGone(await pidIn(join(env.PIDS!, 'forever-kid.kid')))).toBe(true);
    });
  }
});
