/** The status line and headers of an HTTP/1.1 response, as raw-get.ts reads them off the socket. */
export interface ResponseHead {
  statusCode: number;
  /** Lower-cased names; repeated headers become arrays. */
  headers: Record<string, string | string[]>;
}

/** Heads larger than this are refused (undici's default maxHeaderSize is 16 KiB; registries send far less). */
export const MAX_HEAD_BYTES = 64 * 1024;

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Index just past the blank line ending the head in `buf`, or -1 when it has not arrived yet. */
export function headEnd(buf: Buffer): number {
  const i = buf.indexOf(CRLFCRLF);
  return i < 0 ? -1 : i + CRLFCRLF.length;
}

/** Parses `HTTP/1.x NNN reason` and the header lines (obsolete line folding is refused, as RFC 9112 allows). */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (status === null) throw malformed(`bad status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string | string[]> = {};
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || /^\s/.test(line)) throw malformed(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { statusCode: Number(status[1]), headers };
}

/**
 * How the body ends: after `length` bytes, at end of connection (`close`, allowed for responses to a
 * `Connection: close` request), not at all (`none`), or in a way raw-get does not read (`unsupported`:
 * transfer codings such as chunked; the caller asks again through undici).
 */
export type BodyFraming = { kind: 'length'; length: number } | { kind: 'close' } | { kind: 'none' } | { kind: 'unsupported'; why: string };

export function bodyFraming(head: ResponseHead): BodyFraming {
  const s = head.statusCode;
  if ((s >= 100 && s < 200) || s === 204 || s === 304) return { kind: 'none' };
  if (head.headers['transfer-encoding'] !== undefined) return { kind: 'unsupported', why: 'transfer-encoding' };
  const cl = head.headers['content-length'];
  if (cl === undefined) return { kind: 'close' };
  const values = new Set((Array.isArray(cl) ? cl : [cl]).flatMap((v) => v.split(',')).map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw malformed(`bad Content-Length ${JSON.stringify(cl)}`);
  return { kind: 'length', length: Number(only) };
}

function malformed(what: string): Error {
  return Object.assign(new Error(`malformed HTTP response: ${what}`), { code: 'HPE_INVALID_RESPONSE' });
}
