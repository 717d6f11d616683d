// Shared pieces of the benchmarks: timing a command with GNU time, medians, formatting.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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
    const child = spawn(TIME_BIN, ['-f', '\n@@TIME %e %M %U %S', cmd, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /@@TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.slice(-600)}`));
      resolve({ seconds: Number(m[1]), rssKiB: Number(m[2]), cpuSeconds: Number(m[3]) + Number(m[4]) });
    });
  });
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a running process has used so far, from /proc (undefined if gone). */
export function processCpuSeconds(pid) {
  try {
    // fields after the parenthesised command name: utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const fmtS = (s) => `${s.toFixed(2)} s`;
export const fmtMiB = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
