import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built hubctl binary (npm test builds it first) with no TTY and a bounded time. */
export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Working directory (default: the test process's). */
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Run as this user and group (tests running as root use an unprivileged user to meet permissions). */
  uid?: number;
  gid?: number;
}

export function hubctl(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does it for you)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Node's own warnings are never part of hubctl's output (CI runs every e2e test on Node 20 and 24)
      const warning = /(Deprecation|Experimental)Warning/.exec(stderr);
      if (warning) reject(new Error(`hubctl ${args.join(' ')} printed a Node warning on ${process.version}:\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface TerminalOptions {
  env: NodeJS.ProcessEnv;
  /** Terminal width (default 80). */
  columns?: number;
  /** Typed (with Enter) when the output ends with this prompt text. */
  answer?: { after: string; text: string };
  timeoutMs?: number;
}

/**
 * Runs the built hubctl on a pseudo-terminal (util-linux `script`), without a CI variable, so it
 * behaves as for a person at a terminal; resolves with everything the terminal showed.
 */
export function hubctlOnTerminal(args: string[], options: TerminalOptions): Promise<{ code: number | null; screen: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const columns = options.columns ?? 80;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `stty cols ${columns} rows 50; exec ${quoted}`, '/dev/null'], {
      // NO_COLOR: the tests read words and widths; colour on a terminal is terminal.test.ts's
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      if (options.answer && screen.endsWith(options.answer.after)) child.stdin.write(`${options.answer.text}\n`);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
