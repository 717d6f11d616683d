/**
 * The one list of system programs (scripts/system-deps.mjs) cannot drift: every program that the
 * sources (the tests, their harness, the demo, the bench, the scripts and src) start is in it, and the
 * README's table is generated from it. The scanner is tested on a sample first, so that a scan that
 * finds nothing cannot pass for a clean tree.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withTable } from '../../../scripts/readme-deps.mjs';
import { scanSource, scanTree, shellPrograms } from '../../../scripts/spawned-programs.mjs';
import { SYSTEM_DEPS } from '../../../scripts/system-deps.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['src', 'test', 'scripts', 'bench'];

const SAMPLE = `
import { execFile, execFileSync, spawn } from 'node:child_process';
const TOOL = '/usr/bin/frobnicate';
const SCRIPT = \`
exec 3<&0
"$0" "$@" &
while kill -0 "$p" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
cat <&3 >/dev/null && rm -rf -- "$d"
\`;
spawn('alpha', ['x']);
execFileSync(
  'beta',
  ['--flag'],
);
cp.spawnSync("/opt/bin/gamma", []);
await runTool('delta', []);
requireTool('epsilon');
findTool('zeta');
spawn(TOOL, []);
spawn('/bin/sh', ['-c', SCRIPT]);
spawn('dbus-run-session', ['--', 'sh', '-c', 'printf pw | eta --unlock >/dev/null 2>&1; exec theta']);
execFile('sh', ['-c', \`"\${process.execPath}" x | iota\`]);
execSync('kappa --x && lambda');
spawn('script', ['-qfec', \`stty cols \${n}; exec mu\`, '/dev/null']);
spawn(process.execPath, ['script.js']);
spawn(\`docker-credential-\${name}\`, ['get']);
const m = /x/.exec(text);
// spawn('commented', [])
`;

describe('the spawn scanner', () => {
  it('finds literal programs, paths, consts, multi-line calls and shell scripts; skips what it cannot know', () => {
    const found = scanSource(SAMPLE).map((f) => f.program);
    expect(new Set(found)).toEqual(
      new Set([
        'alpha',
        'beta',
        'gamma',
        'delta',
        'epsilon',
        'zeta',
        'frobnicate',
        'sh',
        'sleep',
        'cat',
        'rm',
        'dbus-run-session',
        'eta',
        'theta',
        'iota',
        'kappa',
        'lambda',
        'script',
        'stty',
        'mu',
      ]),
    );
  });

  it('reads shell scripts word by word', () => {
    expect(shellPrograms('FOO=1 bar -x; if baz; then qux 2>&1 | quux; fi # not-me')).toEqual(['bar', 'baz', 'qux', 'quux']);
    expect(shellPrograms('[ -n "$x" ] && echo "$x" || printf x; wait "$p"')).toEqual([]);
  });

  it('reports the file and line of a call', () => {
    const [hit] = scanTree(ROOT, ['scripts']).filter((f) => f.program === 'apt-get');
    expect(hit).toMatchObject({ file: 'scripts/ensure-system-deps.mjs', line: expect.any(Number) });
  });
});

describe('scripts/system-deps.mjs', () => {
  const listed = new Set(SYSTEM_DEPS.map((d) => d.name));
  // this file's SAMPLE is made-up programs for the scanner's own test
  const found = scanTree(ROOT, SCANNED).filter((f) => f.file !== 'test/unit/project/system-deps.test.ts');

  it('the scan sees the programs the suite is known to run', () => {
    const programs = new Set(found.map((f) => f.program));
    for (const p of ['docker-registry', 'skopeo', 'umoci', 'openssl', 'gnome-keyring-daemon', 'dbus-run-session', 'docker'])
      expect(programs).toContain(p);
  });

  it('lists every program the tests, harness, demo, bench, scripts and src start', () => {
    const missing = found.filter((f) => !listed.has(f.program)).map((f) => `${f.program} (${f.file}:${f.line}, ${f.via})`);
    expect(missing, 'add these to scripts/system-deps.mjs (then run node scripts/readme-deps.mjs)').toEqual([]);
  });

  it('names each program once, with a package, a job and a purpose', () => {
    expect(SYSTEM_DEPS.length).toBe(listed.size);
    for (const d of SYSTEM_DEPS) {
      expect(d.package, d.name).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
      expect(d.for.length, d.name).toBeGreaterThan(0);
      expect(d.purpose.length, d.name).toBeGreaterThan(5);
    }
  });

  it('the demo needs only the registry and openssl besides what every Debian has', () => {
    const demo = SYSTEM_DEPS.filter((d) => d.for.includes('demo') && !d.base).map((d) => d.name);
    expect(demo.sort()).toEqual(['docker-registry', 'openssl']);
  });

  it('nothing needs a compiler or headers: no -dev package, no build-essential', () => {
    for (const d of SYSTEM_DEPS) expect(d.package).not.toMatch(/-dev$|^build-essential$|^gcc|^g\+\+|^make$|^python3$/);
  });

  it("the README's table is the list (node scripts/readme-deps.mjs rewrites it)", () => {
    const readme = readFileSync(new URL('README.md', `file://${ROOT}`), 'utf8');
    expect(withTable(readme)).toBe(readme);
  });
});
