/**
 * `hubctl login [SERVER]` (declared in table.ts; logout is in logout.ts), docker's way (docker/cli
 * cli/command/registry/login.go and cli/command/registry.go PromptUserForCredentials):
 *
 * - `-p` prints docker's warning; `--password-stdin` needs `-u` and strips one trailing `\n`, then one `\r`;
 * - no username/password given: stored username+password are tried first ("Authenticating with
 *   existing credentials..."), then a TTY prompt (`Username (stored): `, hidden `Password: `); off a
 *   TTY that is an error, never a hang;
 * - success prints `Login Succeeded` on stdout; the plaintext warning goes to stderr once.
 *
 * Prompts and notes go to stderr (docker prints them on stdout; hubctl keeps stdout for results).
 */
import * as api from '../../api/login.js';
import { createClient } from '../../api/client.js';
import { HubctlError, usageError } from '../../errors.js';
import type { CredentialsOptions } from '../../credentials/options.js';
import type { StoreKind } from '../../credentials/preferences.js';
import { clientOptions, credentialsOptions } from '../client-options.js';
import type { CliRuntime } from '../runtime.js';
import { readStdin } from '../read-stdin.js';
import { withSpinner } from '../spinner.js';

export const PASSWORD_FLAG_WARNING = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.';
const REGISTER_SUGGEST =
  "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.";
const MAX_STDIN_BYTES = 1024 * 1024;

export interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  store?: string;
  helper?: string;
  insecure?: boolean;
  caFile?: string;
}

export async function loginCommand(rt: CliRuntime, serverArg: string | undefined, flags: LoginFlags): Promise<void> {
  const out = rt.out;

  let password = flags.password;
  if (password !== undefined && password !== '') {
    out.info(PASSWORD_FLAG_WARNING);
    if (flags.passwordStdin) throw usageError('CONFLICTING_FLAGS', '--password and --password-stdin are mutually exclusive');
  }
  const store = parseStoreKind(flags.store);
  const server = api.resolveServer(serverArg);
  const credentials = credentialsOptions(rt);
  const storeChoice = { credentials, ...(store ? { store } : {}), ...(flags.helper !== undefined ? { helper: flags.helper } : {}) };
  // a corrupt config.json, a missing keychain binding or --store helper without a helper fail here,
  // before any prompt or network traffic
  await api.checkLoginStore(server, storeChoice);

  let username = flags.username?.trim() ?? '';
  if (flags.passwordStdin) {
    if (username === '') throw usageError('USERNAME_REQUIRED', 'Must provide --username with --password-stdin');
    password = stripOneNewline(
      (
        await readStdin(MAX_STDIN_BYTES, () =>
          usageError('PASSWORD_TOO_LONG', `the password on stdin is longer than ${MAX_STDIN_BYTES} bytes`),
        )
      ).toString('utf8'),
    );
    if (password === '') {
      throw usageError('PASSWORD_REQUIRED', 'no password on stdin (--password-stdin)', {
        hint: 'pipe the password or token in, e.g. printf %s "$TOKEN" | hubctl login -u USER --password-stdin SERVER',
      });
    }
  }

  const client = createClient(await clientOptions(rt, flags));
  try {
    const run = (user: string, pass: string) =>
      withSpinner(out, `Verifying credentials with ${server.registry}`, () =>
        api.login(client, server, { ...storeChoice, username: user, password: pass }),
      );
    let result: Awaited<ReturnType<typeof run>> | undefined;

    // docker: with neither -u nor -p, the stored username and password are tried first
    if (username === '' && (password === undefined || password === '')) {
      const stored = await api.storedLogin(server, credentials).catch(() => undefined);
      if (stored !== undefined) {
        out.info(`Authenticating with existing credentials... [Username: ${stored.username}]`);
        out.info("To login with a different account, run 'hubctl logout' followed by 'hubctl login'");
        try {
          result = await run(stored.username, stored.password);
        } catch (e) {
          if (!(e instanceof HubctlError && e.kind === 'auth' && e.code === 'UNAUTHORIZED') || !interactive()) throw e;
          out.info('Stored credentials invalid or expired');
        }
      }
    }

    if (result === undefined) {
      const needUser = username === '';
      const needPassword = password === undefined || password.trim() === '';
      if ((needUser || needPassword) && !interactive()) {
        throw usageError('NON_TTY_LOGIN', 'Cannot perform an interactive login from a non TTY device', {
          hint: `give the username with -u and the password on stdin: printf %s "$TOKEN" | hubctl login -u USER --password-stdin${serverArg ? ` ${serverArg}` : ''}`,
        });
      }
      if (needUser || needPassword) {
        const { createPrompt } = await import('../prompt.js');
        const prompt = createPrompt({ input: process.stdin, output: process.stderr, signal: rt.signal });
        if (needUser) {
          if (server.registry === 'docker.io') out.info(REGISTER_SUGGEST);
          const fallback = await storedUsername(server.registry, credentials);
          const answer = (await prompt.ask(fallback ? `Username (${fallback}): ` : 'Username: ')).trim();
          username = answer === '' ? (fallback ?? '') : answer;
          if (username === '') throw usageError('USERNAME_REQUIRED', 'a username is required');
        }
        if (needPassword) {
          password = await prompt.askHidden('Password: ');
          if (password === '') throw usageError('PASSWORD_REQUIRED', 'a password is required');
        }
      }
      result = await run(username, password!);
    }

    if (result.saved.plaintextWarning && result.saved.path !== undefined) {
      const { plaintextWarningText } = await import('../../credentials/messages.js');
      out.info(plaintextWarningText(result.saved.path));
    }
    if (result.saved.shadowedBy !== undefined) {
      out.warn(
        `the credentials were stored in ${result.saved.where}, but ${result.saved.shadowedBy} in it is asked first for ${server.display}`,
      );
    }
    out.data(result.status);
  } finally {
    await client.close();
  }
}

function interactive(): boolean {
  return process.stdin.isTTY === true;
}

async function storedUsername(registry: string, credentials: CredentialsOptions): Promise<string | undefined> {
  const { storedUsername: find } = await import('../../credentials/login-store.js');
  return find(registry, { ...credentials, readAuthFile: false });
}

function parseStoreKind(value: string | undefined): StoreKind | undefined {
  if (value === undefined) return undefined;
  if (value === 'file' || value === 'helper' || value === 'keychain') return value;
  throw usageError('INVALID_FLAG', `--store must be file, helper or keychain, not "${value}"`);
}

/** docker's --password-stdin: drop one trailing "\n", then one trailing "\r". */
export function stripOneNewline(text: string): string {
  let s = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  return s;
}
