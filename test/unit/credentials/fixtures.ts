import { mkdtemp, mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CredentialsOptions, KeyringLike } from '../../../src/credentials/index.js';

export interface Sandbox {
  root: string;
  home: string;
  dockerDir: string;
  configPath: string;
  bin: string;
  helperStore: string;
  opts: CredentialsOptions;
  cleanup(): Promise<void>;
}

/** A throw-away HOME with DOCKER_CONFIG, a bin dir on PATH for fake helpers, and preferences inside it. */
export async function sandbox(extraEnv: Record<string, string> = {}): Promise<Sandbox> {
  const root = await mkdtemp(path.join(tmpdir(), 'hubctl-cred-'));
  const home = path.join(root, 'home');
  const dockerDir = path.join(root, 'docker');
  const bin = path.join(root, 'bin');
  const helperStore = path.join(root, 'helper-store');
  await mkdir(home, { recursive: true });
  await mkdir(bin);
  await mkdir(helperStore);
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    DOCKER_CONFIG: dockerDir,
    FAKE_HELPER_DIR: helperStore,
    ...extraEnv,
  };
  return {
    root,
    home,
    dockerDir,
    configPath: path.join(dockerDir, 'config.json'),
    bin,
    helperStore,
    opts: { env, homedir: home, preferencesDir: path.join(root, 'prefs') },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * A docker-credential-<name> that speaks the protocol, keeping one JSON file per server URL.
 * mode 'standard' answers unknown servers like the protocol; 'pass' like Debian's pass helper (exit 0,
 * empty fields); 'broken' always fails with a message on stderr; 'slow' never answers.
 */
export async function fakeHelper(box: Sandbox, name: string, mode: 'standard' | 'pass' | 'broken' | 'slow' = 'standard'): Promise<void> {
  const script = `#!/usr/bin/env node
const fs = require('fs'), path = require('path');
const dir = process.env.FAKE_HELPER_DIR;
const mode = ${JSON.stringify(mode)};
const own = path.join(dir, ${JSON.stringify(name)});
fs.mkdirSync(own, { recursive: true });
const file = (u) => path.join(own, Buffer.from(u).toString('base64url') + '.json');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  fs.appendFileSync(path.join(dir, 'calls.log'), process.argv[2] + ' ' + ${JSON.stringify(name)} + '\\n');
  if (mode === 'slow') { setInterval(() => {}, 1000); return; }
  if (mode === 'broken') { process.stderr.write('boom: cannot reach keyring, password=hunter2\\n'); process.exit(3); }
  const action = process.argv[2];
  if (action === 'store') { const c = JSON.parse(input); fs.writeFileSync(file(c.ServerURL), JSON.stringify(c)); return; }
  if (action === 'get') {
    const u = input.trim();
    if (!fs.existsSync(file(u))) {
      if (mode === 'pass') { process.stdout.write(JSON.stringify({ ServerURL: u, Username: '', Secret: '' })); return; }
      process.stdout.write('credentials not found in native keychain\\n'); process.exit(1);
    }
    const c = JSON.parse(fs.readFileSync(file(u), 'utf8'));
    process.stdout.write(JSON.stringify({ ServerURL: u, Username: c.Username, Secret: c.Secret }));
    return;
  }
  if (action === 'erase') {
    const u = input.trim();
    if (!fs.existsSync(file(u))) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    fs.unlinkSync(file(u)); return;
  }
  if (action === 'list') {
    const out = {};
    for (const f of fs.readdirSync(own)) if (f.endsWith('.json')) { const c = JSON.parse(fs.readFileSync(path.join(own, f), 'utf8')); out[c.ServerURL] = c.Username; }
    process.stdout.write(JSON.stringify(out)); return;
  }
  process.stdout.write('unknown action'); process.exit(1);
});
`;
  const p = path.join(box.bin, `docker-credential-${name}`);
  await writeFile(p, script);
  await chmod(p, 0o755);
}

/** An in-memory keychain with keytar's API. */
export function fakeKeyring(): KeyringLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  const k = (s: string, a: string) => `${s}\u0000${a}`;
  return {
    items,
    async getPassword(s, a) {
      return items.get(k(s, a)) ?? null;
    },
    async setPassword(s, a, p) {
      items.set(k(s, a), p);
    },
    async deletePassword(s, a) {
      return items.delete(k(s, a));
    },
    async findCredentials(s) {
      return [...items]
        .filter(([key]) => key.startsWith(`${s}\u0000`))
        .map(([key, password]) => ({ account: key.slice(s.length + 1), password }));
    },
  };
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
