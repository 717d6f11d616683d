import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import {
  alignColumns,
  displayWidth,
  ellipsis,
  parseCatalogBody,
  parseNextLink,
  parseSearchFilters,
  parseSearchTerm,
  parseV1SearchResponse,
} from '../../../src/search/index.js';

const onlyHubctl = (fn: () => unknown, kinds?: string[]) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof HubctlError)) throw e;
    if (kinds !== undefined && !kinds.includes(e.kind)) throw e;
  }
};

const hitish = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    description: fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
    star_count: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    pull_count: fc.oneof(fc.nat(), fc.constant(undefined)),
    is_official: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
    is_automated: fc.oneof(fc.boolean(), fc.constant(1)),
  },
  { requiredKeys: [] },
);

describe('parsers on random input', () => {
  it('parseV1SearchResponse: a validated page or INVALID_SEARCH_RESPONSE', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            { results: fc.oneof(fc.array(hitish), fc.jsonValue()), num_pages: fc.oneof(fc.integer(), fc.string()), page: fc.integer() },
            { requiredKeys: [] },
          ),
        ),
        (body) => {
          try {
            const p = parseV1SearchResponse(body, 'r');
            for (const r of p.results) {
              expect(typeof r.name).toBe('string');
              expect(Number.isInteger(r.starCount) && r.starCount >= 0).toBe(true);
              expect(r.isAutomated).toBe(false);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(HubctlError);
            expect((e as HubctlError).code).toBe('INVALID_SEARCH_RESPONSE');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parseCatalogBody, parseNextLink, parseSearchTerm, parseSearchFilters never throw anything but HubctlError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }), (s, list) => {
        onlyHubctl(() => parseCatalogBody(s, 'r'));
        onlyHubctl(() => parseCatalogBody(JSON.stringify({ repositories: list }), 'r'));
        expect(['string', 'undefined']).toContain(typeof parseNextLink(s));
        onlyHubctl(() => parseSearchTerm(s), ['usage']);
        onlyHubctl(() => parseSearchFilters(list), ['usage']);
      }),
      { numRuns: 2000 },
    );
  });

  it('ellipsis never exceeds the width; alignColumns keeps the line count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.integer({ min: 0, max: 60 }), (s, w) => {
        expect(displayWidth(ellipsis(s, w))).toBeLessThanOrEqual(Math.max(w, 0) + (w === 1 ? 1 : 0));
        expect(alignColumns(s).split('\n')).toHaveLength(s.split('\n').length);
      }),
      { numRuns: 2000 },
    );
  });
});
