import { describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { useLoopbackServers } from './loopback-servers.js';
import { probeTls } from '../../../src/http/tls-probe.js';
import { createTransport } from '../../../src/auth/session.js';
import { HubctlError } from '../../../src/errors.js';

const { servers, sockets, certs } = useLoopbackServers('hubctl-tls-probe-');

/** Listens on a free loopback port; the server and its connections end after each test. */
function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** What the registry's /v2/ answers, counting the requests that reach it. */
function registry(hits: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json' }).end('{}');
  };
}

async function refusedPort(): Promise<number> {
  const s = createTcpServer();
  const port = await new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

describe('probeTls against real loopback servers', () => {
  it('says not-tls for a plain-HTTP server, and sends it no request', async () => {
    const hits: string[] = [];
    const port = await listen(createHttpServer(registry(hits)));
    expect(await probeTls(new URL(`https://127.0.0.1:${port}/v2/`))).toBe('not-tls');
    expect(hits).toEqual([]);
  });

  it('says tls for a TLS server whose certificate nobody trusts (it verifies nothing, sends nothing)', async () => {
    const hits: string[] = [];
    const { cert, key } = certs();
    const port = await listen(createHttpsServer({ cert, key }, registry(hits)));
    expect(await probeTls(new URL(`https://127.0.0.1:${port}/v2/`))).toBe('tls');
    expect(await probeTls(new URL(`https://localhost:${port}/v2/`))).toBe('tls');
    expect(hits).toEqual([]);
  });

  it('says not-tls for a refused port', async () => {
    expect(await probeTls(new URL(`https://127.0.0.1:${await refusedPort()}/v2/`))).toBe('not-tls');
  });

  it('says not-tls when the handshake does not finish within the connect timeout (as undici falls back)', async () => {
    const port = await listen(createTcpServer(() => undefined));
    expect(await probeTls(new URL(`https://127.0.0.1:${port}/v2/`), { connectTimeoutMs: 100 })).toBe('not-tls');
  });

  it('says unknown when the caller aborts', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const ac = new AbortController();
    const probe = probeTls(new URL(`https://127.0.0.1:${port}/v2/`), { signal: ac.signal });
    ac.abort();
    expect(await probe).toBe('unknown');
    expect(await probeTls(new URL(`https://127.0.0.1:${port}/v2/`), { signal: ac.signal })).toBe('unknown');
  });
});

describe('the ping of a loopback registry after the probe', () => {
  it('goes straight to plain HTTP for a plain-HTTP registry', async () => {
    const hits: string[] = [];
    const port = await listen(createHttpServer(registry(hits)));
    const lines: string[] = [];
    const t = createTransport({ registry: `127.0.0.1:${port}`, debug: (l) => lines.push(l) });
    try {
      expect(await t.baseUrl()).toBe(`http://127.0.0.1:${port}`);
      expect(hits).toEqual(['GET /v2/']);
      expect(lines.some((l) => l.includes('no TLS handshake; trying plain HTTP'))).toBe(true);
      // no HTTPS request was tried
      expect(lines.some((l) => l.includes('https://'))).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('pings a TLS registry over verified HTTPS with its CA (the harness CA), never over HTTP', async () => {
    const hits: string[] = [];
    const { cert, key, ca } = certs();
    const port = await listen(createHttpsServer({ cert, key }, registry(hits)));
    const dir = await mkdtemp(join(tmpdir(), 'hubctl-tls-probe-ca-'));
    try {
      await writeFile(join(dir, 'ca.crt'), ca);
      for (const host of ['127.0.0.1', 'localhost']) {
        const t = createTransport({ registry: `${host}:${port}`, caFile: join(dir, 'ca.crt') });
        try {
          expect(await t.baseUrl()).toBe(`https://${host}:${port}`);
        } finally {
          await t.close();
        }
      }
      expect(hits).toEqual(['GET /v2/', 'GET /v2/']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('still fails with a certificate error, without plain HTTP, for a TLS server with an untrusted certificate', async () => {
    const hits: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hubctl-tls-probe-self-'));
    try {
      // a self-signed certificate for 127.0.0.1 that no CA vouches for
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat(
          ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'],
          ['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        ),
        { stdio: 'ignore' },
      );
      const { readFile } = await import('node:fs/promises');
      const server = createHttpsServer(
        { cert: await readFile(join(dir, 'cert.pem')), key: await readFile(join(dir, 'key.pem')) },
        registry(hits),
      );
      const port = await listen(server);
      const t = createTransport({ registry: `127.0.0.1:${port}`, sleep: async () => undefined });
      try {
        const err = await t.baseUrl().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HubctlError);
        expect((err as HubctlError).code).toBe('TLS_ERROR');
        expect((err as HubctlError).message).toBe(`cannot connect to 127.0.0.1:${port}: TLS certificate is self-signed`);
      } finally {
        await t.close();
      }
      expect(hits).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a refused port as before', async () => {
    const port = await refusedPort();
    const t = createTransport({ registry: `127.0.0.1:${port}`, sleep: async () => undefined });
    try {
      const err = await t.baseUrl().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HubctlError);
      expect((err as HubctlError).kind).toBe('network');
      expect((err as HubctlError).code).toBe('CONNECTION_FAILED');
      expect((err as HubctlError).message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused`);
    } finally {
      await t.close();
    }
  });
});
