import { describe, expect, it } from 'vitest';
import { usage } from '../../usage-error.js';
import { listLimit, oneOf, parseDuration, parseExpiry, parseRegex, parseTime } from '../../../../src/cli/commands/hub/args.js';

const NOW = Date.parse('2025-06-01T00:00:00Z');

describe('hub argument parsing', () => {
  it('--limit and --all', () => {
    expect(listLimit({})).toEqual({ limit: 100 });
    expect(listLimit({ limit: '7' })).toEqual({ limit: 7 });
    expect(listLimit({ all: true })).toEqual({});
    expect(usage(() => listLimit({ all: true, limit: '3' })).message).toContain('--all and --limit');
    for (const bad of ['0', '-1', '1.5', 'ten', '']) usage(() => listLimit({ limit: bad }));
  });

  it('durations, times and expiry dates', () => {
    expect(parseDuration('30d', '--older-than')).toBe(30 * 86_400_000);
    expect(parseDuration('1h30m', '--older-than')).toBe(90 * 60_000);
    expect(parseDuration('2w', '--older-than')).toBe(14 * 86_400_000);
    for (const bad of ['30', 'd', '30 days', '0d', '1y', '']) usage(() => parseDuration(bad, '--older-than'));
    expect(parseTime('2025-01-31', '--since', NOW).toISOString()).toBe('2025-01-31T00:00:00.000Z');
    expect(parseTime('2025-01-31T12:30:00Z', '--since', NOW).toISOString()).toBe('2025-01-31T12:30:00.000Z');
    expect(parseTime('2025-01-31T12:30:00+02:00', '--since', NOW).toISOString()).toBe('2025-01-31T10:30:00.000Z');
    expect(parseTime('2025-01-31 12:30', '--since', NOW).toISOString()).toBe('2025-01-31T12:30:00.000Z');
    expect(parseTime('7d', '--since', NOW).toISOString()).toBe('2025-05-25T00:00:00.000Z');
    for (const bad of ['yesterday', '2025-13-01', '31/01/2025']) usage(() => parseTime(bad, '--since', NOW));
    expect(parseExpiry('90d', NOW).toISOString()).toBe('2025-08-30T00:00:00.000Z');
    expect(parseExpiry('2026-01-01', NOW).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(usage(() => parseExpiry('2020-01-01', NOW)).message).toContain('future');
  });

  it('regexes and word lists', () => {
    expect(parseRegex('^v1\\.', '--match').test('v1.2')).toBe(true);
    expect(usage(() => parseRegex('(', '--match')).message).toContain('--match is not a valid regular expression');
    expect(oneOf('Write', ['read', 'write', 'admin'] as const, 'permission')).toBe('write');
    expect(usage(() => oneOf('owner', ['read', 'write', 'admin'] as const, 'permission')).message).toBe(
      'permission must be one of read, write, admin, not "owner"',
    );
  });
});
