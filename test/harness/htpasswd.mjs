// bcrypt htpasswd files, via `htpasswd -Bbn` (apache2-utils) or the pure-node bcrypt in bcrypt.mjs.
import { writeFile } from 'node:fs/promises';
import { findTool } from './tools.mjs';
import { runTool } from './proc.mjs';
import { bcryptHash } from './bcrypt.mjs';

/** @typedef {{ impl?: 'auto' | 'htpasswd' | 'node' }} HtpasswdOptions  auto: htpasswd when installed, else node */

/**
 * One `user:$2y$...` line.
 * @param {string} user
 * @param {string} password
 * @param {HtpasswdOptions} [opts]
 */
export async function bcryptLine(user, password, opts = {}) {
  const impl = opts.impl ?? 'auto';
  if (impl === 'htpasswd' || (impl === 'auto' && findTool('htpasswd'))) {
    const { stdout } = await runTool('htpasswd', ['-Bbn', user, password], { timeoutMs: 30_000, redact: [password] });
    return stdout.trim();
  }
  return `${user}:${bcryptHash(password)}`;
}

/**
 * Write an htpasswd file for `users`.
 * @param {string} file
 * @param {Record<string, string>} users
 * @param {HtpasswdOptions} [opts]
 */
export async function writeHtpasswd(file, users, opts = {}) {
  const lines = await Promise.all(Object.entries(users).map(([u, p]) => bcryptLine(u, p, opts)));
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}
