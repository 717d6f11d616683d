import { describe, expect, it } from 'vitest';
import { usage } from '../usage-error.js';
import {
  IS_AUTOMATED_WARNING,
  matchesFilters,
  parseSearchFilters,
  parseSearchLimit,
  validateSearchOptions,
  MAX_SEARCH_LIMIT,
  type SearchResult,
} from '../../../src/search/index.js';

describe('parseSearchFilters', () => {
  it.each([
    [[], {}],
    [['stars=3'], { minStars: 3 }],
    [['stars=0'], { minStars: 0 }],
    [['stars=3', 'stars=10', 'stars=5'], { minStars: 10 }],
    [[' STARS = 7 '], { minStars: 7 }],
    [['is-official=true'], { isOfficial: true }],
    [['is-official=false'], { isOfficial: false }],
    [['is-official=TRUE'], { isOfficial: true }],
    [['is-official=1'], { isOfficial: true }],
    [['is-official=0'], { isOfficial: false }],
    [['is-official=true', 'is-official=true'], { isOfficial: true }],
    [['is-automated=false'], { isAutomated: false }],
    [['is-official=true', 'stars=3'], { isOfficial: true, minStars: 3 }],
  ])('%j -> %j', (raw, expected) => {
    expect(parseSearchFilters(raw as string[]).filters).toEqual(expected);
  });

  it.each([
    ['stars', /expected name=value/],
    ['stars=', /whole number/],
    ['stars=-1', /whole number/],
    ['stars=abc', /whole number/],
    ['stars=1.5', /whole number/],
    ['stars=9999999999', /whole number/],
    ['is-official=yes', /true or false/],
    ['is-official=', /true or false/],
    ['is-automated=maybe', /true or false/],
    ['name=foo', /invalid filter 'name'.*stars, is-official, is-automated/],
    ['=3', /invalid filter/],
  ])('%s is a usage error', (raw, msg) => {
    const e = usage(() => parseSearchFilters([raw]));
    expect(e.code).toBe('INVALID_FILTER');
    expect(e.message).toMatch(msg);
  });

  it('rejects contradicting boolean filters', () => {
    expect(usage(() => parseSearchFilters(['is-official=true', 'is-official=false'])).message).toMatch(/both true and false/);
  });

  it('warns once about is-automated', () => {
    const r = parseSearchFilters(['is-automated=true', 'is-automated=1']);
    expect(r.warnings).toEqual([IS_AUTOMATED_WARNING]);
    expect(parseSearchFilters(['stars=1']).warnings).toEqual([]);
  });
});

describe('matchesFilters', () => {
  const r = (o: Partial<SearchResult>): SearchResult => ({
    name: 'x',
    description: '',
    starCount: 0,
    pullCount: 0,
    isOfficial: false,
    isAutomated: false,
    ...o,
  });
  it('applies every filter', () => {
    expect(matchesFilters(r({ starCount: 5 }), { minStars: 5 })).toBe(true);
    expect(matchesFilters(r({ starCount: 4 }), { minStars: 5 })).toBe(false);
    expect(matchesFilters(r({ isOfficial: true, starCount: 9 }), { minStars: 5, isOfficial: true })).toBe(true);
    expect(matchesFilters(r({ isOfficial: false, starCount: 9 }), { minStars: 5, isOfficial: true })).toBe(false);
    expect(matchesFilters(r({ isOfficial: true }), { isOfficial: false })).toBe(false);
    expect(matchesFilters(r({}), { isAutomated: true })).toBe(false);
    expect(matchesFilters(r({}), { isAutomated: false })).toBe(true);
  });
});

describe('limit', () => {
  it.each([
    [undefined, 25],
    [1, 1],
    [100, 100],
    [MAX_SEARCH_LIMIT, MAX_SEARCH_LIMIT],
    ['7', 7],
    [' 42 ', 42],
  ])('%j -> %d', (v, n) => expect(parseSearchLimit(v, MAX_SEARCH_LIMIT, 25)).toBe(n));

  it.each([0, -1, MAX_SEARCH_LIMIT + 1, 1.5, NaN, '0', '1001', 'ten', '', '1e2', '0x10'])('%j is a usage error', (v) => {
    const e = usage(() => parseSearchLimit(v, MAX_SEARCH_LIMIT, 25));
    expect(e.code).toBe('INVALID_LIMIT');
  });
});

describe('validateSearchOptions', () => {
  it('gives defaults', () => {
    const v = validateSearchOptions({});
    expect(v.limit).toBe(25);
    expect(v.filters).toEqual({});
    expect(v.noTrunc).toBe(false);
    expect(v.compiledFormat.table).toBe(true);
    expect(v.warnings).toEqual([]);
  });
  it('checks the term up front', () => {
    expect(validateSearchOptions({ term: 'localhost:5000/app' }).target).toMatchObject({ registry: 'localhost:5000', term: 'app' });
    expect(usage(() => validateSearchOptions({ term: '' })).code).toBe('INVALID_SEARCH_TERM');
    expect(usage(() => validateSearchOptions({ term: 'https://x/y' })).code).toBe('INVALID_SEARCH_TERM');
  });

  it('collects warnings and checks the format up front', () => {
    const v = validateSearchOptions({ limit: '300', filters: ['is-automated=false'], format: 'json', noTrunc: true });
    expect(v.limit).toBe(300);
    expect(v.warnings).toHaveLength(1);
    expect(v.compiledFormat.table).toBe(false);
    const e = usage(() => validateSearchOptions({ format: '{{.Nmae}}' }));
    expect(e.message).toContain('.Nmae');
    expect(e.hint).toContain('.Name, .Description, .StarCount, .IsOfficial, .IsAutomated');
  });
});
