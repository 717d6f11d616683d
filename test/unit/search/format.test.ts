import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { alignColumns, displayWidth, ellipsis, formatSearchResults, type SearchResult } from '../../../src/search/index.js';

const r = (o: Partial<SearchResult>): SearchResult => ({
  name: 'x',
  description: '',
  starCount: 0,
  pullCount: 0,
  isOfficial: false,
  isAutomated: false,
  ...o,
});

// docker/cli docs/reference/commandline/search.md samples
const busybox = [
  r({ name: 'busybox', description: 'Busybox base image.', starCount: 325, isOfficial: true }),
  r({ name: 'progrium/busybox', starCount: 50 }),
  r({
    name: 'radial/busyboxplus',
    description: 'Full-chain, Internet enabled, busybox made from scratch. Comes in git and cURL flavors.',
    starCount: 8,
  }),
];

const trimmed = (lines: string[]) => lines.map((l) => l.trimEnd());

describe('default table', () => {
  it('matches docker for a sample (docker search --filter stars=3 busybox, without the AUTOMATED column)', () => {
    expect(trimmed(formatSearchResults(busybox))).toEqual([
      'NAME                 DESCRIPTION                                     STARS     OFFICIAL',
      'busybox              Busybox base image.                             325       [OK]',
      'progrium/busybox                                                     50',
      'radial/busyboxplus   Full-chain, Internet enabled, busybox made...   8',
    ]);
  });

  it('pads exactly like Go tabwriter(minwidth 10, padding 3): trailing padding kept on tab-terminated cells', () => {
    const out = formatSearchResults([busybox[1]!]);
    expect(out[1]).toBe(`progrium/busybox${' '.repeat(3 + 14)}50${' '.repeat(8)}`);
  });

  it('matches docker with --no-trunc and the AUTOMATED column', () => {
    const rows = formatSearchResults(busybox, {
      noTrunc: true,
      format: 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}',
    });
    expect(trimmed(rows)).toEqual([
      'NAME                 DESCRIPTION                                                                               STARS     OFFICIAL   AUTOMATED',
      'busybox              Busybox base image.                                                                       325       [OK]',
      'progrium/busybox                                                                                               50',
      'radial/busyboxplus   Full-chain, Internet enabled, busybox made from scratch. Comes in git and cURL flavors.   8',
    ]);
  });

  it('matches docker for the is-official sample', () => {
    const rows = formatSearchResults([busybox[0]!], {
      format: 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}',
    });
    expect(trimmed(rows)).toEqual([
      'NAME      DESCRIPTION           STARS     OFFICIAL   AUTOMATED',
      'busybox   Busybox base image.   325       [OK]',
    ]);
  });

  it('prints only the header when there are no results', () => {
    expect(formatSearchResults([])).toEqual(['NAME      DESCRIPTION   STARS     OFFICIAL']);
    expect(formatSearchResults([], { format: 'table' })).toEqual(['NAME      DESCRIPTION   STARS     OFFICIAL']);
    expect(formatSearchResults([], { format: '{{.Name}}' })).toEqual([]);
    expect(formatSearchResults([], { format: 'json' })).toEqual([]);
  });

  it('flattens descriptions and drops control characters', () => {
    const [, row] = formatSearchResults([r({ name: 'a', description: 'one\ntwo\r\nthree\tfour\u001b[31mred' })], { noTrunc: true });
    expect(row).toContain('one two  three four[31mred');
    expect(row).not.toContain('\u001b');
  });

  it('aligns wide characters by display width', () => {
    const rows = formatSearchResults([r({ name: 'cjk', description: '日本語の説明' }), r({ name: 'b', description: 'ascii' })]);
    const col = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(col(rows[1]!, `${'12345'.slice(0, 0)}0`)).toBe(col(rows[2]!, '0'));
  });
});

