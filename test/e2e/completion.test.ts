/**
 * `hubctl completion bash|zsh|fish` from the built binary, run in the real shells: bash sources the
 * script and calls the completion function with COMP_WORDS as bash would; fish answers `complete -C`;
 * zsh runs the function with compadd and _files recorded. Every command path of the tree (read from
 * src, so a newly declared command is covered with no edit here) must complete its subcommands and flags.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, describeCommand } from '../../src/cli/completion/index.js';
import { commandTree } from '../../src/cli/program.js';
import { requireTool } from '../harness/index.mjs';
import { hubctl } from './run-cli.js';

const tree = describeCommand(commandTree());
let dir: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hubctl-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await hubctl(['completion', shell]);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    scripts[shell] = join(dir, `hubctl.${shell}`);
    writeFileSync(scripts[shell], r.stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** COMPREPLY for each command line (the last word is the one being completed). */
function bashComplete(lines: string[][]): string[][] {
  const calls = lines
    .map((words) => `COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; _hubctl; echo "\${COMPREPLY[*]}"`)
    .join('\n');
  const out = execFileSync(requireTool('bash'), ['--norc', '--noprofile', '-c', `source ${q(scripts.bash!)}\n${calls}`], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .slice(0, lines.length)
    .map((l) => l.split(' ').filter(Boolean));
}

describe('bash', () => {
  it('completes commands, aliases, flags, choices and leaves values to files', () => {
    const [cmds, pu, flags, fmt, shells, afterValue, rootFlag, global] = bashComplete([
      ['hubctl', ''],
      ['hubctl', 'pu'],
      ['hubctl', 'pull', '--pl'],
      ['hubctl', 'build', '--format', ''],
      ['hubctl', 'completion', ''],
      ['hubctl', '--root', 'pull', ''],
      ['hubctl', '--r'],
      ['hubctl', '--root', '/tmp/x', 'push', '-'],
    ]);
    expect(cmds).toEqual(expect.arrayContaining(['pull', 'push', 'images', 'ls', 'login', 'completion', 'help']));
    expect(pu!.sort()).toEqual(['pull', 'push']);
    expect(flags).toEqual(['--platform']);
    // a value without declared choices: nothing from hubctl, bash offers files (complete -o default)
    expect(fmt).toEqual([]);
    expect(shells).toEqual(['bash', 'zsh', 'fish']);
    // `--root pull`: pull is the value of --root, so the command is still to come
    expect(afterValue).toEqual(expect.arrayContaining(['pull', 'push']));
    expect(rootFlag).toEqual(['--root']);
    expect(global).toEqual(expect.arrayContaining(['-q', '--quiet', '--all-tags']));
  });

  it('every command path completes its subcommands and its flags', () => {
    const commands = allCommands(tree).filter((c) => c.path.at(-1) !== 'help');
    // the tree is the whole CLI, the groups of every branch included
    expect(commands.map((c) => c.path.join(' '))).toEqual(
      expect.arrayContaining([
        'hubctl copy',
        'hubctl tags',
        'hubctl config',
        'hubctl config get',
        'hubctl index create',
        'hubctl image prune',
        'hubctl system df',
        'hubctl version',
        'hubctl autobuild history',
        'hubctl webhook serve',
        'hubctl hub repo ls',
        'hubctl hub tag prune',
        'hubctl hub limits',
      ]),
    );
    const lines = commands.flatMap((c) => [
      [...c.path, ''],
      [...c.path, '-'],
    ]);
    const got = bashComplete(lines);
    commands.forEach((c, i) => {
      const words = got[2 * i]!;
      const flags = got[2 * i + 1]!;
      for (const s of c.subcommands) expect(words, c.path.join(' ')).toContain(s.path.at(-1));
      for (const f of c.flags) for (const n of f.names) expect(flags, c.path.join(' ')).toContain(n);
    });
  });
});

describe('fish', () => {
  const fish = (line: string) =>
    execFileSync(requireTool('fish'), ['--no-config', '-c', `source ${q(scripts.fish!)}; complete -C ${q(line)}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
    })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]);

  it('completes commands with their descriptions, flags and choices', () => {
    expect(fish('hubctl pu').sort()).toEqual(['pull', 'push']);
    expect(fish('hubctl pull --pla')).toEqual(['--platform']);
    expect(fish('hubctl completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect(fish('hubctl --root /tmp/x push --all')).toEqual(['--all-tags']);
  });
});

describe('zsh', () => {
  const zsh = (words: string[]) =>
    execFileSync(
      requireTool('zsh'),
      [
        '-f',
        '-c',
        [
          'compdef() { :; }',
          'compadd() { local a; for a in "$@"; do [[ $a == -- ]] && { shift; break; }; shift; done; print -l -- "$@"; }',
          '_files() { print -- "<files>"; }',
          `source ${q(scripts.zsh!)}`,
          `words=(${words.map(q).join(' ')}); CURRENT=${words.length}`,
          '_hubctl',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);

  it('completes commands, flags, choices and files', () => {
    expect(zsh(['hubctl', ''])).toEqual(expect.arrayContaining(['pull', 'push', 'completion']));
    expect(zsh(['hubctl', 'pull', '-'])).toEqual(expect.arrayContaining(['--platform', '-q', '--quiet']));
    expect(zsh(['hubctl', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(zsh(['hubctl', '--root', ''])).toEqual(['<files>']);
  });
});
