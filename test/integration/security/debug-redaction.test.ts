// Secrets never reach the terminal: the binary runs with --debug against htpasswd and token registries,
// succeeding and failing, and its whole output is searched for the password, the base64 auth string,
// bearer/refresh tokens and JWTs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../../harness/index.mjs';
import { hubctl, type CliResult } from '../../e2e/run-cli.js';

let basic: Registry;
let token: Registry;
let root: string;
let n = 0;

beforeAll(async () => {
  [basic, token] = await Promise.all([startRegistry({ mode: 'htpasswd' }), startRegistry({ mode: 'token' })]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-redact-'));
  await Promise.all([seedImage(basic, 'alice/app:1', { layers: [3000] }), seedImage(token, 'alice/app:1', { layers: [3000] })]);
});
afterAll(async () => {
  await Promise.all([basic?.stop(), token?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/;

async function envWith(auths: Record<string, { auth?: string; identitytoken?: string }>): Promise<NodeJS.ProcessEnv> {
  const dir = join(root, `h-${++n}`);
  await mkdir(join(dir, 'docker'), { recursive: true, mode: 0o700 });
  if (Object.keys(auths).length > 0) await writeFile(join(dir, 'docker/config.json'), JSON.stringify({ auths }), { mode: 0o600 });
  return { HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), HUBCTL_STORE: join(dir, 'store') };
}

function expectClean(r: CliResult, secrets: string[]): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(all).toContain('DEBUG >'); // debug output was on
  for (const s of secrets) expect(all).not.toContain(s);
  expect(all).not.toMatch(JWT);
  expect(all).not.toMatch(/\b(Basic|Bearer) (?!\*\*\*)[A-Za-z0-9+/=._-]{6,}/);
  expect(all).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
}

describe('--debug output and errors carry no secrets', () => {
  for (const which of ['htpasswd', 'token'] as const) {
    const reg = () => (which === 'htpasswd' ? basic : token);

    it(`${which}: a pull, a missing image and wrong credentials`, async () => {
      const r = reg();
      const pw = r.users.alice!;
      const b64 = Buffer.from(`alice:${pw}`).toString('base64');
      const env = await envWith({ [r.host]: { auth: b64 } });
      const ok = await hubctl(['--debug', 'pull', `${r.host}/alice/app:1`], { env });
      expect(ok.code).toBe(0);
      expectClean(ok, [pw, b64]);
      const missing = await hubctl(['--debug', 'pull', `${r.host}/alice/nothing:1`], { env });
      expect(missing.code).toBe(4);
      expectClean(missing, [pw, b64]);
      const wrongB64 = Buffer.from('alice:wrong-password-123').toString('base64');
      const bad = await hubctl(['--debug', 'pull', `${r.host}/alice/app:1`], { env: await envWith({ [r.host]: { auth: wrongB64 } }) });
      expect(bad.code).toBe(3);
      expectClean(bad, ['wrong-password-123', wrongB64]);
    });

    it(`${which}: login with --debug, then a push with --debug; config.json stays 0600`, async () => {
      const r = reg();
      const pw = r.users.alice!;
      const env = await envWith({});
      const login = await hubctl(['--debug', 'login', '-u', 'alice', '--password-stdin', r.host], { env, input: `${pw}\n` });
      expect(login.code).toBe(0);
      expectClean(login, [pw, Buffer.from(`alice:${pw}`).toString('base64')]);
      const configPath = join(env.DOCKER_CONFIG!, 'config.json');
      expect((await stat(configPath)).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(await readFile(configPath, 'utf8')) as { auths: Record<string, { auth?: string; identitytoken?: string }> };
      const entry = saved.auths[r.host] ?? {};
      const secrets = [pw, ...(entry.auth ? [entry.auth] : []), ...(entry.identitytoken ? [entry.identitytoken] : [])];
      expect((await hubctl(['pull', '-q', `${r.host}/alice/app:1`], { env })).code).toBe(0);
      expect((await hubctl(['tag', `${r.host}/alice/app:1`, `${r.host}/alice/copy:1`], { env })).code).toBe(0);
      const pushed = await hubctl(['--debug', 'push', `${r.host}/alice/copy:1`], { env });
      expect(pushed.code).toBe(0);
      expectClean(pushed, secrets);
      expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    });
  }
});
