import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Server, Socket } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTlsCerts } from '../../harness/index.mjs';

export interface TestCerts {
  ca: string;
  cert: Buffer;
  key: Buffer;
}

/** Servers and server-side sockets a test file registers, all destroyed and closed after each test. */
export function useServerTeardown(): { servers: Server[]; sockets: Set<Socket> } {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  return { servers, sockets };
}

/**
 * useServerTeardown(), and a test CA with a certificate for localhost/127.0.0.1, made once per file
 * (read certs() in tests).
 */
export function useLoopbackServers(prefix: string): { servers: Server[]; sockets: Set<Socket>; certs: () => TestCerts } {
  const { servers, sockets } = useServerTeardown();
  let certDir: string | undefined;
  let certs: TestCerts | undefined;
  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), prefix));
    const files = await makeTlsCerts(certDir);
    certs = { ca: await readFile(files.caFile, 'utf8'), cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
  });
  afterAll(() => (certDir === undefined ? undefined : rm(certDir, { recursive: true, force: true })));
  return {
    servers,
    sockets,
    certs: () => {
      if (certs === undefined) throw new Error('test certificates are made in beforeAll');
      return certs;
    },
  };
}
