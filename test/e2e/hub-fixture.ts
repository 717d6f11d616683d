/**
 * `hubctl hub` end to end: the built binary against the Hub emulator of test/harness (loopback, every
 * request and answer checked against Docker's OpenAPI description). Each suite gets its own emulator
 * and a temp HOME/DOCKER_CONFIG; `run` calls the binary with `--hub-url` and the env given.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startHubEmulator, type HubEmulator } from '../harness/index.mjs';
import { expectNoViolations } from '../unit/hub/helpers.js';
import { hubctl, type CliResult } from './run-cli.js';

export interface HubSuite {
  emu: HubEmulator;
  /** A temp dir with home/ and docker/ (DOCKER_CONFIG). */
  root: string;
  /** HOME, DOCKER_CONFIG and XDG dirs inside root: no stored login. */
  env: NodeJS.ProcessEnv;
  /** alice's personal access token (repo:admin). */
  alicePat: string;
  /** `hubctl --hub-url EMU hub ARGS`, as alice (her PAT in HUBCTL_HUB_*) unless env says otherwise. */
  run(args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<CliResult>;
  /** The same without any login. */
  anon(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Writes DOCKER_CONFIG/config.json. */
  writeConfig(config: unknown): Promise<string>;
}

/**
 * Starts a seeded emulator before the suite and stops it after; checks after every test that the
 * emulator saw no request or answer outside Docker's description.
 */
export function hubSuite(options: Parameters<typeof startHubEmulator>[0] = {}): HubSuite {
  const suite = {} as HubSuite;
  beforeAll(async () => {
    suite.emu = await startHubEmulator(options);
    const s = suite.emu.state;
    s.addUser('alice', 'alice-password', { email: 'alice@example.com', fullName: 'Alice A' });
    s.addUser('bob', 'bob-password', { email: 'bob@example.com' });
    s.addUser('carol', 'carol-password', { twoFactorCode: '123456' });
    s.addUser('dave', 'dave-password');
    s.addOrg('acme', { owners: ['alice'], members: { bob: 'member' }, fullName: 'Acme Inc' });
    suite.alicePat = s.addAccessToken('alice', { label: 'e2e' }).token;
    suite.root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-hub-'));
    await mkdir(join(suite.root, 'docker'), { recursive: true });
    suite.env = {
      HOME: join(suite.root, 'home'),
      DOCKER_CONFIG: join(suite.root, 'docker'),
      XDG_CONFIG_HOME: join(suite.root, 'xdg'),
      XDG_RUNTIME_DIR: join(suite.root, 'run'),
    };
    suite.anon = (args, env = {}) => hubctl(['--hub-url', suite.emu.url, 'hub', ...args], { env: { ...suite.env, ...env } });
    suite.run = (args, env = {}, input) =>
      hubctl(['--hub-url', suite.emu.url, 'hub', ...args], {
        env: { ...suite.env, HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: suite.alicePat, ...env },
        ...(input !== undefined ? { input } : {}),
      });
    suite.writeConfig = async (config) => {
      const file = join(suite.root, 'docker', 'config.json');
      await writeFile(file, JSON.stringify(config), { mode: 0o600 });
      return file;
    };
  });
  afterEach(() => expectNoViolations(suite.emu));
  afterAll(async () => {
    await suite.emu?.stop();
    if (suite.root) await rm(suite.root, { recursive: true, force: true });
  });
  return suite;
}

/** The JSON lines of a `--format json` output. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
