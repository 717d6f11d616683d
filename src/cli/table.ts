/**
 * Column layout like docker's tabwriter (minwidth 10, padding 3): each column as wide as its widest
 * cell plus three spaces, the last column unpadded.
 */
export function formatTable(rows: readonly (readonly string[])[], minWidth = 10, padding = 3): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell) + padding, minWidth);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell))))
      .join('')
      .trimEnd(),
  );
}

/** Width in terminal cells: code points, with East Asian wide and fullwidth characters as two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

/** docker's "2 weeks ago" style (go-units HumanDuration). */
export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'N/A';
  const s = Math.max(0, (now - t) / 1000);
  const ago = (x: string) => `${x} ago`;
  if (s < 1) return 'Less than a second ago';
  if (s < 2) return ago('1 second');
  if (s < 60) return ago(`${Math.floor(s)} seconds`);
  const m = s / 60;
  if (m < 2) return ago('About a minute');
  if (m < 60) return ago(`${Math.floor(m)} minutes`);
  const h = m / 60;
  if (Math.round(h) === 1) return ago('About an hour');
  if (h < 48) return ago(`${Math.round(h)} hours`);
  if (h < 24 * 14) return ago(`${Math.floor(h / 24)} days`);
  if (h < 24 * 60) return ago(`${Math.floor(h / 24 / 7)} weeks`);
  if (h < 24 * 365 * 2) return ago(`${Math.floor(h / 24 / 30)} months`);
  return ago(`${Math.floor(h / 24 / 365)} years`);
}
