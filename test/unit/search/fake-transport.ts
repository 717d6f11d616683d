import { Readable } from 'node:stream';
import type { RegistryRequest, RegistryResponse, RegistryTransport } from '../../../src/http/types.js';
import { HubctlError } from '../../../src/errors.js';

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A RegistryTransport answering from a function; non-2xx outside acceptStatus throws like the real one. */
export function fakeTransport(
  registry: string,
  handler: (url: URL, req: RegistryRequest) => FakeAnswer | Promise<FakeAnswer>,
  base = `http://${registry}`,
): RegistryTransport & { requests: RegistryRequest[] } {
  const requests: RegistryRequest[] = [];
  return {
    registry,
    requests,
    baseUrl: async () => base,
    close: async () => undefined,
    async request(req) {
      requests.push(req);
      const url = new URL(req.url, base);
      const a = await handler(url, req);
      const status = a.status ?? 200;
      const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(a.headers ?? {}) };
      if (status >= 300 && !(req.acceptStatus ?? []).includes(status)) {
        throw new HubctlError(
          status === 404 ? 'notfound' : status === 401 ? 'auth' : 'internal',
          `HTTP_${status}`,
          `${req.method} ${url} failed: ${status}`,
        );
      }
      const buf = Buffer.from(text);
      const res: RegistryResponse = {
        status,
        url: url.toString(),
        headers,
        header: (n) => headers[n.toLowerCase()],
        body: Readable.from([buf]),
        bytes: async () => buf,
        text: async () => text,
        json: async <T>() => JSON.parse(text) as T,
        discard: async () => undefined,
      };
      return res;
    },
  };
}
