/**
 * What one accepted push does, in order: `--pull` the pushed image into the store (image pushes),
 * `--run` the operator's command, `--autobuild` (git pushes). A step that fails ends the job.
 *
 * `--run COMMAND` is run by `/bin/sh -c COMMAND`: the command line is the operator's own, so pipes,
 * `&&` and redirections work as in a cron line or a git hook. Nothing from the event is ever put into
 * it: the event reaches the command only as HUBCTL_* environment variables and as JSON on stdin.
 */
import type { Writable } from 'node:stream';
import type { PushEvent } from './payloads.js';
import { spawnStep, type StepExit } from './spawn.js';

export interface JobActions {
  /** `--run`: a shell command line. */
  run?: string;
  /** The shell that runs it (default `/bin/sh`). */
  shell?: string;
  /** `--pull`: pulls an image into the store and says what digest it got. */
  pull?: (image: string, signal: AbortSignal) => Promise<{ digest: string }>;
  /** `--autobuild`: the whole command line of the autobuild run (program first). */
  autobuild?: readonly string[];
  /** Environment the programs start from (the HUBCTL_* variables are added). */
  env: NodeJS.ProcessEnv;
  /** Where the programs' stdout and stderr go. */
  output: Writable;
  /** Each program is stopped after this long. */
  timeoutMs: number;
}

export interface StepOutcome {
  step: 'pull' | 'run' | 'autobuild';
  ok: boolean;
  exitCode?: number | null;
  signal?: string | null;
  digest?: string;
  error?: string;
}

export interface JobOutcome {
  ok: boolean;
  steps: StepOutcome[];
  /** The digest the job knows of (from the event, else from the pull). */
  digest?: string;
}

/** The HUBCTL_* variables a job's programs see. */
export function eventEnvironment(event: PushEvent, digest?: string): Record<string, string> {
  const env: Record<string, string> = { HUBCTL_EVENT_SOURCE: event.source, HUBCTL_EVENT_ID: event.id };
  if (event.source === 'git') {
    env.HUBCTL_GIT_REF = event.ref;
    env.HUBCTL_GIT_COMMIT = event.commit;
    if (event.repository) env.HUBCTL_GIT_REPOSITORY = event.repository;
  } else {
    env.HUBCTL_IMAGE = event.image;
    const d = event.digest ?? digest;
    if (d) env.HUBCTL_DIGEST = d;
  }
  return env;
}

function exitOutcome(step: StepOutcome['step'], exit: StepExit): StepOutcome {
  const ok = exit.exitCode === 0 && !exit.spawnError;
  const out: StepOutcome = { step, ok, exitCode: exit.exitCode, signal: exit.signal };
  if (exit.spawnError) out.error = `could not start: ${exit.spawnError}`;
  else if (exit.timedOut) out.error = 'timed out';
  else if (exit.aborted) out.error = 'stopped';
  return out;
}

export async function runJob(event: PushEvent, actions: JobActions, signal: AbortSignal): Promise<JobOutcome> {
  const steps: StepOutcome[] = [];
  let digest = event.source === 'git' ? undefined : event.digest;
  const done = (): JobOutcome => ({ ok: steps.every((s) => s.ok), steps, ...(digest ? { digest } : {}) });

  if (actions.pull && event.source !== 'git') {
    try {
      const pulled = await actions.pull(event.image, signal);
      digest ??= pulled.digest;
      steps.push({ step: 'pull', ok: true, digest: pulled.digest });
    } catch (e) {
      steps.push({ step: 'pull', ok: false, error: (e as Error).message });
      return done();
    }
  }
  const common = { output: actions.output, timeoutMs: actions.timeoutMs, signal };
  if (actions.run !== undefined) {
    const env = { ...actions.env, ...eventEnvironment(event, digest) };
    const exit = await spawnStep([actions.shell ?? '/bin/sh', '-c', actions.run], {
      ...common,
      env,
      stdin: `${JSON.stringify(event.payload)}\n`,
    });
    steps.push(exitOutcome('run', exit));
    if (!steps.at(-1)!.ok) return done();
  }
  if (actions.autobuild && event.source === 'git') {
    const exit = await spawnStep(actions.autobuild, { ...common, env: { ...actions.env, ...eventEnvironment(event) } });
    steps.push(exitOutcome('autobuild', exit));
  }
  return done();
}

/** Jobs of one image (or one git repository) run one at a time. */
export function jobKey(event: PushEvent): string {
  if (event.source === 'git') return `git:${event.repository ?? ''}`;
  const at = event.image.lastIndexOf(':');
  return `image:${event.image.slice(0, at)}`;
}
