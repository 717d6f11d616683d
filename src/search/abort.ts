import { HubctlError } from '../errors.js';

export function abortedError(cause?: unknown): HubctlError {
  return new HubctlError('interrupted', 'ABORTED', 'search was aborted', cause === undefined ? {} : { cause });
}

/** Throws when the signal has fired (between pages). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal.reason);
}

/** Maps an abort that a transport did not type into an `interrupted` error; other errors pass through. */
export function interruptedOrRethrow(e: unknown, signal: AbortSignal | undefined): unknown {
  if (e instanceof HubctlError) return e;
  if (signal?.aborted) return abortedError(e);
  return e;
}
