/**
 * `hubctl login` / `hubctl logout` through the built binary: stdout, stderr, exit codes and files,
 * for every error path; and the interactive prompt on a real pseudo-terminal made by util-linux
 * `script` (the password must not be echoed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../harness/index.mjs';
import { freshHome, startLoginRegistries, type LoginRegistries } from '../integration/login/fixture.js';
import { BIN, hubctl } from './run-cli.js';

let basic: Registry;
let token: Registry;
let root: string;

const PLAINTEXT = (path: string) =>
  `WARNING! Your credentials are stored unencrypted in '${path}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n`;
const P_WARNING = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n';

let fixture: LoginRegistries | undefined;
beforeAll(async () => {
  fixture = await startLoginRegistries('hubctl-e2e-login-');
  ({ basic, token, root } = fixture);
});
afterAll(async () => fixture?.stop());

const fresh = () => freshHome(root);

async function writeConfig(path: string, text: string) {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode: 0o600 });
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('login: success', () => {
  it('--password-stdin with one trailing newline: "Login Succeeded" on stdout, docker\'s plaintext warning once on stderr', async () => {
    const { env, config } = await fresh();
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: `${basic.users.alice}\n` });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: PLAINTEXT(config) });
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ auths: { [basic.host]: { auth: b64(`alice:${basic.users.alice}`) } } });
    expect((await stat(config)).mode & 0o777).toBe(0o600);
  });

  it('--password-stdin strips a trailing \\r\\n, and only one newline', async () => {
    const { env, config } = await fresh();
    const crlf = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: `${basic.users.alice}\r\n` });
    expect(crlf.code).toBe(0);
    const two = await fresh();
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env: two.env, input: `${basic.users.alice}\n\n` });
    expect(r.code).toBe(3); // the password is then "alice-secret\n"
    expect(await exists(two.config)).toBe(false);
    expect(await exists(config)).toBe(true);
  });

  it("-p works and prints docker's warning first on stderr", async () => {
    const { env } = await fresh();
    const r = await hubctl(['login', '-u', 'alice', '-p', basic.users.alice!, basic.host], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Login Succeeded\n');
    expect(r.stderr.startsWith(P_WARNING)).toBe(true);
  });

  it('token registry: identitytoken stored, then a pull that needs the login works', async () => {
    const { env, config } = await fresh();
    const before = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env });
    expect(before.code).toBe(3);
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', `https://${token.host}/`], { env, input: token.users.alice! });
    expect(r.code).toBe(0);
    const entry = JSON.parse(await readFile(config, 'utf8')).auths[token.host];
    expect(entry.auth).toBe(b64('alice:'));
    expect(typeof entry.identitytoken).toBe('string');
    const pulled = await hubctl(['pull', '-q', `${token.host}/alice/app:1`], { env });
    expect(pulled).toMatchObject({ code: 0, stdout: `${token.host}/alice/app:1\n` });
  });

  it('with stored username and password and no flags, logs in again with them (docker), even off a TTY', async () => {
    const { env, config } = await fresh();
    await writeConfig(config, JSON.stringify({ auths: { [basic.host]: { auth: b64(`alice:${basic.users.alice}`) } } }));
    const r = await hubctl(['login', basic.host], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Login Succeeded\n');
    expect(r.stderr).toContain('Authenticating with existing credentials... [Username: alice]\n');
  });

  it('stored credentials that no longer work, off a TTY: the auth error (exit 3), the file unchanged', async () => {
    const { env, config } = await fresh();
    const text = JSON.stringify({ auths: { [basic.host]: { auth: b64('alice:expired') } } });
    await writeConfig(config, text);
    const r = await hubctl(['login', basic.host], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`Error: login to ${basic.host} failed: incorrect username or password`);
    expect(await readFile(config, 'utf8')).toBe(text);
  });

  it('the global --config names the docker config directory', async () => {
    const { env, home, config } = await fresh();
    const other = join(home, 'other-docker');
    const r = await hubctl(['--config', other, 'login', '-u', 'alice', '--password-stdin', basic.host], { env, input: basic.users.alice! });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(join(other, 'config.json'));
    expect(JSON.parse(await readFile(join(other, 'config.json'), 'utf8')).auths[basic.host]).toBeDefined();
    expect(await exists(config)).toBe(false);
    const out = await hubctl(['--config', other, 'logout', basic.host], { env });
    expect(out.stdout).toBe(`Removing login credentials for ${basic.host}\n`);
  });

  it("the global --root before the command is the image store, not login's --store", async () => {
    const { env, config, home } = await fresh();
    const r = await hubctl(['--root', join(home, 'images'), 'login', '-u', 'alice', '--password-stdin', basic.host], {
      env,
      input: basic.users.alice!,
    });
    expect(r.code).toBe(0);
    expect(await exists(config)).toBe(true);
  });
});

describe('login: errors (message and exit code)', () => {
  it('no TTY and no input: a usage error (exit 2) with a hint, never a hang', async () => {
    const { env, config } = await fresh();
    for (const args of [['login', basic.host], ['login', '-u', 'alice', basic.host], ['login']]) {
      const r = await hubctl(args, { env, timeoutMs: 20_000 });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Error: Cannot perform an interactive login from a non TTY device\n');
      expect(r.stderr).toContain('hint: give the username with -u and the password on stdin');
    }
    expect(await exists(config)).toBe(false);
  });

  it('-p without -u off a TTY: the warning, then the usage error', async () => {
    const { env } = await fresh();
    const r = await hubctl(['login', '-p', 'secret', basic.host], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`${P_WARNING}Error: Cannot perform an interactive login from a non TTY device`)).toBe(true);
  });

  it("--password-stdin without -u, and with -p, are usage errors (docker's words)", async () => {
    const { env } = await fresh();
    const noUser = await hubctl(['login', '--password-stdin', basic.host], { env, input: 'x\n' });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toBe('Error: Must provide --username with --password-stdin\n');
    const both = await hubctl(['login', '-u', 'a', '-p', 'x', '--password-stdin', basic.host], { env, input: 'x\n' });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(`${P_WARNING}Error: --password and --password-stdin are mutually exclusive\n`);
    const empty = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('Error: no password on stdin (--password-stdin)');
  });

  it('wrong password: one clear line, exit 3, config.json unchanged byte for byte', async () => {
    const { env, config } = await fresh();
    const before = '{\n\t"auths": {},\n\t"credHelpers": {},\n\t"x-keep": {"a": [1, "b"]}\n}';
    await writeConfig(config, before);
    for (const reg of [basic, token]) {
      const r = await hubctl(['login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 'wrong\n' });
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`Error: login to ${reg.host} failed: incorrect username or password\n`);
      expect(await readFile(config, 'utf8')).toBe(before);
    }
  });

  it('unreachable registry: exit 5, nothing stored', async () => {
    const { env, config } = await fresh();
    const r = await hubctl(['login', '-u', 'a', '--password-stdin', '127.0.0.1:1'], { env, input: 'b' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Error: cannot connect to 127.0.0.1:1');
    expect(await exists(config)).toBe(false);
  });

  it('corrupt config.json: exit 7, named in the error, left untouched (login and logout)', async () => {
    const { env, config } = await fresh();
    await writeConfig(config, '{"auths": {"x": ');
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: basic.users.alice! });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(config);
    const out = await hubctl(['logout', basic.host], { env });
    expect(out.code).toBe(7);
    expect(await readFile(config, 'utf8')).toBe('{"auths": {"x": ');
  });

  it('a missing helper is named with the config key that chose it: exit 3, config untouched', async () => {
    const { env, config } = await fresh();
    const text = JSON.stringify({ credsStore: 'nonexistent-hubctl-test' });
    await writeConfig(config, text);
    const r = await hubctl(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: basic.users.alice! });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('docker-credential-nonexistent-hubctl-test');
    expect(r.stderr).toContain('credsStore');
    expect(r.stderr).toContain('was not found on PATH');
    expect(await readFile(config, 'utf8')).toBe(text);

    const helper = await hubctl(['login', '--helper', 'missing-too', '-u', 'alice', '--password-stdin', basic.host], {
      env,
      input: basic.users.alice!,
    });
    expect(helper.code).toBe(3);
    expect(helper.stderr).toContain(`docker-credential-missing-too (chosen by credHelpers["${basic.host}"]`);
    expect(await readFile(config, 'utf8')).toBe(text);

    const out = await hubctl(['logout', basic.host], { env });
    expect(out.code).toBe(3);
    expect(out.stderr).toContain('docker-credential-nonexistent-hubctl-test');
  });

  it('bad flags and arguments are usage errors (exit 2) before any prompt', async () => {
    const { env } = await fresh();
    const cases: [string[], string][] = [
      [['login', '--store', 'vault', '-u', 'a', '-p', 'b', basic.host], '--store must be file, helper or keychain, not "vault"'],
      [['login', '--store', 'helper', '-u', 'a', '-p', 'b', basic.host], `no credential helper is configured for ${basic.host}`],
      [['login', '--store', 'file', '--helper', 'pass', '-u', 'a', '-p', 'b', basic.host], '--helper stores with a credential helper'],
      [['login', '-u', 'a', '-p', 'b', 'not a host'], '"not a host" is not a registry address'],
      [['login', 'a.example', 'b.example'], 'too many arguments'],
      [['logout', 'a.example', 'b.example'], 'too many arguments'],
    ];
    for (const [args, message] of cases) {
      const r = await hubctl(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('login to a TLS registry with a private CA', () => {
  let tls: Registry | undefined;
  afterAll(async () => {
    await tls?.stop();
  });

  it('untrusted certificate: exit 5 with a hint; --ca-file and --insecure log in; certs.d is used by the pull', async () => {
    tls = await startRegistry({ mode: 'htpasswd', tls: true });
    await seedImage(tls, 'alice/app:1', { layers: [300] });
    const { env, config } = await fresh();
    const args = ['login', '-u', 'alice', '--password-stdin', tls.host];
    const untrusted = await hubctl(args, { env, input: tls.users.alice! });
    expect(untrusted.code).toBe(5);
    expect(untrusted.stderr).toContain(`Error: cannot connect to ${tls.host}: TLS certificate`);
    expect(untrusted.stderr).toContain('hint: trust the registry');
    expect(await exists(config)).toBe(false);

    const withCa = await hubctl([...args, '--ca-file', tls.caFile!], { env, input: tls.users.alice! });
    expect(withCa).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    const insecure = await hubctl([...args, '--insecure'], { env, input: tls.users.alice! });
    expect(insecure).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    const wrong = await hubctl([...args, '--ca-file', tls.caFile!], { env, input: 'wrong' });
    expect(wrong.code).toBe(3);

    // docker's certs.d layout: <config dir>/certs.d/<host:port>/ca.crt
    await mkdir(join(env.DOCKER_CONFIG, 'certs.d', tls.host), { recursive: true });
    await writeFile(join(env.DOCKER_CONFIG, 'certs.d', tls.host, 'ca.crt'), await readFile(tls.caFile!));
    const pulled = await hubctl(['pull', '-q', `${tls.host}/alice/app:1`], { env });
    expect(pulled).toMatchObject({ code: 0, stdout: `${tls.host}/alice/app:1\n` });
  });
});

describe('logout', () => {
  it('says what it removed, and "Not logged in" when nothing is stored (exit 0 both)', async () => {
    const { env, config } = await fresh();
    await writeConfig(
      config,
      JSON.stringify({
        auths: { [basic.host]: { auth: b64('alice:x') }, 'https://index.docker.io/v1/': { auth: b64('u:p') } },
        psFormat: 'x',
      }),
    );
    const r = await hubctl(['logout', `https://${basic.host}/`], { env });
    expect(r).toMatchObject({ code: 0, stdout: `Removing login credentials for ${basic.host}\n`, stderr: '' });
    const again = await hubctl(['logout', basic.host], { env });
    expect(again).toMatchObject({ code: 0, stdout: `Not logged in to ${basic.host}\n` });
    const hub = await hubctl(['logout'], { env });
    expect(hub).toMatchObject({ code: 0, stdout: 'Removing login credentials for https://index.docker.io/v1/\n' });
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ auths: {}, psFormat: 'x' });
    const hub2 = await hubctl(['logout', 'docker.io'], { env });
    expect(hub2.stdout).toBe('Not logged in to https://index.docker.io/v1/\n');
  });

  it("warns about credentials left in podman's auth.json, which it never writes", async () => {
    const { env, home } = await fresh();
    const authFile = join(home, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [basic.host]: { auth: b64('alice:x') } } }));
    const r = await hubctl(['logout', basic.host], { env: { ...env, REGISTRY_AUTH_FILE: authFile } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Not logged in to ${basic.host}\n`);
    expect(r.stderr).toContain(
      `${authFile} (podman/skopeo's auth file, which hubctl only reads) still holds credentials for ${basic.host}`,
    );
  });
});

// ---------- the interactive prompt, on a pseudo-terminal ----------

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the binary under `script` (a pty) and answers prompts: each step waits until the output
 * contains `expect` (after the previous step's match) and then types `send`. Returns everything the
 * terminal showed, with \r\n turned into \n.
 */
