import { HubctlError, type ErrorKind } from '../errors.js';
import { redactHubText } from './redact.js';

/**
 * The text of a Hub error body. Hub answers errors in several shapes (PROTOCOL.md, hub-openapi.yaml
 * `error`, `Error`, `ValueError`, `PostUsersLoginErrorResponse`):
 * `{detail}`, `{message}`, `{errinfo: {...}, detail?, message?}`, `{fields: {name: [msg]}, text}`.
 * Unknown shapes and non-JSON bodies give undefined (the status line is used instead).
 */
export function hubErrorText(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['detail', 'message', 'text', 'error']) {
    const v = o[key];
    if (typeof v === 'string' && v.trim() !== '' && !parts.includes(v.trim())) parts.push(v.trim());
  }
  for (const key of ['fields', 'errinfo']) {
    const detail = describeObject(o[key]);
    if (detail !== undefined) parts.push(detail);
  }
  if (parts.length === 0 && Array.isArray(o.errors)) {
    // the registry's envelope, should a Hub-compatible service answer with it
    for (const e of o.errors) {
      const m = (e as { message?: unknown } | null)?.message;
      if (typeof m === 'string') parts.push(m);
    }
  }
  return parts.length > 0 ? clip(parts.join(': '), 500) : undefined;
}

/** `{name: ["too long"], ordering: "bad"}` -> `name: too long; ordering: bad`. */
function describeObject(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const pairs: string[] = [];
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const text = Array.isArray(val)
      ? val.filter((x) => typeof x === 'string' || typeof x === 'number').join(', ')
      : typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean'
        ? String(val)
        : '';
    if (text !== '') pairs.push(`${k}: ${text}`);
  }
  return pairs.length > 0 ? pairs.join('; ') : undefined;
}

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export interface HubErrorContext {
  /** What was being done, for the message: `create repository alice/app`. */
  what: string;
  /** Masks secrets in text taken from the answer. */
  redact: (text: string) => string;
  /** Whether a credential was sent (a 401/403 then means it is not good enough). */
  authenticated: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  415: 'unsupported media type',
  422: 'invalid request',
  429: 'too many requests',
  500: 'server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/** Turns a Hub error answer into a HubctlError with a kind (exit code) and an actionable hint. */
export function hubStatusError(status: number, body: string | undefined, ctx: HubErrorContext): HubctlError {
  const said = hubErrorText(body);
  const reason = redactHubText(ctx.redact(said ?? STATUS_TEXT[status] ?? 'unexpected answer'));
  const message = `${ctx.what}: Docker Hub answered ${status}: ${reason}`;
  const details: Record<string, unknown> = { status };
  let kind: ErrorKind;
  let code: string;
  let hint: string | undefined;
  if (status === 401) {
    kind = 'auth';
    code = 'HUB_UNAUTHORIZED';
    hint = ctx.authenticated
      ? 'the Docker Hub credential was refused: log in again with `hubctl login` (a personal access token works as the password)'
      : 'this needs a Docker Hub login: run `hubctl login` (or give the credential in the environment)';
  } else if (status === 403) {
    kind = 'auth';
    code = 'HUB_FORBIDDEN';
    hint = ctx.authenticated
      ? 'your account or token lacks the permission for this; a personal access token needs a wide enough scope (repo:admin for settings and deletes)'
      : 'this needs a Docker Hub login: run `hubctl login`';
  } else if (status === 404) {
    kind = 'notfound';
    code = 'HUB_NOT_FOUND';
    hint = 'check the name; a private repository or an organization you cannot see also answers not found';
  } else if (status === 409) {
    kind = 'usage';
    code = 'HUB_CONFLICT';
    hint = 'it already exists or conflicts with the current state; list it to see';
  } else if (status === 429) {
    kind = 'network';
    code = 'HUB_RATE_LIMITED';
    hint = "Docker Hub's API limits requests per minute: wait a minute and try again";
  } else if (status >= 500) {
    kind = 'network';
    code = 'HUB_SERVER_ERROR';
    hint = 'Docker Hub had a problem; try again later';
  } else if (status === 405 || status === 415) {
    kind = 'internal';
    code = 'HUB_UNSUPPORTED_REQUEST';
    hint = 'Docker Hub does not accept this request any more; please report it';
  } else {
    kind = 'usage';
    code = status === 400 || status === 422 ? 'HUB_INVALID_REQUEST' : `HUB_HTTP_${status}`;
    hint = 'check the values given; the message above says what Docker Hub refused';
  }
  return new HubctlError(kind, code, message, { hint, details });
}
