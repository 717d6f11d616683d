import { authError, HubctlError, networkError, notFoundError, redactSecrets, usageError } from '../errors.js';
import { runProgram, type ProgramResult } from '../process/run-program.js';

export type Env = Record<string, string | undefined>;

/** Variables of the caller's environment git may see: the rest of GIT_* could redirect it (GIT_DIR...). */
const KEPT_GIT_VARS = new Set(['GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT', 'GIT_ASKPASS', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']);

/**
 * git's environment: the caller's, without GIT_* variables that would point it elsewhere, never
 * prompting (a build must not hang on a terminal), in the C locale (its messages are classified
 * below), and allowed only the transports in `protocols` (`ext::` and other helpers that run
 * commands are never among them).
 */
export function gitEnv(env: Env, protocols: string[]): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('GIT_') || KEPT_GIT_VARS.has(k)) out[k] = v;
  return { ...out, GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: protocols.join(':'), LC_ALL: 'C', LANGUAGE: 'C' };
}

export interface GitRun {
  git: string;
  env: Env;
  signal?: AbortSignal;
}

/** Runs git; resolves with its result whatever the status (see gitFailure for errors). */
export async function runGit(run: GitRun, args: string[], cwd?: string): Promise<ProgramResult> {
  try {
    return await runProgram(run.git, { args, env: run.env, ...(cwd ? { cwd } : {}), ...(run.signal ? { signal: run.signal } : {}) });
  } catch (e) {
    if (e instanceof HubctlError) throw e;
    throw notFoundError('GIT_NOT_FOUND', `cannot run git: ${(e as Error).message}`, {
      hint: 'install git (apt-get install -y git) to build from a git repository',
      cause: e,
    });
  }
}

/** git's last `fatal:`/`error:` line (else its last line), credentials removed. */
export function gitMessage(r: ProgramResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  const line = (fatal.at(-1) ?? lines.at(-1) ?? `exit status ${r.code}`).replace(/^(fatal|error):\s*/, '');
  return redactSecrets(line);
}

/** A failed fetch as a HubctlError of the right kind, naming `what` (the repository, redacted). */
export function gitFailure(r: ProgramResult, what: string, ref: string | undefined): HubctlError {
  const msg = gitMessage(r);
  const all = r.stderr;
  if (/couldn't find remote ref|not our ref|unadvertised object/i.test(all)) {
    return notFoundError('GIT_REF_NOT_FOUND', `${ref ?? 'HEAD'} is not a branch, tag or commit of ${what}`, {
      hint: `list what there is with: git ls-remote ${what}`,
    });
  }
  if (/authentication failed|could not read (username|password)|permission denied|terminal prompts disabled|\b403\b/i.test(all)) {
    return authError('GIT_AUTH_FAILED', `git could not authenticate to ${what}: ${msg}`, {
      hint: 'set up git credentials for this host (a credential helper or an SSH key); hubctl never prompts',
    });
  }
  if (/transport '.*' not allowed/i.test(all)) return usageError('GIT_TRANSPORT_REFUSED', `${what}: ${msg}`);
  if (/does not appear to be a git repository|repository .* not found|not found|\b404\b|no such file/i.test(all)) {
    return notFoundError('GIT_REPO_NOT_FOUND', `no git repository at ${what}: ${msg}`, {
      hint: 'check the address; for a private repository, check your git credentials',
    });
  }
  return networkError('GIT_FETCH_FAILED', `git could not fetch ${what}: ${msg}`, {
    hint: 'check the address and your connection (git fetch shows more)',
  });
}
