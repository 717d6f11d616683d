/**
 * What `npm pack` ships (the built dist, the man page, README, LICENSE, package.json; no tests, no
 * sources, no source maps) and that the man page generated from the command tree documents every
 * command and flag and renders with groff without a warning.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allCommands, describeCommand } from '../../src/cli/completion/index.js';
import { commandTree } from '../../src/cli/program.js';
import { requireTool } from '../harness/index.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  license: string;
  bin: Record<string, string>;
  man: string[];
  main: string;
  types: string;
  scripts: Record<string, string>;
  engines: { node: string };
};

describe('npm pack', () => {
  // --ignore-scripts: `prepare` would rebuild dist/ under the other e2e tests; npm test built it already
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [packed] = JSON.parse(out) as { files: { path: string }[]; size: number; unpackedSize: number }[];
  const files = packed!.files.map((f) => f.path);

  it('ships the CLI, the library, its types, the man page, README, LICENSE', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'man/hubctl.1', pkg.main, pkg.types, ...Object.values(pkg.bin), ...pkg.man]) {
      expect(files, f).toContain(f.replace(/^\.\//, ''));
    }
    expect(files.filter((f) => f.startsWith('dist/cli/commands/')).length).toBeGreaterThan(5);
  });

  it('ships no tests, sources, scripts, source maps or CI files', () => {
    const unwanted = files.filter((f) => /^(test|src|scripts|bench|\.ci|coverage)\/|\.map$|\.test\.|^\.|tsconfig|biome/.test(f));
    expect(unwanted).toEqual([]);
    expect(files.every((f) => /^(dist\/|man\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toBe(true);
  });

  it('LICENSE is the full Apache License 2.0, as package.json says', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const text = readFileSync(`${ROOT}LICENSE`, 'utf8');
    expect(text).toContain('Apache License');
    expect(text).toContain('Version 2.0, January 2004');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  it('an install from git builds dist (prepare), and the bin starts with a shebang', () => {
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.mjs');
    expect(readFileSync(`${ROOT}scripts/prepare.mjs`, 'utf8')).toContain("npm(['run', 'build'])");
    expect(readFileSync(`${ROOT}${pkg.bin.hubctl}`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('man page', () => {
  const page = readFileSync(`${ROOT}man/hubctl.1`, 'utf8');

  it('documents every command and every flag of the tree', () => {
    const tree = describeCommand(commandTree());
    for (const c of allCommands(tree).filter((x) => x.path.at(-1) !== 'help')) {
      if (c.path.length > 1) expect(page).toContain(`.SS "${c.path.slice(1).join(' ').replace(/-/g, '\\-')}`);
      for (const f of c.flags)
        for (const n of f.names) expect(page, `${c.path.join(' ')} ${n}`).toContain(`\\fB${n.replace(/-/g, '\\-')}\\fR`);
    }
  });

  it('renders with groff without a warning', () => {
    const out = execFileSync(requireTool('groff'), ['-man', '-Tutf8', '-ww', '-z', `${ROOT}man/hubctl.1`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
    const text = execFileSync(requireTool('groff'), ['-man', '-Tascii', '-P-cbou', `${ROOT}man/hubctl.1`], { encoding: 'utf8' });
    expect(text).toContain('EXIT STATUS');
    expect(text).toContain('hubctl completion');
  });
});
