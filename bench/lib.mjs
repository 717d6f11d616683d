// Shared pieces of the benchmarks: timing a command with GNU time, medians, formatting.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TIME_BIN = '/usr/bin/time';

export function requireGnuTime() {
  if (!existsSync(TIME_BIN)) {
    throw new Error('bench needs GNU time for peak RSS: apt-get install -y time');
  }
}

/**
 * Runs `cmd args` under GNU time; resolves with wall seconds and peak RSS (KiB) of the process.
 * Fails when the command fails (its stderr tail in the message).
 */
export function timed(cmd, args, { env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME_BIN, ['-f', '\n@@TIME %e %M', cmd, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /@@TIME ([\d.]+) (\d+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.slice(-600)}`));
      resolve({ seconds: Number(m[1]), rssKiB: Number(m[2]) });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const fmtS = (s) => `${s.toFixed(2)} s`;
export const fmtMiB = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
