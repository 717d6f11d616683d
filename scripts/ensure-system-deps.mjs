#!/usr/bin/env node
// Makes sure the programs a job needs (scripts/system-deps.mjs) are on this machine before it runs.
//   node scripts/ensure-system-deps.mjs --for test [--for bench] [--check]
// Missing programs are installed with apt-get when running as root on Debian/Ubuntu (as CI and a fresh
// machine do); otherwise the one `apt-get install` line is printed and the exit code is 1. `--check`
// (or HUBCTL_NO_INSTALL=1) never installs. Nothing is ever skipped: a job that lacks a tool fails here.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { packagesOf, SYSTEM_DEPS } from './system-deps.mjs';

const { values } = parseArgs({ options: { for: { type: 'string', multiple: true }, check: { type: 'boolean' } } });
const jobs = values.for?.length ? values.for : ['test'];
const checkOnly = values.check || process.env.HUBCTL_NO_INSTALL === '1';
const log = (s) => process.stderr.write(`[system-deps] ${s}\n`);

function onPath(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const extra of ['/usr/local/bin', '/usr/bin', '/usr/sbin', '/sbin', '/bin']) if (!dirs.includes(extra)) dirs.push(extra);
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

const present = (d) => (d.probe === 'dpkg' ? dpkgInstalled(d.package) : onPath(d.name));
const wanted = SYSTEM_DEPS.filter((d) => !d.base && d.for.some((j) => jobs.includes(j)));
const missing = wanted.filter((d) => !present(d));
if (missing.length === 0) process.exit(0);

const packages = packagesOf(missing);
const line = `apt-get update && apt-get install -y ${packages.join(' ')}`;
log(`${jobs.join(' and ')} need${jobs.length > 1 ? '' : 's'} programs this machine lacks:`);
for (const d of missing) log(`  ${d.name} (Debian package ${d.package}): ${d.purpose}`);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (checkOnly || !isRoot || !onPath('apt-get')) {
  const why = checkOnly ? 'not installing (--check or HUBCTL_NO_INSTALL=1)' : !isRoot ? 'not root' : 'no apt-get here';
  log(`${why}: install them, as root, with:`);
  log(`  ${line}`);
  process.exit(1);
}

log(`installing as root: ${packages.join(' ')}`);
// Keep package scripts from starting services (the docker-registry package would take port 5000).
const policy = '/usr/sbin/policy-rc.d';
const madePolicy = !existsSync(policy);
if (madePolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', '-q', ...args], { env, stdio: ['ignore', 2, 2] });
try {
  apt(['update']);
  apt(['install', '-y', ...packages]);
} catch (e) {
  log(`apt-get failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); install by hand with: ${line}`);
  process.exit(1);
} finally {
  if (madePolicy) rmSync(policy, { force: true });
}
if (existsSync('/run/systemd/system') && onPath('systemctl')) {
  spawnSync('systemctl', ['disable', '--now', 'docker-registry'], { stdio: 'ignore' });
}
const still = wanted.filter((d) => !present(d));
if (still.length > 0) {
  log(`still missing after apt-get: ${still.map((d) => d.name).join(', ')}`);
  process.exit(1);
}
log('all installed');
