import { HubctlError, redactSecrets } from '../errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { fsError } from '../fs/fs-errors.js';

/**
 * Renders any failure as one `Error: ...` line (plus a `hint:` line when there is one) and picks the
 * exit code. Unexpected exceptions are internal errors; their stack only shows with --debug.
 */
export function renderError(err: unknown, debug: boolean): { lines: string[]; exitCode: number } {
  // a filesystem error (full disk, read-only, permissions, a symlink loop...) is the local system's,
  // not an internal one: exit 7 with its path and cause (src/fs/fs-errors.ts)
  if (!(err instanceof HubctlError)) err = fsError(err);
  if (err instanceof HubctlError) {
    const lines = [`Error: ${err.message}`];
    if (err.hint) lines.push(`hint: ${err.hint}`);
    if (debug && err.cause) lines.push(`cause: ${redactSecrets(describeCause(err.cause))}`);
    return { lines, exitCode: EXIT_CODES[err.kind] };
  }
  const message = err instanceof Error ? err.message : String(err);
  const lines = [`Error: internal error: ${redactSecrets(message)}`];
  if (debug && err instanceof Error && err.stack) lines.push(redactSecrets(err.stack));
  else lines.push('hint: run again with --debug for details, and report it if it persists');
  return { lines, exitCode: EXIT_CODES.internal };
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.name}${code ? ` (${String(code)})` : ''}: ${cause.message}`;
  }
  return String(cause);
}
