import type { Output } from './output.js';

/** docker shows the `[==>   ]` bar only on terminals wider than this (pkg/jsonmessage). */
export const BAR_MIN_COLUMNS = 111;
const BAR_WIDTH = 50;
const REDRAW_MS = 100;
/** Throughput is measured over this much recent time. */
const RATE_WINDOW_MS = 3000;

export interface LayerProgressOptions {
  /** Terminal width (default: stderr's columns, else 80). */
  columns?: () => number;
  now?: () => number;
}

/**
 * docker-style per-layer status lines. On a TTY the block of lines is redrawn in place; each line is
 * cut to the terminal's width so nothing wraps (a wrapped line would break the redraw), bars appear
 * only on terminals wide enough for docker's, and while bytes move a last status line shows the
 * total and the throughput. Off a TTY each status change is printed once as a plain line (no bars,
 * no escape codes).
 */
export class LayerProgress {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private readonly bytes = new Map<string, { current: number; total: number; verb: string }>();
  private readonly samples: { t: number; n: number }[] = [];
  private drawn = 0;
  private lastDraw = 0;
  private readonly columns: () => number;
  private readonly now: () => number;

  constructor(
    private readonly out: Output,
    private readonly quiet = false,
    options: LayerProgressOptions = {},
  ) {
    this.columns = options.columns ?? (() => out.stderr.columns || 80);
    this.now = options.now ?? Date.now;
  }

  status(id: string, text: string): void {
    if (this.quiet) return;
    if (!this.lines.has(id)) this.order.push(id);
    const previous = this.lines.get(id);
    this.lines.set(id, text);
    const moving = this.bytes.get(id);
    if (moving) moving.current = moving.total; // done (or skipped): no longer counted as in flight
    if (!this.out.interactive) {
      if (previous !== text) this.out.info(`${id}: ${text}`);
      return;
    }
    this.draw(true);
  }

  progress(id: string, verb: string, current: number, total: number): void {
    if (this.quiet || !this.out.interactive) return;
    if (!this.lines.has(id)) this.order.push(id);
    this.bytes.set(id, { current, total, verb });
    const numbers = `${formatBytes(current)}/${formatBytes(total)}`;
    this.lines.set(id, this.columns() >= BAR_MIN_COLUMNS ? `${verb} ${bar(current, total)} ${numbers}` : `${verb} ${numbers}`);
    this.draw(false);
  }

  /** Final redraw without the status line; later output goes below the block. */
  finish(): void {
    if (this.quiet || !this.out.interactive) return;
    this.draw(true, true);
  }

  private draw(force: boolean, final = false): void {
    const now = this.now();
    this.sample(now);
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const width = Math.max(20, this.columns()) - 1; // the last column would make some terminals wrap
    const rows = this.order.map((id) => cutToWidth(`${id}: ${this.lines.get(id)}`, width));
    const footer = final ? undefined : this.statusLine();
    if (footer !== undefined) rows.push(cutToWidth(footer, width));
    let text = this.drawn > 0 ? `\u001b[${this.drawn}A` : '';
    for (const row of rows) text += `\u001b[2K${row}\n`;
    text += '\u001b[J'; // clears a status line left below a shorter block
    this.drawn = rows.length;
    this.out.stderr.write(text);
  }

  private sample(now: number): void {
    let n = 0;
    for (const b of this.bytes.values()) n += b.current;
    this.samples.push({ t: now, n });
    while (this.samples.length > 2 && now - this.samples[1]!.t > RATE_WINDOW_MS) this.samples.shift();
  }

  /** `Downloading 12.3MB/45.6MB  8.1MB/s` over the transfers still under way; undefined when none is. */
  private statusLine(): string | undefined {
    const active = [...this.bytes.values()].filter((b) => b.current < b.total);
    if (active.length === 0) return undefined;
    let current = 0;
    let total = 0;
    for (const b of this.bytes.values()) {
      current += b.current;
      total += b.total;
    }
    const first = this.samples[0]!;
    const last = this.samples.at(-1)!;
    const seconds = (last.t - first.t) / 1000;
    const rate = seconds > 0 ? `  ${formatBytes(Math.max(0, (last.n - first.n) / seconds))}/s` : '';
    return `${active[0]!.verb} ${formatBytes(current)}/${formatBytes(total)}${rate}`;
  }
}

/** Cuts a line (ASCII status text) to `width` columns. */
function cutToWidth(line: string, width: number): string {
  return line.length <= width ? line : line.slice(0, width);
}

function bar(current: number, total: number, width = BAR_WIDTH): string {
  const ratio = total > 0 ? Math.min(1, current / total) : 1;
  const filled = Math.floor(ratio * width);
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
}

/** docker's units: 1000-based, two decimals under 10, e.g. 3.21MB, 45.6MB, 512B. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  if (u === 0) return `${Math.round(v)}B`;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}${units[u]}`;
}

/** docker's short ids: the first 12 hex characters of a digest. */
export const shortId = (digest: string): string => digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