function onTty(
  args: string[],
  env: NodeJS.ProcessEnv,
  steps: { expect: string; send: string }[],
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      // NO_COLOR: these tests read the prompts' words; colour on a terminal is terminal.test.ts's
      env: { PATH: process.env.PATH, TERM: 'xterm', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let from = 0;
    let step = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out at step ${step}; screen so far:\n${screen}`));
    }, 30_000);
    const advance = () => {
      while (step < steps.length) {
        const at = screen.indexOf(steps[step]!.expect, from);
        if (at < 0) return;
        from = at + steps[step]!.expect.length;
        const text = steps[step]!.send;
        step++;
        // the program switches echo off right after printing the prompt: give it a moment
        setTimeout(() => child.stdin.write(text), 150);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      advance();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen: screen.replace(/\r\n/g, '\n') });
    });
  });
}

describe('login on a terminal (util-linux script)', () => {
  it('prompts for the username (echoed) and the password (not echoed), then stores', async () => {
    const { env, config } = await fresh();
    const secret = basic.users.alice!;
    const r = await onTty(['login', basic.host], env, [
      { expect: 'Username: ', send: 'alice\r' },
      { expect: 'Password: ', send: `${secret}\r` },
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('Username: alice\n');
    expect(r.screen).toContain('Password: \n');
    expect(r.screen).toContain('Login Succeeded\n');
    expect(r.screen).not.toContain(secret);
    expect(JSON.parse(await readFile(config, 'utf8')).auths[basic.host].auth).toBe(b64(`alice:${secret}`));
  });

  it('stored credentials that no longer work: says so, offers the stored username as the default, Backspace edits the hidden input', async () => {
    const { env, config } = await fresh();
    await writeConfig(config, JSON.stringify({ auths: { [basic.host]: { auth: b64('alice:expired') } } }));
    const secret = basic.users.alice!;
    const r = await onTty(['login', basic.host], env, [
      { expect: 'Username (alice): ', send: '\r' },
      { expect: 'Password: ', send: `${secret}x\u007f\r` },
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('Authenticating with existing credentials... [Username: alice]');
    expect(r.screen).toContain('Stored credentials invalid or expired\n');
    expect(r.screen).toContain('Login Succeeded\n');
    expect(r.screen).not.toContain(secret);
    expect(JSON.parse(await readFile(config, 'utf8')).auths[basic.host].auth).toBe(b64(`alice:${secret}`));
  });

  it('-u given: only the password is asked; a wrong one is exit 3 and nothing stored', async () => {
    const { env, config } = await fresh();
    const r = await onTty(['login', '-u', 'alice', basic.host], env, [{ expect: 'Password: ', send: 'wrong-password\r' }]);
    expect(r.code).toBe(3);
    expect(r.screen).not.toContain('Username');
    expect(r.screen).not.toContain('wrong-password');
    expect(r.screen).toContain(`Error: login to ${basic.host} failed: incorrect username or password`);
    expect(await exists(config)).toBe(false);
  });

  it('Ctrl-C at the password prompt stops with exit 130 and stores nothing', async () => {
    const { env, config } = await fresh();
    const r = await onTty(['login', '-u', 'alice', basic.host], env, [{ expect: 'Password: ', send: 'abc\u0003' }]);
    expect(r.code).toBe(130);
    expect(r.screen).not.toContain('abc');
    expect(await exists(config)).toBe(false);
  });

  it('a password pasted with bracketed-paste markers is read without them', async () => {
    const { env, config } = await fresh();
    const secret = basic.users.alice!;
    const r = await onTty(['login', '-u', 'alice', basic.host], env, [{ expect: 'Password: ', send: `\u001b[200~${secret}\u001b[201~\r` }]);
    expect(r.code).toBe(0);
    expect(r.screen).not.toContain(secret);
    expect(JSON.parse(await readFile(config, 'utf8')).auths[basic.host].auth).toBe(b64(`alice:${secret}`));
  });

  it('Ctrl-C at the username prompt (SIGINT from the terminal) stops with exit 130', async () => {
    const { env, config } = await fresh();
    const r = await onTty(['login', basic.host], env, [{ expect: 'Username: ', send: '\u0003' }]);
    expect(r.code).toBe(130);
    expect(await exists(config)).toBe(false);
  });

  it('an empty username is refused (exit 2)', async () => {
    const { env } = await fresh();
    const r = await onTty(['login', basic.host], env, [{ expect: 'Username: ', send: '\r' }]);
    expect(r.code).toBe(2);
    expect(r.screen).toContain('Error: a username is required');
  });
});
