import type { Readable } from 'node:stream';
import { HubctlError, internalError, networkError } from '../errors.js';

/** Default caps for bodies the client reads into memory. */
export const LIMITS = {
  /** Registry error envelopes. */
  errorBody: 64 * 1024,
  /** Token server answers. */
  tokenBody: 1024 * 1024,
} as const;

/** Reads a stream into memory, failing (and destroying the stream) once it passes `limit` bytes. */
export async function readBytes(body: Readable, limit: number, what = 'response body'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > limit) {
        body.destroy();
        throw internalError('BODY_TOO_LARGE', `${what} is larger than the ${limit}-byte limit`);
      }
      chunks.push(buf);
    }
  } catch (e) {
    if (e instanceof HubctlError) throw e;
    throw networkError('BODY_READ_FAILED', `reading the ${what} failed: ${errMessage(e)}`, { cause: e });
  }
  return Buffer.concat(chunks, size);
}

/** Like readBytes, but never fails: returns at most `limit` bytes and drops the rest. */
export async function readPrefix(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
      if (size < limit) chunks.push(buf.subarray(0, limit - size));
      size += buf.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // a broken error body is still an error body: keep what arrived
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

export async function readText(body: Readable, limit: number, what?: string): Promise<string> {
  return (await readBytes(body, limit, what)).toString('utf8');
}

export async function readJson<T = unknown>(body: Readable, limit: number, what = 'response body'): Promise<T> {
  const text = await readText(body, limit, what);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw internalError('INVALID_JSON', `the ${what} is not valid JSON`, { cause: e });
  }
}

/** Drains and drops a body so the connection can be reused. */
export async function discardBody(body: Readable): Promise<void> {
  try {
    if (body.destroyed || body.readableEnded) return;
    // undici bodies support dump(); fall back to resume for other streams
    const dump = (body as unknown as { dump?: (o?: { limit: number }) => Promise<void> }).dump;
    if (typeof dump === 'function') {
      await dump.call(body, { limit: 128 * 1024 });
      return;
    }
    body.resume();
  } catch {
    // ignore: the connection is dropped instead of reused
  }
}

export function errMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
