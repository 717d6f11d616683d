import { MockAgent } from 'undici';

export interface SeenRequest {
  origin: string;
  method: string;
  path: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Reply {
  status: number;
  body?: string | object;
  headers?: Record<string, string | string[]>;
}

function normHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined || h === null) return out;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
    return out;
  }
  if (h instanceof Headers) {
    for (const [k, v] of h) out[k.toLowerCase()] = v;
    return out;
  }
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** A MockAgent answering every request on `origins` through `handler`, recording what it saw. */
export function mockRegistry(origins: readonly string[], handler: (req: SeenRequest) => Reply) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: SeenRequest[] = [];
  for (const origin of origins) {
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const req: SeenRequest = {
          origin,
          method: opts.method,
          path: opts.path,
          url: new URL(opts.path, origin),
          headers: normHeaders(opts.headers),
          body: typeof opts.body === 'string' ? opts.body : opts.body instanceof Uint8Array ? Buffer.from(opts.body).toString() : undefined,
        };
        seen.push(req);
        const r = handler(req);
        const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        return { statusCode: r.status, data: body, responseOptions: { headers: r.headers ?? {} } };
      })
      .persist();
  }
  return { agent, seen };
}

export const HUB_CHALLENGE = 'Bearer realm="https://auth.example.com/token",service="registry.example.com"';
