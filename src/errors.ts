/**
 * Typed errors. Library code throws HubctlError; only the CLI renders them and picks an exit code
 * from `kind` (see src/cli/exit-codes.ts).
 */
export type ErrorKind = 'internal' | 'usage' | 'auth' | 'notfound' | 'network' | 'integrity' | 'store' | 'interrupted';

export interface HubctlErrorOptions {
  /** One actionable line telling the user what to do next. */
  hint?: string;
  cause?: unknown;
  /** Extra structured data (HTTP status, registry error codes...). Never secrets. */
  details?: Record<string, unknown>;
}

export class HubctlError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: HubctlErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubctlError';
    this.kind = kind;
    this.code = code;
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.details = options.details;
  }
}

export function isHubctlError(e: unknown): e is HubctlError {
  return e instanceof HubctlError;
}

export const usageError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('usage', code, message, opts);
export const authError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('auth', code, message, opts);
export const notFoundError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('notfound', code, message, opts);
export const networkError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('network', code, message, opts);
export const integrityError = (code: string, message: string, opts?: HubctlErrorOptions) =>
  new HubctlError('integrity', code, message, opts);
export const storeError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('store', code, message, opts);
export const internalError = (code: string, message: string, opts?: HubctlErrorOptions) => new HubctlError('internal', code, message, opts);

/**
 * A plain Error with a Node-style `code` (ECONNRESET, ERR_STREAM_PREMATURE_CLOSE...), for failures that
 * the retry and resume logic classify by code before they become HubctlErrors.
 */
export const codedError = (message: string, code: string): Error & { code: string } => Object.assign(new Error(message), { code });

/**
 * Removes credentials from text that may end up in a message: userinfo in URLs, Authorization
 * header values, token-ish query parameters and JSON fields.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, '$1***@')
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/g, '$1 ***')
    .replace(/([?&](?:password|token|access_token|refresh_token|secret|X-Amz-Signature|sig)=)[^&\s"]+/gi, '$1***')
    .replace(/("(?:password|secret|token|access_token|refresh_token|identitytoken|auth|Secret)"\s*:\s*")[^"]*"/gi, '$1***"');
}
