import type { RetryPolicyOptions } from './types.js';

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Connection-level error codes worth another attempt (the request never got a response). */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not-retryable' | 'attempts-exhausted' | 'retry-after-too-long'; retryAfterMs?: number };

/**
 * When and how long to wait before another attempt. Pure apart from `random`, so it is tested
 * without a network or a clock.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}, random: () => number = Math.random) {
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.baseDelayMs = Math.max(0, options.baseDelayMs ?? 200);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 10_000);
    this.maxRetryAfterMs = Math.max(0, options.maxRetryAfterMs ?? 60_000);
    this.random = random;
  }

  isRetryableStatus(status: number): boolean {
    return RETRYABLE_STATUSES.has(status);
  }

  isRetryableError(e: unknown): boolean {
    const code = errorCode(e);
    return code !== undefined && RETRYABLE_CODES.has(code);
  }

  /** Full-jitter exponential backoff for attempt `attempt` (1 = the first retry). */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  /**
   * Decide after a failed attempt number `attempt` (1-based). `retryAfter` is the raw header value
   * of the response, if any; `nowMs` is used to read HTTP-date values.
   */
  decide(attempt: number, retryable: boolean, retryAfter: string | undefined, nowMs: number): RetryDecision {
    if (!retryable) return { retry: false, reason: 'not-retryable' };
    if (attempt >= this.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
    const after = parseRetryAfter(retryAfter, nowMs);
    if (after !== undefined) {
      if (after > this.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long', retryAfterMs: after };
      return { retry: true, delayMs: after };
    }
    return { retry: true, delayMs: this.backoff(attempt) };
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The Node/undici error code of an error or of its cause chain. */
export function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur !== null && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Default sleep honouring an abort signal. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
