#!/usr/bin/env node
// `prepare`: builds dist/ after `npm ci`/`npm install` in a checkout, and when hubctl is installed from git
// (`npm i -g git+https://...`), where npm installs the dev dependencies into its clone and runs this.
// A global install passes `global` on to that inner install (npm_config_global=true), so typescript
// goes to the global prefix and the build finds no tsc: then install the dev dependencies here first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** npm itself, as the npm that runs this script (npm_execpath), else the one on PATH. */
function npm(args, env = process.env) {
  const cli = process.env.npm_execpath;
  const r = cli
    ? spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env })
    : spawnSync('npm', args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync('node_modules/typescript/bin/tsc')) {
  const env = { ...process.env, npm_config_global: 'false' };
  delete env.npm_config_allow_scripts; // npm 11 refuses it in a project install
  npm(['install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'], env);
}
npm(['run', 'build']);
