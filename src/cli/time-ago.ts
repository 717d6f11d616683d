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
