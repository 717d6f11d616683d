/**
 * One HubClient per `hubctl hub` command, built from the flags and the environment once:
 * - the API: `--hub-url`, else `$HUBCTL_HUB_URL`, else the `hub-url` setting (`hubctl config`), else
 *   https://hub.docker.com (resolveHubUrl; plain http for loopback only);
 * - the login: credential.ts (env vars, else the stored Docker Hub credential), read only when a request
 *   needs it, so public reads never run a credential helper;
 * - two-factor: `hub --otp CODE`; else a prompt when stdin is a terminal; else none, and the library's
 *   HUB_2FA_REQUIRED error says to use a personal access token;
 * - `--debug`: the library's redacted lines on stderr; waits of a second or more (Retry-After) are
 *   announced on stderr without it.
 * Auth errors get a hint that names where the refused credential came from.
 */
import { HubctlError, usageError } from '../../../errors.js';
import { defaultSleep } from '../../../http/retry.js';
import type { HubClient } from '../../../hub/client.js';
import type { HubClientOptions } from '../../../hub/options.js';
import { readLimits } from '../../limits.js';
import { resolveHubUrl, settingFromEnvOrFile } from '../../settings/index.js';
import type { CliRuntime } from '../../runtime.js';
import { ENV_PAIRS, resolveHubLogin, type HubLogin } from './credential.js';

/** The runtime of `hubctl hub` commands: the CLI's, plus the `hub` command's own flags. */
export interface HubRuntime extends CliRuntime {
  hubFlags: () => { otp?: string };
}

export interface HubContext {
  /** The login the client uses (resolved on first call; undefined = anonymous). */
  login(): Promise<HubLogin | undefined>;
}

export async function withHub<T>(
  rt: HubRuntime,
  work: (hub: HubClient, ctx: HubContext) => Promise<T>,
  extra: Partial<HubClientOptions> = {},
): Promise<T> {
  const { createHubClient } = await import('../../../hub/client.js');
  let login: Promise<HubLogin | undefined> | undefined;
  const ctx: HubContext = { login: () => (login ??= resolveHubLogin(rt)) };
  const g = rt.globals();
  const otp = rt.hubFlags().otp;
  const baseUrl = resolveHubUrl(rt, g.hubUrl);
  // HUBCTL_HEADERS_TIMEOUT, HUBCTL_REQUEST_TIMEOUT, HUBCTL_READ_TIMEOUT apply to the Hub API too
  const { helperTimeoutMs: _helper, ...timeouts } = readLimits(rt.env);
  let hub: HubClient;
  try {
    hub = createHubClient({
      baseUrl,
      credential: async () => {
        const l = await ctx.login();
        return l === undefined ? undefined : { identifier: l.identifier, secret: l.secret };
      },
      ...(otp !== undefined ? { otp: async () => otp } : process.stdin.isTTY === true ? { otp: () => promptOtp(rt) } : {}),
      env: rt.env,
      ...timeouts,
      signal: rt.signal,
      sleep: (ms, signal) => {
        // Hub's per-minute limit (429 + Retry-After) or a retry backoff: say so, so a pause never looks like a hang
        if (ms >= 1000) rt.out.info(`Waiting ${Math.ceil(ms / 1000)}s before asking Docker Hub again`);
        return defaultSleep(ms, signal);
      },
      ...(g.debug ? { debug: (line: string) => rt.out.info(`DEBUG ${line}`) } : {}),
      ...extra,
    });
  } catch (e) {
    if (!(e instanceof HubctlError && e.code === 'INSECURE_URL')) throw e;
    throw usageError(e.code, e.message, {
      hint: `use https:// (plain http is for loopback addresses only)${g.hubUrl === undefined ? `; the URL came from ${urlSource(rt)}` : ''}`,
    });
  }
  try {
    return await work(hub, ctx);
  } catch (e) {
    throw await explainAuth(e, ctx);
  } finally {
    await hub.close();
  }
}

/** Where a Hub URL not given with --hub-url came from, for a hint. */
function urlSource(rt: CliRuntime): string {
  return settingFromEnvOrFile(rt, 'hub-url')?.source === 'file' ? 'the hub-url setting (hubctl config)' : '$HUBCTL_HUB_URL';
}

async function promptOtp(rt: CliRuntime): Promise<string> {
  const { createPrompt } = await import('../../prompt.js');
  const prompt = createPrompt({ input: process.stdin, output: process.stderr, signal: rt.signal });
  return (await prompt.ask('Two-factor authentication code: ')).trim();
}

const ENV_HINT = ENV_PAIRS.map(([u, t]) => `${u} + ${t}`).join(' or ');

/** Refused or missing logins: a hint naming where the credential came from and how to give another. */
async function explainAuth(e: unknown, ctx: HubContext): Promise<unknown> {
  if (!(e instanceof HubctlError) || e.kind !== 'auth') return e;
  const login = await ctx.login().catch(() => undefined);
  let hint: string | undefined;
  if (e.code === 'HUB_LOGIN_REQUIRED' || (login === undefined && e.code === 'HUB_UNAUTHORIZED')) {
    hint = `log in with \`hubctl login\` (a personal access token works as the password), or set ${ENV_HINT}`;
  } else if (e.code === 'HUB_LOGIN_FAILED' && login !== undefined) {
    hint = `the credential came from ${login.source}: fix or replace it (\`hubctl login\`, or ${ENV_HINT})`;
  } else if (e.code === 'HUB_2FA_REQUIRED') {
    hint =
      'off a terminal, use a personal access token (Account settings > Personal access tokens) instead of the password, or pass --otp CODE';
  }
  if (hint === undefined) return e;
  return new HubctlError(e.kind, e.code, e.message, { hint, cause: e.cause, ...(e.details ? { details: e.details } : {}) });
}
