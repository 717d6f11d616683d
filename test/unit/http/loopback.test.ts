import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTransport, verifyCredentials, closeAllTransports } from '../../../src/auth/index.js';
import { HubctlError } from '../../../src/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
let dir: string;
let certFile: string;
let keyFile: string;

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const registryHandler: Handler = (req, res) => {
  if (req.url === '/v2/') {
    res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
    return;
  }
  res
    .writeHead(404, { 'content-type': 'application/json' })
    .end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hubctl-tls-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  await closeAllTransports();
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections?.();
          s.close(() => r());
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

describe('loopback scheme detection', () => {
  it('falls back from HTTPS to HTTP for a plain-HTTP loopback registry and remembers it', async () => {
    let hits = 0;
    const port = await listen(
      createHttpServer((req, res) => {
        hits++;
        registryHandler(req, res);
      }),
    );
    const lines: string[] = [];
    const t = createTransport({ registry: `127.0.0.1:${port}`, debug: (l) => lines.push(l) });
    expect(await t.baseUrl()).toBe(`http://127.0.0.1:${port}`);
    const err = await t.request({ method: 'GET', url: '/v2/x/tags/list', scopes: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe('notfound');
    expect(err.code).toBe('NAME_UNKNOWN');
    expect(hits).toBe(2); // one ping over http, one request: the https attempt never reached the handler
    expect(lines.some((l) => l.includes('trying plain HTTP'))).toBe(true);
    await t.close();
  });

  it('reports connection refused with the host', async () => {
    const probe = createHttpServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const t = createTransport({ registry: `127.0.0.1:${port}`, sleep: async () => undefined });
    const err = await t.request({ method: 'GET', url: '/v2/', scopes: [] }).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused`);
    await t.close();
  });
});

describe('TLS', () => {
  it('trusts a CA file, and rejects the self-signed cert without it (no HTTP fallback)', async () => {
    const server = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, registryHandler);
    const port = await listen(server);
    const registry = `127.0.0.1:${port}`;

    const trusted = createTransport({ registry, caFile: certFile });
    expect(await trusted.baseUrl()).toBe(`https://${registry}`);
    await trusted.close();

    const untrusted = createTransport({ registry, sleep: async () => undefined });
    const err = await untrusted.baseUrl().catch((e) => e);
    expect(err).toBeInstanceOf(HubctlError);
    expect(err.kind).toBe('network');
    expect(err.code).toBe('TLS_ERROR');
    expect(err.message).toContain(registry);
    await untrusted.close();

    const insecure = createTransport({ registry, insecure: true });
    expect(await insecure.baseUrl()).toBe(`https://${registry}`);
    await insecure.close();
  });

  it('reads <certsDir>/<host:port>/*.crt', async () => {
    const server = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, registryHandler);
    const port = await listen(server);
    const registry = `127.0.0.1:${port}`;
    const certsDir = join(dir, 'certs.d');
    mkdirSync(join(certsDir, registry), { recursive: true });
    copyFileSync(certFile, join(certsDir, registry, 'my-ca.crt'));
    const t = createTransport({ registry, certsDirs: [join(dir, 'missing'), certsDir] });
    expect(await t.baseUrl()).toBe(`https://${registry}`);
    await t.close();
  });
});

describe('proxy from options.env', () => {
  it('sends requests through HTTP_PROXY (absolute form for an insecure plain-HTTP registry)', async () => {
    const seen: string[] = [];
    // a toy forward proxy that answers itself (and refuses CONNECT, so HTTPS falls back to HTTP)
    const proxy = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200).end('{}');
    });
    proxy.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
    const proxyPort = await listen(proxy);
    const env = { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, https_proxy: `http://127.0.0.1:${proxyPort}` };
    const t = createTransport({ registry: 'registry.invalid:5999', insecure: true, env });
    expect(await t.baseUrl()).toBe('http://registry.invalid:5999');
    expect(seen).toContain('GET http://registry.invalid:5999/v2/');
    await t.close();
    const excluded = createTransport({
      registry: 'registry.invalid:5999',
      insecure: true,
      env: { ...env, NO_PROXY: '.invalid' },
      sleep: async () => undefined,
    });
    const err = await excluded.baseUrl().catch((e) => e);
    expect(err.kind).toBe('network'); // resolved directly: the name does not exist
    expect(seen).toHaveLength(1);
    await excluded.close();
  });

  it('never proxies loopback registries', async () => {
    let proxied = 0;
    const proxyPort = await listen(
      createHttpServer((_req, res) => {
        proxied++;
        res.writeHead(500).end();
      }),
    );
    const regPort = await listen(createHttpServer(registryHandler));
    const t = createTransport({ registry: `127.0.0.1:${regPort}`, env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` } });
    expect(await t.baseUrl()).toBe(`http://127.0.0.1:${regPort}`);
    expect(proxied).toBe(0);
    await t.close();
  });
});

describe('verifyCredentials against a loopback Basic registry', () => {
  it('accepts good and refuses bad credentials', async () => {
    const good = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    const port = await listen(
      createHttpServer((req, res) => {
        if (req.headers.authorization === good) res.writeHead(200).end('{}');
        else res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' }).end();
      }),
    );
    const registry = `127.0.0.1:${port}`;
    expect(await verifyCredentials({ registry }, { username: 'alice', password: 'pw' })).toEqual({});
    const err = await verifyCredentials({ registry }, { username: 'alice', password: 'nope' }).catch((e) => e);
    expect(err.kind).toBe('auth');
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toBe(`login to ${registry} failed: incorrect username or password`);
  });
});
