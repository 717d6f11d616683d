/**
 * docker-credential-* helpers (docker/docker-credential-helpers protocol).
 *
 *   store: stdin {"ServerURL","Username","Secret"}     get: stdin = server URL -> {"Username","Secret"}
 *   erase: stdin = server URL                           list: -> {"<url>": "<username>", ...}
 *
 * Identity tokens are stored with Username `<token>`. Helpers report errors on stdout with exit 1;
 * "not found" is `credentials not found in native keychain`. Debian's docker-credential-pass 0.6.4
 * answers `get` for an unknown server with exit 0 and empty Username/Secret: that is "none" too.
 */
import type { ChildProcess } from 'node:child_process';
import { authError, codedError, HubctlError } from '../errors.js';
import { DEFAULT_HELPER_TIMEOUT_MS, defaultSpawn, type SpawnFn } from './options.js';
import type { CredentialBackend } from './backend.js';
import type { Credential } from './types.js';

export const TOKEN_USERNAME = '<token>';
/** "Nothing stored" as helpers say it: the protocol's message, and pass's for erase of a missing entry. */
const NOT_FOUND = ['credentials not found in native keychain', 'is not in the password store'];
const MAX_OUTPUT = 1024 * 1024;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export interface HelperOptions {
  /** Helper suffix: `pass` runs `docker-credential-pass`. */
  name: string;
  /** The config key that chose it, for messages: `credsStore` or `credHelpers["host"]`. */
  chosenBy?: string;
  /** The config file it came from, for messages. */
  configPath?: string;
  env?: Readonly<Record<string, string | undefined>>;
  spawn?: SpawnFn;
  timeoutMs?: number;
}

export interface HelperRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type HelperAction = 'store' | 'get' | 'erase' | 'list';

/** A docker-credential-<name> helper behind the common backend interface. */
export function createHelperBackend(options: HelperOptions): CredentialBackend & { readonly name: string } {
  const program = `docker-credential-${options.name}`;
  const origin = describeOrigin(options);

  const fail = (action: HelperAction, server: string | undefined, why: string, cause?: unknown, hint?: string) =>
    authError(
      'CREDENTIAL_HELPER_FAILED',
      `credential helper ${program}${origin} failed to ${action} credentials${server ? ` for ${server}` : ''}: ${why}`,
      {
        hint:
          hint ??
          `check that "${program}" works on its own (e.g. echo ${server ?? 'SERVER'} | ${program} get), or change ${options.chosenBy ?? 'the helper'} in ${options.configPath ?? 'your docker config'}`,
        cause,
        details: { helper: program, chosenBy: options.chosenBy, action },
      },
    );

  async function run(action: HelperAction, input: string, server: string | undefined, secret?: string): Promise<HelperRun> {
    if (!HELPER_NAME.test(options.name)) {
      throw fail(
        action,
        server,
        `"${options.name}" is not a valid helper name`,
        undefined,
        `set ${options.chosenBy ?? 'the helper'} to a name like "pass" or "secretservice"`,
      );
    }
    let result: HelperRun;
    try {
      result = await runHelper(program, action, input, options);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw fail(
          action,
          server,
          `${program} was not found on PATH`,
          e,
          `install ${program}, or remove ${options.chosenBy ?? 'the helper setting'} from ${options.configPath ?? 'your docker config'}`,
        );
      }
      if (code === 'ETIMEDOUT') throw fail(action, server, (e as Error).message, e);
      throw fail(action, server, (e as Error).message, e);
    }
    if (secret !== undefined && secret !== '') {
      result.stdout = result.stdout.split(secret).join('***');
      result.stderr = result.stderr.split(secret).join('***');
    }
    return result;
  }

  // only the first line of what the helper said (stdout, where the protocol puts errors, else stderr),
  // with anything that looks like a secret masked: helpers print debug output and environment dumps
  const output = (r: HelperRun) => {
    const first = firstLine(r.stdout) ?? firstLine(r.stderr);
    return first === undefined ? `exit status ${r.code ?? 'signal'}` : redactHelperOutput(first).slice(0, 300);
  };

  return {
    name: options.name,
    async get(serverUrl) {
      const r = await run('get', serverUrl, serverUrl);
      if (r.code !== 0) {
        if (isNotFound(r)) return undefined;
        throw fail('get', serverUrl, output(r));
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.stdout);
      } catch (e) {
        throw fail('get', serverUrl, 'it did not print valid JSON', e);
      }
      const obj = (parsed ?? {}) as Record<string, unknown>;
      const username = typeof obj.Username === 'string' ? obj.Username : '';
      const secretValue = typeof obj.Secret === 'string' ? obj.Secret : '';
      if (secretValue === '') return undefined; // docker-credential-pass: exit 0, empty fields = none
      if (username === TOKEN_USERNAME) return { identityToken: secretValue };
      return username === '' ? { password: secretValue } : { username, password: secretValue };
    },
    async store(serverUrl, cred) {
      const payload = toHelperPayload(serverUrl, cred);
      const r = await run('store', JSON.stringify(payload), serverUrl, payload.Secret);
      if (r.code !== 0) throw fail('store', serverUrl, output(r));
    },
    async erase(serverUrl) {
      const r = await run('erase', serverUrl, serverUrl);
      if (r.code === 0) return true;
      if (isNotFound(r)) return false;
      throw fail('erase', serverUrl, output(r));
    },
    async list() {
      const r = await run('list', '', undefined);
      if (r.code !== 0) throw fail('list', undefined, output(r));
      try {
        const parsed = JSON.parse(r.stdout.trim() === '' ? '{}' : r.stdout) as unknown;
        const out: Record<string, string> = {};
        if (parsed && typeof parsed === 'object') {
          for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = typeof v === 'string' ? v : '';
        }
        return out;
      } catch (e) {
        throw fail('list', undefined, 'it did not print valid JSON', e);
      }
    },
  };
}

