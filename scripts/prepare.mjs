#!/usr/bin/env node
// `prepare`: builds dist/ and the man page when hubctl is installed from git (`npm i -g git+URL`) or
// packed. npm installs a git dependency's devDependencies before running this, except that for a
// global install (npm 10 and 11) the child npm inherits `global` and installs nothing: TypeScript is
// then missing, so it is installed here, locally and without scripts, before the build.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const npm = process.env.npm_execpath;
const run = (args) =>
  execFileSync(npm ? process.execPath : 'npm', npm ? [npm, ...args] : args, {
    stdio: 'inherit',
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(global|prefix|location)$/i.test(k))),
  });

try {
  require.resolve('typescript/package.json');
} catch {
  console.error('prepare: installing the build tools (devDependencies) first');
  run(['install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--global=false', '--location=project']);
}
run(['run', 'build']);
