import { describe, expect, it } from 'vitest';
import { RetryPolicy, parseRetryAfter } from '../../../src/http/retry.js';
import { isLinkLocalOrMetadata, isLoopbackHost } from '../../../src/http/hosts.js';

describe('RetryPolicy', () => {
  it('uses full-jitter exponential backoff capped at maxDelayMs', () => {
    const p = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map((a) => p.backoff(a))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(new RetryPolicy({ baseDelayMs: 100 }, () => 0).backoff(3)).toBe(0);
  });

  it('stops after maxAttempts and for non-retryable failures', () => {
    const p = new RetryPolicy({ maxAttempts: 3 }, () => 0.5);
    expect(p.decide(1, true, undefined, 0)).toEqual({ retry: true, delayMs: 100 });
    expect(p.decide(3, true, undefined, 0)).toEqual({ retry: false, reason: 'attempts-exhausted' });
    expect(p.decide(1, false, undefined, 0)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('honours Retry-After up to the cap', () => {
    const p = new RetryPolicy({ maxRetryAfterMs: 5000 });
    expect(p.decide(1, true, '3', 0)).toEqual({ retry: true, delayMs: 3000 });
    expect(p.decide(1, true, '30', 0)).toEqual({ retry: false, reason: 'retry-after-too-long', retryAfterMs: 30000 });
  });

  it('knows the retryable statuses and error codes', () => {
    const p = new RetryPolicy();
    expect([408, 429, 500, 502, 503, 504].every((s) => p.isRetryableStatus(s))).toBe(true);
    expect([400, 401, 404, 501].some((s) => p.isRetryableStatus(s))).toBe(false);
    expect(p.isRetryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(p.isRetryableError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'UND_ERR_SOCKET' }) }))).toBe(true);
    expect(p.isRetryableError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:05 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('hosts', () => {
  it('recognises loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['128.0.0.1', 'example.com', '10.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
  it('recognises link-local and metadata hosts', () => {
    for (const h of ['169.254.169.254', '[fe80::1]', 'fe80::abcd', 'metadata.google.internal', 'fd00:ec2::254'])
      expect(isLinkLocalOrMetadata(h)).toBe(true);
    for (const h of ['10.0.0.1', 'example.com', '::1', 'fec0::1']) expect(isLinkLocalOrMetadata(h)).toBe(false);
  });
});