function describeOrigin(o: HelperOptions): string {
  if (o.chosenBy === undefined) return '';
  return o.configPath === undefined ? ` (chosen by ${o.chosenBy})` : ` (chosen by ${o.chosenBy} in ${o.configPath})`;
}

/** Words that make a `KEY=value` or `key: value` a secret in a helper's output (AUTH, DOCKER_PASSWORD, api_key...). */
const SECRET_KEY =
  /\b([A-Za-z0-9_.-]*(?:auth|pass(?:word|phrase|wd)?|pwd|secret|token|key|cred(?:ential)?s?|session|cookie)[A-Za-z0-9_.-]*\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Masks what may be a secret in a line a helper printed (HubctlError redacts URLs and headers too):
 * the values of secret-named keys, `Basic`/`Bearer` values, and any run of 20 or more base64 or hex
 * characters mixing letters and digits (an encoded `user:password` needs no key to be one).
 */
export function redactHelperOutput(text: string): string {
  return text
    .replace(SECRET_KEY, '$1***')
    .replace(/\b(Basic|Bearer)\s+\S+/gi, '$1 ***')
    .replace(/[A-Za-z0-9+/_-]{20,}={0,2}/g, (m) => (/[0-9]/.test(m) && /[A-Za-z]/.test(m) ? '***' : m));
}

function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
}

function isNotFound(r: HelperRun): boolean {
  const text = `${r.stdout}\n${r.stderr}`.toLowerCase();
  return NOT_FOUND.some((m) => text.includes(m));
}

/** The JSON `store` reads: identity tokens go under Username `<token>`. */
export function toHelperPayload(serverUrl: string, cred: Credential): { ServerURL: string; Username: string; Secret: string } {
  if (cred.identityToken !== undefined) return { ServerURL: serverUrl, Username: TOKEN_USERNAME, Secret: cred.identityToken };
  if (cred.password === undefined || cred.password === '') {
    throw new HubctlError('usage', 'CREDENTIAL_INCOMPLETE', `no password or identity token to store for ${serverUrl}`);
  }
  return { ServerURL: serverUrl, Username: cred.username ?? '', Secret: cred.password };
}

/**
 * After the helper exits, how long its output pipes may stay open: a helper that left a child
 * holding them (`(sleep 70) &`) must not keep hubctl waiting for that child.
 */
const PIPE_GRACE_MS = 250;

/**
 * Runs one helper action: input on stdin, output capped. The helper runs in a process group of its
 * own (detached), so on timeout the whole group (its children too) is killed and the pipes closed;
 * the timeout error then comes at once, whatever the helper's children do.
 */
export function runHelper(
  program: string,
  action: HelperAction,
  input: string,
  o: Pick<HelperOptions, 'env' | 'spawn' | 'timeoutMs'>,
): Promise<HelperRun> {
  const spawn = o.spawn ?? defaultSpawn;
  const timeoutMs = o.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  return new Promise<HelperRun>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, [action], {
        env: { ...(o.env ?? {}) } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        detached: process.platform !== 'win32',
      });
    } catch (e) {
      reject(e);
      return;
    }
    let stdout = '';
    let stderr = '';
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const closePipes = () => {
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const finish = (err: Error | undefined, code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      closePipes();
      if (err) reject(err);
      else resolve({ code, stdout, stderr });
    };
    const timer = setTimeout(() => {
      killGroup(child);
      const err = codedError(
        `${program} ${action} did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`,
        'ETIMEDOUT',
      );
      finish(err, null);
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on('error', (e) => finish(e, null));
    // 'close' waits for the pipes; a child the helper left may hold them open for long after 'exit'
    child.on('close', (code) => finish(undefined, code));
    child.on('exit', (code) => {
      graceTimer = setTimeout(() => finish(undefined, code), PIPE_GRACE_MS);
    });
    child.stdin?.on('error', () => undefined); // EPIPE when the helper exits without reading
    child.stdin?.end(input);
  });
}

/** SIGKILL to the helper's process group (it leads one: spawned detached), else to the helper alone. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
