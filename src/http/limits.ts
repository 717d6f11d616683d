import type { Readable } from 'node:stream';
import { HubctlError, networkError } from '../errors.js';

/**
 * Time limits on one exchange with a registry (README "Time limits"):
 *
 * - headers: from sending the request to its complete, final response head; interim 1xx answers do
 *   not extend it, and bytes trickling in do not either. A registry that accepts and never answers
 *   fails here (skopeo gives up after about 20 s; docker's clients after 30). For a request that
 *   streams a body (a blob upload, which may take minutes) it starts when the body has gone out.
 * - request: the whole of a small request (manifests, tokens, HEADs, search, JSON: anything not marked
 *   bulk and not streaming a body), retries and the body included. A manifest sent one byte every
 *   3 s fails here.
 * - the read timeout (bodyTimeoutMs, dispatcher.ts and raw-request.ts) stays the limit on a pause inside
 *   a large blob, which may legitimately take long in all.
 *
 * These failures are network errors (exit 5) saying which limit fired, and are not retried: a registry
 * that did not answer within the limit once is not asked again (neither by the store's resume loop).
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Interim (1xx) answers accepted before the real one: `100 Continue` and `103 Early Hints` come once or twice. */
export const MAX_INTERIM_RESPONSES = 10;

/** Codes of the errors below; retry and resume logic leaves them alone. */
export const LIMIT_CODES: ReadonlySet<string> = new Set(['HEADERS_TIMEOUT', 'REQUEST_DEADLINE', 'TOO_MANY_INTERIM_RESPONSES']);

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

const SLOW_HINT = 'the registry (or a proxy in between) is not answering; if it is only slow, raise HUBCTL_HEADERS_TIMEOUT';

export function headersTimeoutError(host: string, ms: number): HubctlError {
  return networkError('HEADERS_TIMEOUT', `${host} sent no complete response within ${formatMs(ms)} (headers timeout)`, {
    hint: SLOW_HINT,
    details: { host, limit: 'headers', ms },
  });
}

export function deadlineError(what: string, ms: number): HubctlError {
  return networkError('REQUEST_DEADLINE', `${what} did not complete within ${formatMs(ms)} (request deadline)`, {
    hint: 'the registry answers too slowly; if it is only slow, raise HUBCTL_REQUEST_TIMEOUT',
    details: { limit: 'request', ms },
  });
}

export function interimError(host: string, count: number): HubctlError {
  return networkError('TOO_MANY_INTERIM_RESPONSES', `${host} sent more than ${count} interim (1xx) responses instead of an answer`, {
    hint: 'the registry or a proxy in between is misbehaving',
    details: { host, limit: 'interim', count },
  });
}

export interface ExchangeLimits {
  host: string;
  /** `GET https://host/v2/...`, for the deadline message. */
  what: string;
  headersTimeoutMs: number;
  /** Date.now() by which the whole request must be done (small requests only). */
  deadlineAt?: number;
  requestTimeoutMs: number;
  /** The caller's own signal (an interrupt). */
  signal?: AbortSignal;
  /**
   * The request streams a body (an upload): the headers limit starts when `start`'s `bodySent` is
   * called, not at once (a raw upload keeps that limit itself, see raw-request.ts).
   */
  bodyFirst?: boolean;
}

/**
 * Runs one exchange under the limits: `start` gets a signal that aborts with the limit's error when
 * the head is late or the deadline passes (and may call `headReceived` before it resolves); after the head, a deadline still running destroys the body
 * with its error. The caller's own abort passes through unchanged.
 */
export async function limitedExchange<T extends { body: Readable }>(
  limits: ExchangeLimits,
  start: (signal: AbortSignal, bodySent: () => void, headReceived: () => void) => Promise<T>,
): Promise<T> {
  const ac = new AbortController();
  const onCallerAbort = () => ac.abort(limits.signal?.reason);
  if (limits.signal?.aborted) onCallerAbort();
  else limits.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const fail = (e: HubctlError) => ac.abort(e);
  // unref'd: the request's socket keeps the process alive while it waits; a timer alone must not
  let headTimer: NodeJS.Timeout | undefined;
  let headDone = false;
  const startHeadTimer = () => {
    if (headDone || headTimer !== undefined) return;
    headTimer = setTimeout(() => fail(headersTimeoutError(limits.host, limits.headersTimeoutMs)), limits.headersTimeoutMs).unref();
  };
  if (limits.bodyFirst !== true) startHeadTimer();
  let deadlineTimer: NodeJS.Timeout | undefined;
  const onDeadline = () => fail(deadlineError(limits.what, limits.requestTimeoutMs));
  if (limits.deadlineAt !== undefined) deadlineTimer = setTimeout(onDeadline, Math.max(0, limits.deadlineAt - Date.now())).unref();
  const done = () => {
    headDone = true;
    clearTimeout(headTimer);
    clearTimeout(deadlineTimer);
    limits.signal?.removeEventListener('abort', onCallerAbort);
  };
  let res: T;
  try {
    // a reader that resolves only with the whole body (raw-small-answer.ts) says when the head came:
    // the headers limit ends there, the deadline still runs over the body
    res = await start(ac.signal, startHeadTimer, () => {
      headDone = true;
      clearTimeout(headTimer);
    });
  } catch (e) {
    done();
    // the limit's own error, not whatever the aborted request turned it into
    if (ac.signal.aborted && ac.signal.reason instanceof HubctlError) throw ac.signal.reason;
    throw e;
  }
  headDone = true;
  clearTimeout(headTimer);
  // The caller's abort stays linked while the body is read (the request's own abort handling, e.g.
  // raw-request's, ends the body as before); a deadline still running ends the body with its error.
  const body = res.body;
  if (deadlineTimer !== undefined) {
    clearTimeout(deadlineTimer);
    deadlineTimer = setTimeout(
      () => {
        const err = deadlineError(limits.what, limits.requestTimeoutMs);
        ac.abort(err);
        body.destroy(err);
      },
      Math.max(0, (limits.deadlineAt ?? 0) - Date.now()),
    ).unref();
  }
  if (body.destroyed || body.readableEnded) done();
  else {
    body.once('close', done);
    body.once('end', done);
  }
  return res;
}
