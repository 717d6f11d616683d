import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDockerfile,
  shellWord,
  shellWords,
  keyValuePairs,
  metadataChanges,
  parseDuration,
  scratchConfig,
} from '../../../src/builder/index.js';
import { isHubctlError } from '../../../src/errors.js';

const vars: Record<string, string> = { A: 'a', EMPTY: '', PATH: '/usr/bin', SP: 'x y' };
const lookup = (n: string) => vars[n];

describe('parseDockerfile', () => {
  it.each([
    [
      'comments and blank lines',
      '# hello\n\nFROM scratch\n  # indented comment\nCMD ["a"]\n',
      [
        ['FROM', 'scratch', 3],
        ['CMD', '["a"]', 5],
      ],
    ],
    [
      'continuations',
      'FROM scratch\nENV A=1 \\\n    B=2\nLABEL x=y\n',
      [
        ['FROM', 'scratch', 1],
        ['ENV', 'A=1 B=2', 2],
        ['LABEL', 'x=y', 4],
      ],
    ],
    [
      'comments inside continuations',
      'FROM scratch\nENV A=1 \\\n# note\n\n  B=2\n',
      [
        ['FROM', 'scratch', 1],
        ['ENV', 'A=1 B=2', 2],
      ],
    ],
    [
      'case-insensitive keywords',
      'from scratch\nCoPy a b\n',
      [
        ['FROM', 'scratch', 1],
        ['COPY', 'a b', 2],
      ],
    ],
    [
      'CRLF line ends',
      'FROM scratch\r\nUSER 1\r\n',
      [
        ['FROM', 'scratch', 1],
        ['USER', '1', 2],
      ],
    ],
    [
      'trailing continuation at EOF',
      'FROM scratch\nCMD echo \\',
      [
        ['FROM', 'scratch', 1],
        ['CMD', 'echo', 2],
      ],
    ],
  ])('%s', (_label, text, expected) => {
    const got = parseDockerfile(text).instructions.map((i) => [i.keyword, i.args, i.line]);
    expect(got).toEqual(expected);
  });

  it('reads the escape directive and flags', () => {
    const p = parseDockerfile(
      '# escape=`\n# syntax=docker/dockerfile:1\nFROM --platform=linux/arm64 scratch AS x\nCOPY --chown=1:2 a `\n  b /c/\n',
    );
    expect(p.escape).toBe('`');
    expect(p.directives).toEqual({ escape: '`', syntax: 'docker/dockerfile:1' });
    expect(p.instructions[0]).toMatchObject({ keyword: 'FROM', flags: [['platform', 'linux/arm64']], args: 'scratch AS x' });
    expect(p.instructions[1]).toMatchObject({ keyword: 'COPY', flags: [['chown', '1:2']], args: 'a b /c/', line: 4 });
  });

  it('a directive after an instruction is a comment', () => {
    expect(parseDockerfile('FROM scratch\n# escape=`\n').escape).toBe('\\');
  });

  it('detects the exec form', () => {
    const [cmd, sh] = parseDockerfile('CMD ["a", "b c"]\nCMD [not json\n').instructions;
    expect(cmd!.json).toEqual(['a', 'b c']);
    expect(sh!.json).toBeUndefined();
  });

  it('refuses unknown instructions with the line', () => {
    expect(() => parseDockerfile('FROM scratch\n\nFOO bar\n')).toThrow(/Dockerfile:3: unknown instruction: FOO/);
    expect(() => parseDockerfile('# escape=x\nFROM scratch')).toThrow(/escape/);
  });

  it('turns random text into a parse or a HubctlError, never another exception', () => {
    const alphabet = fc.constantFrom(
      'FROM ',
      'RUN ',
      'ENV ',
      'COPY ',
      'ARG ',
      'CMD ',
      '# ',
      '#escape=`\n',
      '\\',
      '`',
      '\n',
      ' ',
      '"',
      "'",
      '$',
      '{',
      '}',
      ':-',
      '[',
      ']',
      '=',
      'a',
      'B',
      '--x=',
      '\r\n',
      '\t',
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const p = parseDockerfile(t);
          for (const ins of p.instructions) {
            try {
              shellWords(ins.args, { escape: p.escape, lookup });
              if (
                [
                  'ENV',
                  'LABEL',
                  'CMD',
                  'ENTRYPOINT',
                  'WORKDIR',
                  'USER',
                  'EXPOSE',
                  'VOLUME',
                  'STOPSIGNAL',
                  'HEALTHCHECK',
                  'SHELL',
                  'ONBUILD',
                ].includes(ins.keyword)
              ) {
                metadataChanges(ins, { escape: p.escape, lookup, config: scratchConfig({ os: 'linux', architecture: 'amd64' }) });
              }
            } catch (e) {
              if (!isHubctlError(e)) throw e;
            }
          }
        } catch (e) {
          if (!isHubctlError(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('variable substitution', () => {
  it.each([
    ['$A', ['a']],
    ['${A}b', ['ab']],
    ['${NOPE:-def}', ['def']],
    ['${EMPTY:-def}', ['def']],
    ['${EMPTY-def}', []],
    ['"${EMPTY-def}"', ['']],
    ['${A:+alt}', ['alt']],
    ['${NOPE:+alt}', []],
    ['$SP', ['x', 'y']],
    ['"$SP"', ['x y']],
    ["'$A'", ['$A']],
    ['\\$A', ['$A']],
    ['a\\ b c', ['a b', 'c']],
    ['"" x', ['', 'x']],
    ['${NOPE:-${A}x}', ['ax']],
    ['$1 $', ['$1', '$']],
  ])('%s', (input, expected) => {
    expect(shellWords(input, { lookup })).toEqual(expected);
  });

  it('single words keep spaces and drop quotes', () => {
    expect(shellWord('"/srv/$A dir"', { lookup })).toBe('/srv/a dir');
    expect(shellWord('`$A', { lookup, escape: '`' })).toBe('$A');
  });

  it('refuses bad substitutions as usage errors', () => {
    expect(() => shellWords('${A', { lookup })).toThrow(/missing/);
    expect(() => shellWords('"abc', { lookup })).toThrow(/unterminated/);
    expect(() => shellWords('${NOPE:?must be set}', { lookup })).toThrow(/must be set/);
  });
});

describe('instruction evaluation', () => {
  const ctx = { escape: '\\', lookup, config: scratchConfig({ os: 'linux', architecture: 'amd64' }) };
  const one = (text: string) => parseDockerfile(text).instructions[0]!;

  it.each([
    [
      'ENV A=1 B="two words" C=$A',
      [
        ['A', '1'],
        ['B', 'two words'],
        ['C', 'a'],
      ],
    ],
    ['ENV LEGACY some value $A', [['LEGACY', 'some value a']]],
    [
      'LABEL "com.x"="y z" v=1',
      [
        ['com.x', 'y z'],
        ['v', '1'],
      ],
    ],
  ])('%s', (text, pairs) => {
    expect(keyValuePairs(one(text), ctx)).toEqual(pairs);
  });

  it('exec and shell forms', () => {
    expect(metadataChanges(one('CMD ["nginx", "-g", "daemon off;"]'), ctx)).toEqual({ cmd: ['nginx', '-g', 'daemon off;'] });
    expect(metadataChanges(one('ENTRYPOINT exec app --port $A'), ctx)).toEqual({ entrypoint: ['/bin/sh', '-c', 'exec app --port $A'] });
    const withShell = { ...ctx, config: { ...ctx.config, config: { Shell: ['/bin/bash', '-lc'] } } };
    expect(metadataChanges(one('CMD run'), withShell)).toEqual({ cmd: ['/bin/bash', '-lc', 'run'] });
  });

  it('healthcheck, volumes, ports', () => {
    expect(metadataChanges(one('HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/'), ctx)).toEqual({
      healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9, Retries: 3 },
    });
    expect(metadataChanges(one('HEALTHCHECK NONE'), ctx)).toEqual({ healthcheck: null });
    expect(metadataChanges(one('VOLUME ["/data", "/logs"]'), ctx)).toEqual({ volumes: ['/data', '/logs'] });
    expect(() => metadataChanges(one('EXPOSE http'), ctx)).toThrow(/Dockerfile:1/);
    expect(parseDuration('1m30s', 1)).toBe(90e9);
    expect(parseDuration('500ms', 1)).toBe(5e8);
  });
});
