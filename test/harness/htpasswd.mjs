// bcrypt htpasswd files, via `htpasswd -Bbn` (apache2-utils) or python3's crypt as a fallback.
import { writeFile } from 'node:fs/promises';
import { findTool } from './tools.mjs';
import { runTool } from './proc.mjs';

/**
 * One `user:$2y$...` line.
 * @param {string} user
 * @param {string} password
 */
export async function bcryptLine(user, password) {
  if (findTool('htpasswd')) {
    const { stdout } = await runTool('htpasswd', ['-Bbn', user, password], { timeoutMs: 30_000, redact: [password] });
    return stdout.trim();
  }
  if (findTool('python3')) {
    const py = 'import crypt,sys; print(sys.argv[1] + ":" + crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))';
    const { stdout } = await runTool('python3', ['-W', 'ignore', '-c', py, user], { timeoutMs: 30_000, input: password });
    return stdout.trim();
  }
  throw new Error('cannot make a bcrypt htpasswd entry: install apache2-utils (htpasswd)');
}

/**
 * Write an htpasswd file for `users`.
 * @param {string} file
 * @param {Record<string, string>} users
 */
export async function writeHtpasswd(file, users) {
  const lines = await Promise.all(Object.entries(users).map(([u, p]) => bcryptLine(u, p)));
  await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
}
