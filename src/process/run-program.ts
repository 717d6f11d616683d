import { spawn } from 'node:child_process';
import { HubctlError } from '../errors.js';

const interrupted = () => new HubctlError('interrupted', 'INTERRUPTED', 'interrupted');

export interface RunProgramOptions {
  args: readonly string[];
  /** The child's whole environment (nothing is inherited implicitly). */
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Aborting stops the child: SIGTERM to its process group, SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** Each line the child prints, as it comes (stdout and stderr in arrival order per stream). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Bytes of stdout and stderr kept for the result (default 64 KiB each, the tail). */
  keepBytes?: number;
  /** Time a signalled child gets to clean up before SIGKILL (default 10 s). */
  killGraceMs?: number;
  /** Stops the child like an abort after this long and rejects with a `timeout` network error. */
  timeoutMs?: number;
}

export interface ProgramResult {
  /** Exit status; null when the child died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last `keepBytes` of each stream. */
  stdout: string;
  stderr: string;
}

const DEFAULT_KEEP = 64 * 1024;

/**
 * Runs a program in a process group of its own and resolves when it exits (whatever the status).
 * The group is what gets signalled, so the child's own children (a RUN step under buildah, git's
 * remote helpers) stop with it; after the child exits, stragglers left in the group are killed.
 * A failure to start (ENOENT...) rejects. An abort (or the timeout) rejects once the child is gone.
 */
export function runProgram(program: string, o: RunProgramOptions): Promise<ProgramResult> {
  if (o.signal?.aborted) return Promise.reject(interrupted());
  const keep = o.keepBytes ?? DEFAULT_KEEP;
  return new Promise<ProgramResult>((resolve, reject) => {
    const child = spawn(program, [...o.args], {
      env: Object.fromEntries(Object.entries(o.env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      ...(o.cwd ? { cwd: o.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      out[stream] = (out[stream] + chunk).slice(-keep);
      if (!o.onLine) return;
      const lines = (partial[stream] + chunk).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const l of lines) o.onLine(l.replace(/\r$/, ''), stream);
    };
    child.stdout.setEncoding('utf8').on('data', take('stdout'));
    child.stderr.setEncoding('utf8').on('data', take('stderr'));
    let aborted: HubctlError | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const group = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = (why: HubctlError) => {
      aborted ??= why;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), o.killGraceMs ?? 10_000);
      killTimer.unref();
    };
    const onAbort = () => stop(interrupted());
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(new HubctlError('network', 'PROGRAM_TIMEOUT', `${program} did not finish within ${Math.round(o.timeoutMs! / 1000)} s`)),
            o.timeoutMs,
          );
    child.on('error', (e) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      reject(e);
    });
    // Whatever the child left running in its group would hold the pipes open: 'close' waits for them.
    child.on('exit', () => group('SIGKILL'));
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (timeout) clearTimeout(timeout);
      for (const s of ['stdout', 'stderr'] as const) if (partial[s] !== '' && o.onLine) o.onLine(partial[s], s);
      if (aborted) reject(aborted);
      else resolve({ code, signal, ...out });
    });
  });
}
