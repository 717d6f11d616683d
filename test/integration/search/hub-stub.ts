import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Docker Hub search hit, exactly as index.docker.io/v1/search sends it. */
export interface HubHit {
  name: string;
  description: string;
  star_count: number;
  pull_count: number;
  is_official: boolean;
  is_automated: boolean;
  is_trusted: boolean;
}

export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authorization: string | undefined;
}

export interface HubStub {
  host: string;
  port: number;
  requests: StubRequest[];
  /** Query-string problems the stub saw (anything docker would not send). */
  problems: string[];
  stop(): Promise<void>;
}

const hit = (name: string, description: string, stars: number, official = false): HubHit => ({
  name,
  description,
  star_count: stars,
  pull_count: stars * 1000 + 7,
  is_official: official,
  is_automated: false,
  is_trusted: false,
});

/** The stub's index: term -> hits in Hub's relevance order. */
export function hubIndex(): Record<string, HubHit[]> {
  const many = Array.from({ length: 230 }, (_, i) => hit(`user${i}/many-app`, `Image number ${i}`, i % 11, i % 50 === 0));
  return {
    nginx: [
      hit('nginx', 'Official build of Nginx.', 20000, true),
      hit('nginxinc/nginx-unprivileged', 'Unprivileged NGINX Dockerfiles', 150),
      hit('bitnami/nginx', 'Bitnami container image for NGINX', 200),
      hit('unicode/nginx', 'Nginx ünïcödé 日本語の説明 — emoji 😀 and ﬁ ligatures', 3),
      hit('empty/nginx', '', 0),
      hit('long/nginx', `${'A very long description\nspanning lines\r\nand\ttabs. '.repeat(20)}end`, 1),
    ],
    many,
    nothing: [],
  };
}

function parseQuery(url: URL): Record<string, string[]> {
  const q: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (q[k] ??= []).push(v);
  return q;
}

/**
 * A loopback stand-in for index.docker.io: `/v2/` answers with Hub's Bearer challenge (realm on the stub),
 * `/token` hands out tokens, `/v1/search?q=&n=&page=` pages like Hub (n 1..100, default 25; page from 1).
 */
export async function startHubStub(index = hubIndex()): Promise<HubStub> {
  const requests: StubRequest[] = [];
  const problems: string[] = [];
  let port = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const query = parseQuery(url);
    requests.push({ method: req.method ?? '', path: url.pathname, query, authorization: req.headers.authorization });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      json(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] },
        {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="registry.docker.io"`,
        },
      );
      return;
    }
    if (url.pathname === '/token') {
      json(200, { token: 'stub-token', access_token: 'stub-token', expires_in: 300, issued_at: new Date().toISOString() });
      return;
    }
    if (url.pathname !== '/v1/search') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    for (const k of Object.keys(query)) {
      if (!['q', 'n', 'page'].includes(k)) problems.push(`unexpected parameter ${k}`);
      if (query[k]!.length > 1) problems.push(`parameter ${k} repeated`);
    }
    const q = query.q?.[0];
    const nRaw = query.n?.[0] ?? '25';
    const pageRaw = query.page?.[0] ?? '1';
    if (q === undefined) problems.push('no q');
    if (!/^\d+$/.test(nRaw) || Number(nRaw) < 1 || Number(nRaw) > 100) {
      problems.push(`n=${nRaw} out of 1..100`);
      json(400, { message: 'Limit must be between 1 and 100' });
      return;
    }
    if (!/^[1-9]\d*$/.test(pageRaw)) {
      problems.push(`bad page=${pageRaw}`);
      json(400, { message: 'bad page' });
      return;
    }
    const n = Number(nRaw);
    const page = Number(pageRaw);
    const all = index[q ?? ''] ?? [];
    const numPages = Math.max(1, Math.ceil(all.length / n));
    json(200, {
      num_pages: numPages,
      num_results: all.length,
      page_size: n,
      page,
      query: q,
      results: all.slice((page - 1) * n, page * n),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests,
    problems,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
