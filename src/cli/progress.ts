import type { Output } from './output.js';

/**
 * docker-style per-layer status lines. On a TTY the block of lines is redrawn in place with a bar;
 * off a TTY each status change is printed once as a plain line (no bars, no escape codes).
 */
export class LayerProgress {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: Output,
    private readonly quiet = false,
  ) {}

  status(id: string, text: string): void {
    if (this.quiet) return;
    if (!this.lines.has(id)) this.order.push(id);
    const previous = this.lines.get(id);
    this.lines.set(id, text);
    if (!this.out.interactive) {
      if (previous !== text) this.out.info(`${id}: ${text}`);
      return;
    }
    this.draw(true);
  }

  progress(id: string, verb: string, current: number, total: number): void {
    if (this.quiet || !this.out.interactive) return;
    if (!this.lines.has(id)) this.order.push(id);
    this.lines.set(id, `${verb} ${bar(current, total)} ${formatBytes(current)}/${formatBytes(total)}`);
    this.draw(false);
  }

  /** Final redraw; later output goes below the block. */
  finish(): void {
    if (this.quiet || !this.out.interactive) return;
    this.draw(true);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    let text = this.drawn > 0 ? `\u001b[${this.drawn}A` : '';
    for (const id of this.order) text += `\u001b[2K${id}: ${this.lines.get(id)}\n`;
    this.drawn = this.order.length;
    this.out.stderr.write(text);
  }
}

function bar(current: number, total: number, width = 40): string {
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
  if (u === 0) return `${v}B`;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}${units[u]}`;
}

/** docker's short ids: the first 12 hex characters of a digest. */
export const shortId = (digest: string): string => digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
