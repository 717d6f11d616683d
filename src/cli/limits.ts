import { usageError } from '../errors.js';

/**
 * Time limits the CLI reads from the environment (README "Time limits"). Each takes a number of
 * seconds (`30`, `2.5`) or a number with a unit (`500ms`, `20s`, `2m`); a bad value is a usage error
 * naming the variable.
 */
export interface CliLimits {
  /** HUBCTL_HEADERS_TIMEOUT: from sending a request to its complete response head (default 30 s). */
  headersTimeoutMs?: number;
  /** HUBCTL_REQUEST_TIMEOUT: the whole of a small request, retries included (default 60 s). */
  requestTimeoutMs?: number;
  /** HUBCTL_READ_TIMEOUT: the longest pause inside a body, large blobs included (default 60 s). */
  bodyTimeoutMs?: number;
  /** HUBCTL_HELPER_TIMEOUT: one run of a docker-credential-* helper (default 30 s). */
  helperTimeoutMs?: number;
}

const VARIABLES: Record<keyof CliLimits, string> = {
  headersTimeoutMs: 'HUBCTL_HEADERS_TIMEOUT',
  requestTimeoutMs: 'HUBCTL_REQUEST_TIMEOUT',
  bodyTimeoutMs: 'HUBCTL_READ_TIMEOUT',
  helperTimeoutMs: 'HUBCTL_HELPER_TIMEOUT',
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000 };

/** `30`, `2.5s`, `500ms`, `2m` -> milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|)\s*$/.exec(text);
  if (m === null) return undefined;
  const ms = Math.round(Number(m[1]) * UNITS[m[2] ?? '']!);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** The limits set in `env` (unset variables are left to the library's defaults). */
export function readLimits(env: NodeJS.ProcessEnv): CliLimits {
  const out: CliLimits = {};
  for (const [key, name] of Object.entries(VARIABLES) as [keyof CliLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const ms = parseDuration(raw);
    if (ms === undefined) {
      throw usageError('INVALID_LIMIT', `${name}=${JSON.stringify(raw)} is not a duration`, {
        hint: `give seconds (${name}=30) or a number with ms, s or m (${name}=500ms)`,
      });
    }
    out[key] = ms;
  }
  return out;
}
