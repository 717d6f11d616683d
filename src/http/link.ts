/**
 * `Link: <url>; rel="next"` parsing (RFC 8288). Several links may share one header, separated by commas;
 * `rel` may be quoted or not and may list several relation types.
 */
export function parseNextLink(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const values = typeof header === 'string' ? [header] : header;
  for (const value of values) {
    const re = /<([^>]*)>((?:\s*;\s*(?:[^;,"]|"[^"]*")*)*)/g;
    for (let m = re.exec(value); m !== null; m = re.exec(value)) {
      const params = m[2] ?? '';
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return m[1]!.trim();
    }
  }
  return undefined;
}

/** Resolves a Link target against the URL of the request that returned it. */
export function resolveLink(target: string, requestUrl: string): URL | undefined {
  try {
    return new URL(target, requestUrl);
  } catch {
    return undefined;
  }
}
