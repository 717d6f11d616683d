// Real credential stores for tests, isolated in a directory: a `pass` store with a throw-away gpg key
// (for docker-credential-pass) and a private D-Bus session with gnome-keyring (the Secret Service, for
// the keyring module and docker-credential-secretservice). Both run headless.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const GPG_KEY_PARAMS = [
  '%no-protection',
  'Key-Type: EDDSA',
  'Key-Curve: ed25519',
  'Key-Usage: sign',
  'Subkey-Type: ECDH',
  'Subkey-Curve: cv25519',
  'Subkey-Usage: encrypt',
  'Name-Real: hubctl test',
  'Name-Email: test@hubctl.invalid',
  'Expire-Date: 0',
  '%commit',
].join('\n');

/**
 * A pass store under `dir`: HOME, GNUPGHOME (a passphrase-less ed25519 key) and PASSWORD_STORE_DIR,
 * initialised with `pass init`. `stop()` ends the gpg-agent it started.
 * @param {string} dir
 * @returns {Promise<{ env: Record<string, string>, home: string, stop(): void }>}
 */
export async function startPassStore(dir) {
  const home = join(dir, 'home');
  const gnupg = join(dir, 'gnupg');
  await mkdir(home, { recursive: true });
  await mkdir(gnupg, { recursive: true, mode: 0o700 });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GNUPGHOME: gnupg, PASSWORD_STORE_DIR: join(dir, 'pass-store') };
  execFileSync('gpg', ['--batch', '--gen-key'], { env, input: GPG_KEY_PARAMS, stdio: ['pipe', 'ignore', 'ignore'] });
  const colons = execFileSync('gpg', ['--list-keys', '--with-colons'], { env, encoding: 'utf8' });
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
  if (fpr === undefined) throw new Error(`no fingerprint in:\n${colons}`);
  execFileSync('pass', ['init', fpr], { env, stdio: 'ignore' });
  return {
    env,
    home,
    stop() {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env, stdio: 'ignore' });
      } catch {
        // the agent may not have started
      }
    },
  };
}

/**
 * A private D-Bus session with an unlocked gnome-keyring (secrets component) under `dir`. `env` holds
 * HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS for processes that use it.
 * `stop()` ends the session (and with it dbus-daemon and the keyring).
 * @param {string} dir
 * @returns {Promise<{ env: Record<string, string>, home: string, address: string, stop(): Promise<void> }>}
 */
export async function startKeyringSession(dir) {
  const home = join(dir, 'home');
  const run = join(dir, 'run');
  await mkdir(home, { recursive: true });
  await mkdir(run, { recursive: true, mode: 0o700 });
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: join(dir, 'data'), XDG_RUNTIME_DIR: run };
  const child = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; echo "BUS=$DBUS_SESSION_BUS_ADDRESS"; exec cat',
    ],
    { env: base, stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const address = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no bus address from dbus-run-session: ${out}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /BUS=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`dbus-run-session exited (${code}): ${out}`)));
  });
  return {
    env: { ...base, DBUS_SESSION_BUS_ADDRESS: address },
    home,
    address,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', () => resolve(undefined)));
      child.stdin.end(); // cat ends -> the session ends -> dbus-daemon and the keyring exit
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
