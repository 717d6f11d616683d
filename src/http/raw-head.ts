import { codedError } from '../errors.js';

/** The status line and headers of an HTTP/1.1 response, as raw-request.ts reads them off the socket. */
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
 * `Connection: close` request), not at all (`none`), in chunks (`chunked`: raw-request reads it only for
 * the short answer to an upload, see decodeChunked), or in a way raw-request does not read
 * (`unsupported`: other transfer codings; a GET is asked again through undici).
 */
export type BodyFraming =
  | { kind: 'length'; length: number }
  | { kind: 'close' }
  | { kind: 'none' }
  | { kind: 'chunked' }
  | { kind: 'unsupported'; why: string };

export function bodyFraming(head: ResponseHead): BodyFraming {
  const s = head.statusCode;
  if ((s >= 100 && s < 200) || s === 204 || s === 304) return { kind: 'none' };
  const te = head.headers['transfer-encoding'];
  if (te !== undefined) {
    const codings = (Array.isArray(te) ? te : [te]).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
    return codings.length === 1 && codings[0] === 'chunked'
      ? { kind: 'chunked' }
      : { kind: 'unsupported', why: `transfer-encoding ${codings.join(', ')}` };
  }
  const cl = head.headers['content-length'];
  if (cl === undefined) return { kind: 'close' };
  const values = new Set((Array.isArray(cl) ? cl : [cl]).flatMap((v) => v.split(',')).map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw malformed(`bad Content-Length ${JSON.stringify(cl)}`);
  return { kind: 'length', length: Number(only) };
}

/**
 * The chunk size line at `data[i]`: the size and where the chunk's data starts, or undefined while the
 * line is incomplete. A malformed size throws (chunk extensions are dropped).
 */
function chunkSizeAt(data: Buffer, i: number): { size: number; next: number } | undefined {
  const eol = data.indexOf('\r\n', i);
  if (eol < 0) return undefined;
  const sizeText = data.toString('latin1', i, eol).split(';')[0]!.trim();
  if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw malformed(`bad chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
  return { size: parseInt(sizeText, 16), next: eol + 2 };
}

/**
 * Where a chunked body that starts at `data[0]` ends (just past its last CRLF), or -1 while it is
 * incomplete. Trailers are allowed; a malformed size line throws like decodeChunked.
 */
export function chunkedBodyEnd(data: Buffer): number {
  for (let i = 0; ; ) {
    const line = chunkSizeAt(data, i);
    if (line === undefined) return -1;
    i = line.next;
    if (line.size === 0) {
      // the trailer section: header lines up to an empty one
      for (;;) {
        const end = data.indexOf('\r\n', i);
        if (end < 0) return -1;
        if (end === i) return end + 2;
        i = end + 2;
      }
    }
    if (i + line.size + 2 > data.length) return -1;
    i += line.size + 2;
  }
}

/** The payload of a whole chunked body (chunk extensions and trailers are dropped). */
export function decodeChunked(data: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; ; ) {
    const line = chunkSizeAt(data, i);
    if (line === undefined) throw malformed('a chunked body ended inside a chunk size line');
    const size = line.size;
    i = line.next;
    if (size === 0) return Buffer.concat(out);
    if (i + size + 2 > data.length || data.toString('latin1', i + size, i + size + 2) !== '\r\n')
      throw malformed('a chunked body ended inside a chunk');
    out.push(data.subarray(i, i + size));
    i += size + 2;
  }
}

function malformed(what: string): Error {
  return codedError(`malformed HTTP response: ${what}`, 'HPE_INVALID_RESPONSE');
}
