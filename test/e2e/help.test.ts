/**
 * Help is declared in src/cli/commands/table.ts and must not load the command modules (issue #7: `hubctl --help`
 * within 1.5 x `node -e 0`), and every help text stays what it was (snapshots taken before the table existed).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN, hubctl } from './run-cli.js';

const RECORD = fileURLToPath(new URL('./record-module-loads.mjs', import.meta.url));
const DIST = `${pathToFileURL(join(BIN, '../..')).href}/`;
const COMMANDS = [
  'pull',
  'images',
  'inspect',
  'rmi',
  'search',
  'build',
  'tag',
  'push',
  'copy',
  'tags',
  'digest',
  'manifest',
  'config',
  'blob',
  'delete',
  'catalog',
  'index',
  'image',
  'system',
  'save',
  'load',
  'login',
  'version',
  'logout',
  'autobuild',
  'hub',
  'completion',
];
/** Subcommands of the groups above. */
const SUBCOMMANDS = [
  ['index', 'create'],
  ['image', 'prune'],
  ['system', 'df'],
  ['config', 'list'],
  ['config', 'get'],
  ['config', 'set'],
  ['config', 'unset'],
];
/** The declaration files help loads: the table and each group's declare.ts (cheap, no command modules). */
const isDeclaration = (f: string) => f === 'cli/commands/table.js' || /^cli\/commands\/(?:[\w-]+\/)?declare(?:-[a-z]+)?\.js$/.test(f);
/** `hubctl hub ...`: each group and each of its commands. */
const HUB_COMMANDS: Record<string, string[]> = {
  repo: ['ls', 'create', 'show', 'update', 'rm'],
  tag: ['ls', 'show', 'rm', 'prune'],
  org: ['ls', 'members', 'invite', 'rm'],
  team: ['ls', 'members', 'create', 'rm', 'add', 'remove', 'grant'],
  token: ['ls', 'show', 'create', 'enable', 'disable', 'rm'],
  webhook: ['ls', 'add', 'rm'],
  build: ['trigger'],
  'audit-log': [],
  limits: [],
};

/** The dist/ modules (relative paths) and the other module files (ES and CommonJS) one hubctl run loads. */
function loadedModules(args: string[]): { dist: string[]; other: string[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hubctl-help-'));
  try {
    const log = join(dir, 'loads.txt');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(RECORD).href, BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: dir, HUBCTL_LOAD_LOG: log },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const urls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((u) => u !== '' && u !== pathToFileURL(RECORD).href);
    return {
      dist: urls.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length)),
      other: [...new Set(urls.filter((u) => !u.startsWith(DIST)))],
      stdout: r.stdout,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('help loads only commander and the command table', () => {
  for (const args of [['--help'], ['help'], ['pull', '--help'], ['help', 'login'], ['hub', '--help'], ['hub', 'tag', 'prune', '--help']]) {
    it(`hubctl ${args.join(' ')}`, () => {
      const { dist, other, stdout } = loadedModules(args);
      expect(stdout).toMatch(/^Usage: hubctl /);
      expect(dist).toContain('cli/commands/table.js');
      expect(dist.filter((f) => f.startsWith('cli/commands/') && !isDeclaration(f))).toEqual([]);
      expect(dist.filter((f) => !f.startsWith('cli/') && f !== 'version.js')).toEqual([]);
      // commander and nothing else: no chalk, ora, undici, conf...
      expect(other.filter((u) => !/\/node_modules\/commander\//.test(u))).toEqual([]);
    });
  }

  it('a command loads its own module when it runs', () => {
    const { dist } = loadedModules(['images', '-q']);
    expect(dist).toContain('cli/commands/images.js');
    expect(dist).not.toContain('cli/commands/pull.js');
  });

  it('a command that sends no request loads neither the HTTP stack nor the credentials code', () => {
    for (const args of [
      ['images', '-q'],
      ['system', 'df'],
    ]) {
      const { dist, other } = loadedModules(args);
      expect(dist).toContain('api/client.js');
      expect(dist.filter((f) => /^(http\/(?!limits\.js)|auth\/(?!lazy-transport\.js)|credentials\/)/.test(f))).toEqual([]);
      expect(other.filter((u) => /\/node_modules\/undici\//.test(u))).toEqual([]);
    }
  });
});

describe('help text', () => {
  const cases = [
    ['--help'],
    ['help'],
    ...COMMANDS.flatMap((c) => [
      [c, '--help'],
      ['help', c],
    ]),
    ['ls', '--help'],
    // command groups and their subcommands
    ['autobuild', 'history', '--help'],
    ['webhook', '--help'],
    ['webhook', 'serve', '--help'],
    ...Object.entries(HUB_COMMANDS).flatMap(([group, leaves]) => [
      ['hub', group, '--help'],
      ...leaves.map((l) => ['hub', group, l, '--help']),
    ]),
    ...SUBCOMMANDS.flatMap((c) => [
      [...c, '--help'],
      [c[0]!, 'help', c[1]!],
    ]),
  ];
  for (const args of cases) {
    it(`hubctl ${args.join(' ')}`, async () => {
      const r = await hubctl(args);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatchSnapshot();
    });
  }

  it('`hubctl CMD --help` and `hubctl help CMD` print the same', async () => {
    for (const c of COMMANDS) expect((await hubctl([c, '--help'])).stdout).toBe((await hubctl(['help', c])).stdout);
  });
});
