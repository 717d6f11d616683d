import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImage, type Registry } from '../../harness/index.mjs';
import { createClient, pull, push, tag, closeAllTransports, type Credential } from '../../../src/index.js';

let basic: Registry;
let token: Registry;
let tls: Registry;
let root: string;

beforeAll(async () => {
  [basic, token, tls] = await Promise.all([
    startRegistry({ mode: 'htpasswd' }),
    startRegistry({ mode: 'token' }),
    startRegistry({ mode: 'open', tls: true }),
  ]);
  root = await mkdtemp(join(tmpdir(), 'hubctl-pull-auth-'));
  await Promise.all([
    seedImage(basic, 'alice/app:1', { layers: [3000] }),
    seedImage(token, 'alice/app:1', { layers: [3000, 4000] }),
    seedImage(token, 'private/secret:1', { layers: [1000], creds: { username: 'admin', password: token.users.admin! } }),
    seedImage(tls, 'ns/app:1', { layers: [1000] }),
    // layers of 256 KiB and more go over raw connections (src/http/raw-request.ts), here through TLS
    seedImage(tls, 'ns/big:1', { layers: [3 * 1024 * 1024 + 5, 700_000] }),
  ]);
});

afterAll(async () => {
  await closeAllTransports();
  await Promise.all([basic?.stop(), token?.stop(), tls?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

const creds = (map: Record<string, Credential>) => async (registry: string) => map[registry];
const storeRoot = () => mkdtemp(join(root, 's-'));

describe('htpasswd (Basic) registry', () => {
  it('refuses an anonymous pull with an auth error', async () => {
    const c = createClient({ storeRoot: await storeRoot() });
    await expect(pull(c, `${basic.host}/alice/app:1`)).rejects.toMatchObject({ kind: 'auth' });
    await c.close();
  });

  it('pulls with stored credentials', async () => {
    const c = createClient({
      storeRoot: await storeRoot(),
      credentials: creds({ [basic.host]: { username: 'alice', password: basic.users.alice! } }),
    });
    const r = await pull(c, `${basic.host}/alice/app:1`);
    expect(r.bytesDownloaded).toBeGreaterThan(0);
    await c.close();
  });

  it('a wrong password is an auth error', async () => {
    const c = createClient({
      storeRoot: await storeRoot(),
      credentials: creds({ [basic.host]: { username: 'alice', password: 'wrong' } }),
    });
    await expect(pull(c, `${basic.host}/alice/app:1`)).rejects.toMatchObject({ kind: 'auth' });
    await c.close();
  });
});

describe('token-auth registry', () => {
  it('pulls a public image anonymously with one token for the pull scope', async () => {
    token.tokenServer!.clearLog();
    const c = createClient({ storeRoot: await storeRoot() });
    await pull(c, `${token.host}/alice/app:1`);
    const log = token.tokenServer!.log;
    expect(log).toHaveLength(1);
    expect(log[0]!.basic).toBe(false);
    expect(log[0]!.scopes).toEqual(['repository:alice/app:pull']);
    await c.close();
  });

  it('refuses a private image without credentials and pulls it with them', async () => {
    const anon = createClient({ storeRoot: await storeRoot() });
    await expect(pull(anon, `${token.host}/private/secret:1`)).rejects.toMatchObject({ kind: 'auth' });
    await anon.close();
    token.tokenServer!.clearLog();
    const c = createClient({
      storeRoot: await storeRoot(),
      credentials: creds({ [token.host]: { username: 'admin', password: token.users.admin! } }),
    });
    await pull(c, `${token.host}/private/secret:1`);
    expect(token.tokenServer!.log.every((e) => e.user === 'admin')).toBe(true);
    await c.close();
  });

  it('uses a stored identity token with the OAuth2 refresh flow', async () => {
    // Obtain a refresh token the way `hubctl login` does, then pull with only it.
    const { verifyCredentials } = await import('../../../src/index.js');
    const login = await verifyCredentials({ registry: token.host }, { username: 'admin', password: token.users.admin! });
    expect(login.identityToken).toBeTruthy();
    token.tokenServer!.clearLog();
    const c = createClient({ storeRoot: await storeRoot(), credentials: creds({ [token.host]: { identityToken: login.identityToken! } }) });
    await pull(c, `${token.host}/private/secret:1`);
    expect(token.tokenServer!.log[0]).toMatchObject({ method: 'POST', grantType: 'refresh_token' });
    await c.close();
  });
});

describe('TLS registry with a test CA', () => {
  it('fails to verify without the CA, with a network error naming the host', async () => {
    const c = createClient({ storeRoot: await storeRoot() });
    const err = await pull(c, `${tls.host}/ns/app:1`).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network' });
    expect(String((err as Error).message)).toContain(tls.host);
    await c.close();
  });

  it('pulls with --ca-file', async () => {
    const c = createClient({ storeRoot: await storeRoot(), caFile: tls.caFile! });
    const r = await pull(c, `${tls.host}/ns/app:1`);
    expect(r.bytesDownloaded).toBeGreaterThan(0);
    await c.close();
  });

  it('pulls and uploads layers of several MiB over TLS, verified by digest both ways', async () => {
    // a second TLS registry, so the push uploads every blob (nothing to mount from on the first)
    const tls2 = await startRegistry({ mode: 'open', tls: true });
    try {
      const { mkdir, copyFile } = await import('node:fs/promises');
      const certsD = join(root, 'certs-two');
      for (const r of [tls, tls2]) {
        await mkdir(join(certsD, r.host), { recursive: true });
        await copyFile(r.caFile!, join(certsD, r.host, 'ca.crt'));
      }
      const c = createClient({ storeRoot: await storeRoot(), certsDirs: [certsD] });
      const pulled = await pull(c, `${tls.host}/ns/big:1`);
      expect(pulled.bytesDownloaded).toBeGreaterThan(3 * 1024 * 1024);
      await tag(c, `${tls.host}/ns/big:1`, `${tls2.host}/ns/copy:1`);
      const pushed = await push(c, `${tls2.host}/ns/copy:1`);
      expect(pushed.blobs.uploaded).toBe(3);
      expect(pushed.pushed[0]?.digest).toBe(pulled.digest);
      const again = createClient({ storeRoot: await storeRoot(), certsDirs: [certsD] });
      expect((await pull(again, `${tls2.host}/ns/copy:1`)).digest).toBe(pulled.digest);
      await Promise.all([c.close(), again.close()]);
    } finally {
      await tls2.stop();
    }
  });

  it('pulls with a docker certs.d directory', async () => {
    // docker's layout: <certsDir>/<host:port>/ca.crt
    const { mkdir, copyFile } = await import('node:fs/promises');
    const certsD = join(root, 'certs.d');
    await mkdir(join(certsD, tls.host), { recursive: true });
    await copyFile(tls.caFile!, join(certsD, tls.host, 'ca.crt'));
    const c2 = createClient({ storeRoot: await storeRoot(), certsDirs: [certsD] });
    const r = await pull(c2, `${tls.host}/ns/app:1`);
    expect(r.bytesDownloaded).toBeGreaterThan(0);
    await c2.close();
  });
});
