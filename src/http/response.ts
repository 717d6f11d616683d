import { Readable } from 'node:stream';
import type { RegistryResponse } from './types.js';
import { discardBody, readBytes, readJson, readText } from './body.js';

export type RawHeaders = Record<string, string | string[] | undefined>;

/** Lower-cases header names (undici already does, MockAgent replies may not). */
export function normalizeHeaders(headers: RawHeaders): RawHeaders {
  const out: RawHeaders = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

export function firstHeader(headers: RawHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** All values of a header, split neither on commas nor otherwise. */
export function allHeaders(headers: RawHeaders, name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function makeResponse(status: number, url: string, headers: RawHeaders, body: Readable): RegistryResponse {
  const normalized = normalizeHeaders(headers);
  return {
    status,
    url,
    headers: normalized,
    header: (name: string) => firstHeader(normalized, name),
    body,
    bytes: (limit: number) => readBytes(body, limit),
    text: (limit: number) => readText(body, limit),
    json: <T = unknown>(limit: number) => readJson<T>(body, limit),
    discard: () => discardBody(body),
  };
}

/** A response whose body was already read into memory (e.g. to look at a 429's error code). */
export function bufferedResponse(status: number, url: string, headers: RawHeaders, data: Buffer): RegistryResponse {
  return makeResponse(status, url, headers, Readable.from(data.length > 0 ? [data] : []));
}
