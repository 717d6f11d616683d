import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { formatSearchResults, type SearchResult } from '../../../src/search/index.js';

const pieces = [
  '{{',
  '}}',
  '{{-',
  '-}}',
  ' ',
  '.',
  '.Name',
  '.Description',
  '.StarCount',
  '.IsOfficial',
  '.IsAutomated',
  '.Nope',
  'json',
  'upper',
  'lower',
  'title',
  'truncate',
  'pad',
  'split',
  'join',
  'if',
  'end',
  'range',
  '$x',
  '|',
  '(',
  ')',
  '"s"',
  '"\\"',
  '`raw`',
  '3',
  '-1',
  '99999999999999999999',
  'true',
  'nil',
  'table',
  '\\t',
  '\\n',
  '\t',
  '\n',
  '/*',
  '*/',
  'x',
  '}',
  '{',
  ',',
  ':=',
  '日本',
  '😀',
  '\u0000',
];

const template = fc.oneof(
  fc.array(fc.constantFrom(...pieces), { maxLength: 25 }).map((a) => a.join('')),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `{{${s}}}`),
);

const result = fc.record({
  name: fc.string({ maxLength: 30 }),
  description: fc.string({ unit: 'grapheme', maxLength: 120 }),
  starCount: fc.nat(),
  pullCount: fc.nat(),
  isOfficial: fc.boolean(),
  isAutomated: fc.boolean(),
}) satisfies fc.Arbitrary<SearchResult>;

describe('--format on random templates', () => {
  it('renders lines or throws a usage HubctlError, never anything else', () => {
    fc.assert(
      fc.property(template, fc.array(result, { maxLength: 4 }), fc.boolean(), (format, results, noTrunc) => {
        try {
          const lines = formatSearchResults(results, { format, noTrunc });
          expect(Array.isArray(lines)).toBe(true);
          for (const l of lines) expect(typeof l).toBe('string');
        } catch (e) {
          if (!(e instanceof HubctlError) || e.kind !== 'usage') throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('table output keeps one line per result plus the header, and never truncates wider than 45 columns', () => {
    fc.assert(
      fc.property(fc.array(result, { minLength: 0, maxLength: 6 }), (results) => {
        const lines = formatSearchResults(results, { format: 'table {{.Description}}' });
        expect(lines).toHaveLength(results.length + 1);
        expect(lines[0]).toBe('DESCRIPTION');
      }),
    );
  });

  it('json lines parse back to the rows', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 4 }), (results) => {
        const lines = formatSearchResults(results, { format: 'json', noTrunc: true });
        expect(lines).toHaveLength(results.length);
        lines.forEach((l, i) => {
          const o = JSON.parse(l) as Record<string, string>;
          expect(o.StarCount).toBe(String(results[i]!.starCount));
          expect(o.IsOfficial).toBe(String(results[i]!.isOfficial));
        });
      }),
    );
  });
});
