/**
 * Runs one program for a job: its own process group (so a timeout or a forced stop ends everything it
 * started), data only in the environment and on stdin, stdout and stderr copied to `output`.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface SpawnStepOptions {
  env: NodeJS.ProcessEnv;
  stdin?: string;
  output: Writable;
  timeoutMs: number;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL when the step is stopped (default 5 s). */
  killGraceMs?: number;
}

export interface StepExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all. */
  spawnError?: string;
}

export function spawnStep(argv: readonly string[], options: SpawnStepOptions): Promise<StepExit> {
  return new Promise((resolve) => {
    const [file, ...args] = argv as [string, ...string[]];
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 5_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => options.output.write(d));
    child.stderr.on('data', (d: Buffer) => options.output.write(d));
    // A program that does not read its stdin closes the pipe: that is fine.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    let spawnError: string | undefined;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({ exitCode: code, signal: sig, timedOut, aborted, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
