import { describe, expect, it } from 'vitest';
import { LayerProgress } from '../../../src/cli/progress.js';
import type { Output } from '../../../src/cli/output.js';
import { PLAIN } from '../../../src/cli/colors.js';

/** A terminal of `columns` that keeps what was written to stderr. */
function terminal(columns: number, interactive = true) {
  const written: string[] = [];
  const info: string[] = [];
  const out: Output = {
    interactive,
    color: false,
    styles: PLAIN,
    stderr: { columns, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream,
    data: () => undefined,
    info: (l) => info.push(l),
    warn: () => undefined,
  };
  return { out, written, info };
}

/** The lines a redraw shows: escape sequences removed, split at newlines. */
const visibleLines = (chunks: string[]) =>
  chunks
    .join('')
    .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
    .split('\n')
    .filter((l) => l !== '');

function run(columns: number) {
  const t = terminal(columns);
  let now = 0;
  const p = new LayerProgress(t.out, false, { now: () => now });
  for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb']) p.status(id, 'Pulling fs layer');
  for (let i = 1; i <= 10; i++) {
    now += 500;
    p.progress('aaaaaaaaaaaa', 'Downloading', i * 1_000_000, 10_000_000);
    p.progress('bbbbbbbbbbbb', 'Downloading', i * 500_000, 123_456_789);
  }
  p.status('aaaaaaaaaaaa', 'Pull complete');
  p.finish();
  return t;
}

describe('LayerProgress on a terminal', () => {
  it('at 80 columns: no bars, every line fits in 79 columns, throughput on the status line', () => {
    const t = run(80);
    const lines = visibleLines(t.written);
    expect(lines.every((l) => l.length <= 79)).toBe(true);
    expect(lines.some((l) => l.includes('[='))).toBe(false);
    expect(lines).toContain('bbbbbbbbbbbb: Downloading 5.00MB/123MB');
    expect(lines.filter((l) => /^Downloading \S+\/\S+ {2}\S+\/s$/.test(l)).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.endsWith('/s')).at(-1)).toBe('Downloading 15.0MB/133MB  3.00MB/s');
  });

  it("at 120 columns: docker's bars, still no line wider than the terminal", () => {
    const lines = visibleLines(run(120).written);
    expect(lines.some((l) => /^aaaaaaaaaaaa: Downloading \[=+> *\] /.test(l))).toBe(true);
    expect(lines.every((l) => l.length <= 119)).toBe(true);
  });

  it('a narrow terminal cuts lines instead of wrapping them; the final redraw drops the status line', () => {
    const t = run(30);
    const lines = visibleLines(t.written);
    expect(lines.every((l) => l.length <= 29)).toBe(true);
    const last = t.written.at(-1)!;
    expect(last).toMatch(/^\u001b\[3A/); // two layers and the status line were on screen
    expect(last.endsWith('\u001b[J')).toBe(true);
    expect(visibleLines([last])).toEqual(['aaaaaaaaaaaa: Pull complete', 'bbbbbbbbbbbb: Downloading 5.0']);
  });

  it('off a terminal: one plain line per status change, no progress, no escapes', () => {
    const t = terminal(80, false);
    const p = new LayerProgress(t.out);
    p.status('a', 'Pulling fs layer');
    p.progress('a', 'Downloading', 1, 2);
    p.status('a', 'Pull complete');
    p.finish();
    expect(t.info).toEqual(['a: Pulling fs layer', 'a: Pull complete']);
    expect(t.written).toEqual([]);
  });
});
