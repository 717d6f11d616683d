import { redactSecrets } from '../errors.js';

/** A URL for logs and messages: no userinfo; query values of well-known secrets masked, long queries cut. */
export function describeUrl(href: string): string {
  let text = href;
  try {
    const u = new URL(href);
    u.username = '';
    u.password = '';
    text = u.href;
  } catch {
    // not a URL: redact as text
  }
  text = redactSecrets(text);
  const q = text.indexOf('?');
  if (q >= 0 && text.length - q > 120) text = `${text.slice(0, q + 100)}…`;
  return text;
}
