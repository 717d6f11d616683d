// Run an external tool with a timeout and an error that says what failed and why.
import { spawn } from 'node:child_process';
import { requireTool } from './tools.mjs';

/**
 * @typedef {{ timeoutMs?: number, env?: NodeJS.ProcessEnv, input?: string | Buffer, cwd?: string, redact?: string[] }} RunOptions
 * @typedef {{ stdout: string, stderr: string, code: number }} RunResult
 */

const MAX_CAPTURE = 4 * 1024 * 1024;

/**
 * Replace secrets in a string.
 * @param {string} text
 * @param {string[]} secrets
 */
export function redactText(text, secrets = []) {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/**
 * Run `tool args...`; resolve with output on exit code 0, reject with a descriptive Error otherwise
 * (non-zero exit, timeout, spawn failure). The tool is looked up with requireTool.
 * @param {string} tool
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {Promise<RunResult>}
 */
export function runTool(tool, args, opts = {}) {
  const bin = tool.includes('/') ? tool : requireTool(tool);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const shown = redactText([tool, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '), opts.redact ?? []);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      if (stdout.length < MAX_CAPTURE) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < MAX_CAPTURE) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${shown}: could not start: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!timedOut && code === 0) return resolve({ stdout, stderr, code: 0 });
      const why = timedOut ? `timed out after ${timeoutMs} ms` : signal ? `killed by ${signal}` : `exited with code ${code}`;
      const tail = redactText((stderr.trim() || stdout.trim()).slice(-4000), opts.redact ?? []);
      const err = /** @type {Error & RunResult} */ (new Error(`${shown} ${why}${tail ? `\n${tail}` : ''}`));
      err.stdout = stdout;
      err.stderr = stderr;
      err.code = code ?? -1;
      reject(err);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
