import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, buildConnector } from 'undici';
import { startRegistry, seedImageDetailed, startFaultProxy, type Registry, type FaultProxy } from '../../harness/index.mjs';
import { createClient, pull, closeAllTransports, type Credential } from '../../../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-sec-'));
});
afterAll(async () => {
  await closeAllTransports();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('Authorization never follows a redirect to another origin', () => {
  for (const mode of ['htpasswd', 'token'] as const) {
    describe(`${mode} registry`, () => {
      let reg: Registry;
      let front: FaultProxy;
      let storage: FaultProxy;
      let layer: string;

      beforeAll(async () => {
        reg = await startRegistry({ mode });
        const seeded = await seedImageDetailed(reg, 'alice/sec:1', { layers: [50_000] });
        layer = seeded.layout.images[0]!.layers[0]!.digest;
        // the "storage" server gets its own credential from the test, never from hubctl
        const storageAuth =
          mode === 'token'
            ? `Bearer ${reg.tokenServer!.issueToken('alice', [{ type: 'repository', name: 'alice/sec', actions: ['pull'] }]).token}`
            : `Basic ${Buffer.from(`alice:${reg.users.alice}`).toString('base64')}`;
        storage = await startFaultProxy({ upstream: reg.host, upstreamHeaders: { authorization: storageAuth } });
        front = await startFaultProxy({ upstream: reg.host });
      });
      afterAll(async () => {
        await Promise.all([front?.close(), storage?.close()]);
        await reg?.stop();
      });

      it('a blob redirected to a second loopback server is fetched there without Authorization', async () => {
        front.setRules([{ method: 'GET', path: /\/blobs\/sha256:/, times: 100, action: { type: 'redirect', to: storage.url } }]);
        const c = createClient({
          storeRoot: join(root, `store-${mode}`),
          credentials: async (): Promise<Credential> => ({ username: 'alice', password: reg.users.alice! }),
        });
        await pull(c, `${front.host}/alice/sec:1`);
        await c.close();
        const asked = front.requests('GET', `/blobs/${layer}`);
        expect(asked).toHaveLength(1);
        expect(asked[0]!.authorization).toBe(true); // the registry itself did get credentials
        expect(asked[0]!.status).toBe(307);
        const fetched = storage.requests('GET');
        expect(fetched.length).toBeGreaterThanOrEqual(2); // config + layer
        for (const r of fetched) {
          expect(r.authorization).toBe(false);
          expect(r.headers.authorization).toBeUndefined();
        }
      });
    });
  }
});

describe('token realms on link-local or metadata addresses', () => {
  let stub: Server;
  let stubHost: string;
  let realm = '';
  const connects: string[] = [];
  // a dispatcher that records every host hubctl connects to (the only way out of this client)
  const connector = buildConnector({});
  const dispatcher = new Agent({
    connect: (opts, cb) => {
      connects.push(opts.hostname);
      connector(opts, cb);
    },
  });

  beforeAll(async () => {
    stub = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="stub"`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
    const addr = stub.address();
    stubHost = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await dispatcher.close();
    await new Promise((r) => stub.close(r));
  });

  const refused = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://169.254.169.254/token',
    'http://metadata.google.internal/computeMetadata/v1/token',
    'https://[fe80::1]/token',
    'http://[::ffff:169.254.169.254]/token',
    'https://metadata.google.internal/token',
    'https://[::ffff:169.254.169.254]/token',
    'https://[::ffff:a9fe:a9fe]:8443/token',
    'https://169.254.170.2/v2/credentials',
  ];
  for (const r of refused) {
    it(`refuses ${r} before any connection to it, with an auth error`, async () => {
      realm = r;
      connects.length = 0;
      const c = createClient({
        storeRoot: join(root, 'stub-store'),
        dispatcher,
        credentials: async (): Promise<Credential> => ({ username: 'alice', password: 'secret-password' }),
      });
      const err = await pull(c, `${stubHost}/alice/x:1`).catch((e: unknown) => e);
      await c.close();
      expect(err).toMatchObject({ kind: 'auth', code: 'INVALID_REALM' });
      expect(String((err as Error).message)).toMatch(
        r.startsWith('https:')
          ? /refusing the token realm .*link-local or cloud metadata/
          : /refusing the token realm .*(plain HTTP|link-local)/,
      );
      expect(String((err as Error).message)).not.toContain('secret-password');
      expect(connects.length).toBeGreaterThan(0);
      expect(new Set(connects)).toEqual(new Set(['127.0.0.1']));
    });
  }
});
