import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli.js';

/** A long-running hubctl (webhook serve, autobuild --watch) started in the background, with its output kept. */
export interface BackgroundCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stderr (bounded by `timeoutMs`). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or 'SIGNAL' when killed); SIGKILLs after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | string>;
  /** SIGKILL if still running (for afterAll). */
  kill(): void;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): BackgroundCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitForStderr(re, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = err.match(re);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${re} in stderr (exit ${child.exitCode}):\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async exited(timeoutMs = 30_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, at most `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
