/**
 * The layering the README states is the layering of the imports: every import in src/ (static,
 * dynamic, type-only, re-export) points from a row of the README's table to a lower row, and every
 * folder and top-level file of src/ has a row. A row may also name a folder inside another
 * (`builder/buildah`): its files are then that entry, not their parent's. The parser is tested on a
 * sample first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** The README's layer table: top-level entry of src/ -> its row (1 = top). */
function parseLayers(readme: string): Map<string, number> {
  const start = readme.indexOf('<!-- layers:');
  const end = readme.indexOf('<!-- /layers -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- layers: ... --> <!-- /layers --> table');
  const layers = new Map<string, number>();
  for (const line of readme.slice(start, end).split('\n')) {
    const m = /^\|\s*(\d+)\s*\|([^|]*)\|/.exec(line);
    if (!m) continue;
    for (const name of m[2]!.matchAll(/`([^`]+)`/g)) layers.set(name[1]!, Number(m[1]));
  }
  return layers;
}

/** Relative module specifiers a TypeScript file imports (import, import type, export from, import()). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out.filter((s) => s.startsWith('.'));
}

/**
 * `src/cli/x.ts` -> `cli`; `src/errors.ts` -> `errors.ts`; `src/builder/buildah/x.ts` -> `builder/buildah`
 * when the table names that folder (the longest folder the table names), else `builder`.
 */
function entryOf(file: string, layers: ReadonlyMap<string, number>): string {
  const rel = relative(SRC, file).split('/');
  if (rel.length === 1) return rel[0]!.replace(/\.js$/, '.ts');
  for (let n = rel.length - 1; n > 1; n--) {
    const folder = rel.slice(0, n).join('/');
    if (layers.has(folder)) return folder;
  }
  return rel[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the parsers', () => {
  it('read every kind of import, and no comment', () => {
    const sample = [
      "import { a } from '../api/a.js';",
      "import type { B } from '../store/b.js';",
      "export { c } from './c.js';",
      "export * from '../oci/index.js';",
      "import '../side/effect.js';",
      "const m = await import('../registry/remote.js');",
      "import {\n  x,\n  y,\n} from '../multi/line.js';",
      "import { z } from 'node:fs';",
      "// import { no } from '../commented/out.js';",
      "/* import { no } from '../block/comment.js'; */",
    ].join('\n');
    expect(importsOf(sample)).toEqual([
      '../api/a.js',
      '../store/b.js',
      './c.js',
      '../oci/index.js',
      '../multi/line.js',
      '../side/effect.js',
      '../registry/remote.js',
    ]);
  });

  it('read the table', () => {
    const t = parseLayers(
      'x\n<!-- layers: y -->\n| layer | in | what |\n|---|---|---|\n| 1 | `cli`, `index.ts` | a |\n| 2 | `api` | b |\n| 3 | `builder/buildah` | c |\n| 4 | `builder` | d |\n<!-- /layers -->',
    );
    expect([...t]).toEqual([
      ['cli', 1],
      ['index.ts', 1],
      ['api', 2],
      ['builder/buildah', 3],
      ['builder', 4],
    ]);
    expect(entryOf(join(SRC, 'builder', 'buildah', 'build.ts'), t)).toBe('builder/buildah');
    expect(entryOf(join(SRC, 'builder', 'dockerfile.ts'), t)).toBe('builder');
    expect(entryOf(join(SRC, 'builder', 'deep', 'x.ts'), t)).toBe('builder');
    expect(entryOf(join(SRC, 'errors.ts'), t)).toBe('errors.ts');
  });
});

describe("src/ follows the README's layers", () => {
  const layers = parseLayers(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('every folder and top-level file of src/ has a row, and every row names something that exists', () => {
    const entries = readdirSync(SRC, { withFileTypes: true }).map((e) => e.name);
    expect(
      entries.filter((e) => !layers.has(e)),
      'add a row to the table in README.md',
    ).toEqual([]);
    expect(
      [...layers.keys()].filter((k) => (k.includes('/') ? !existsSync(join(SRC, k)) : !entries.includes(k))),
      'remove these rows from README.md',
    ).toEqual([]);
  });

  it('every import points to a lower row', () => {
    const bad: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = entryOf(file, layers);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(`${SRC}/`)) {
          bad.push(`${relative(ROOT, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = entryOf(target, layers);
        if (to === from) continue;
        const a = layers.get(from);
        const b = layers.get(to);
        if (a === undefined || b === undefined || b <= a)
          bad.push(`${relative(ROOT, file)} (${from}, row ${a}) imports ${spec} (${to}, row ${b})`);
      }
    }
    expect(bad, 'imports must point down the table in README.md').toEqual([]);
  });
});