describe('truncation', () => {
  it.each([
    ['', ''],
    ['a'.repeat(45), 'a'.repeat(45)],
    ['a'.repeat(46), `${'a'.repeat(42)}...`],
    ['日'.repeat(22), '日'.repeat(22)],
    ['日'.repeat(23), `${'日'.repeat(21)}...`],
    [`${'a'.repeat(41)}日日`, `${'a'.repeat(41)}日日`],
    [`${'a'.repeat(41)}日日日`, `${'a'.repeat(41)}...`],
    [`${'a'.repeat(40)}日日日`, `${'a'.repeat(40)}日...`],
    ['😀'.repeat(30), `${'😀'.repeat(21)}...`],
  ])('%s', (input, out) => {
    expect(ellipsis(input, 45)).toBe(out);
    expect(displayWidth(ellipsis(input, 45))).toBeLessThanOrEqual(45);
  });
  it('never splits a surrogate pair and handles tiny widths', () => {
    expect(ellipsis('𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 5)).toBe('𝔘𝔫...');
    expect(ellipsis('abcdef', 3)).toBe('abc');
    expect(ellipsis('abcdef', 1)).toBe('a');
    expect(ellipsis('abcdef', 0)).toBe('');
  });
  it('keeps long descriptions whole with --no-trunc', () => {
    const long = 'x'.repeat(500);
    expect(formatSearchResults([r({ description: long })], { noTrunc: true, format: '{{.Description}}' })).toEqual([long]);
    expect(formatSearchResults([r({ description: long })], { format: '{{.Description}}' })).toEqual([`${'x'.repeat(42)}...`]);
  });
});

describe('--format', () => {
  const two = [
    r({ name: 'result1', description: 'Official build', starCount: 5000, isOfficial: true }),
    r({ name: 'result2', description: 'Not official', starCount: 5 }),
  ];
  it.each([
    ['{{.Name}}', ['result1', 'result2']],
    ['{{.Name}} {{.StarCount}}', ['result1 5000', 'result2 5']],
    ['{{.Name}}: {{.IsOfficial}}|{{.IsAutomated}}', ['result1: [OK]|', 'result2: |']],
    ['table {{.Name}}', ['NAME', 'result1', 'result2']],
    ['{{json .Name}}', ['"result1"', '"result2"']],
    ['{{.Name}}\\t{{.StarCount}}', ['result1\t5000', 'result2\t5']],
    ['{{.Name}}\\n--', ['result1', '--', 'result2', '--']],
    ['  {{.Name}}  ', ['result1', 'result2']],
    ['{{upper .Name}} {{.Name | upper}} {{lower "AB"}}', ['RESULT1 RESULT1 ab', 'RESULT2 RESULT2 ab']],
    ['{{truncate .Name 3}}{{pad "x" 1 2}}|', ['res x  |', 'res x  |']],
    ['{{join (split .Name "u") "-"}}', ['res-lt1', 'res-lt2']],
    ['{{- /* comment */ -}} {{.Name}}', ['result1', 'result2']],
    ['a {{- .Name -}} b', ['aresult1b', 'aresult2b']],
  ])('%s', (format, lines) => {
    expect(formatSearchResults(two, { format })).toEqual(lines);
  });

  it('renders {{json .}} and --format json like docker (sorted keys, string values)', () => {
    const expected = [
      '{"Description":"Official build","IsAutomated":"false","IsOfficial":"true","Name":"result1","StarCount":"5000"}',
      '{"Description":"Not official","IsAutomated":"false","IsOfficial":"false","Name":"result2","StarCount":"5"}',
    ];
    expect(formatSearchResults(two, { format: '{{json .}}' })).toEqual(expected);
    expect(formatSearchResults(two, { format: 'json' })).toEqual(expected);
    for (const line of expected) expect(Object.keys(JSON.parse(line))).toHaveLength(5);
  });

  it('table with custom columns uses docker headers', () => {
    expect(formatSearchResults(two, { format: 'table {{.Name}}\\t{{.IsAutomated}}\\t{{.IsOfficial}}' }).map((l) => l.trimEnd())).toEqual([
      'NAME      AUTOMATED   OFFICIAL',
      'result1               [OK]',
      'result2',
    ]);
  });

  it.each([
    ['{{.Foo}}', /unknown field \.Foo/],
    ['{{.name}}', /unknown field \.name/],
    ['{{.Name.Length}}', /no field/],
    ['{{nosuch .Name}}', /function "nosuch" not defined/],
    ['{{if .Name}}x{{end}}', /"if" is not supported/],
    ['{{range .}}{{end}}', /"range" is not supported/],
    ['{{$x := 1}}', /variables/],
    ['{{.Name', /unclosed action/],
    ['{{}}', /empty/],
    ['{{upper}}', /wrong number of arguments/],
    ['{{truncate .Name "x"}}', /whole number/],
    ['{{.Name .StarCount}}', /arguments can only be given to a function/],
    ['{{.Name | .StarCount}}', /only a function can follow/],
    ['{{(.Name}}', /unclosed "\("/],
  ])('%s is a usage error', (format, msg) => {
    let err: unknown;
    try {
      formatSearchResults(two, { format });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).kind).toBe('usage');
    expect((err as HubctlError).message).toMatch(msg);
  });

  it('names the valid fields in the hint for an unknown field', () => {
    try {
      formatSearchResults([], { format: '{{.Stars}}' });
      expect.unreachable();
    } catch (e) {
      expect((e as HubctlError).hint).toBe('valid fields are .Name, .Description, .StarCount, .IsOfficial, .IsAutomated');
    }
  });
});

describe('alignColumns (Go text/tabwriter semantics)', () => {
  it('builds column blocks from consecutive lines', () => {
    expect(alignColumns('a\tb\tc\naaaaaaaaaaaa\tb\nx\ny\tz\n')).toBe(
      ['a              b         c', 'aaaaaaaaaaaa   b', 'x', 'y         z', ''].join('\n'),
    );
  });
  it('leaves a line without tabs alone', () => {
    expect(alignColumns('plain text')).toBe('plain text');
  });
});
