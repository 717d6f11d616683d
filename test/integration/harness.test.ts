// Proves the shared test harness against the real distribution registry and skopeo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import https from 'node:https';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bcryptHash,
  checkTools,
  decodeJwt,
  runTool,
  runUmoci,
  writeHtpasswd,
  writeImageLayout,
  seedImage,
  seedImageDetailed,
  skopeoDigest,
  skopeoInspect,
  startRegistry,
  type Registry,
} from '../harness/index.mjs';

/** The token endpoint's JSON answer (GET has `token` too, POST only `access_token`) */
interface TokenResponse {
  token?: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
  scope?: string;
  refresh_token?: string;
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function httpsGet(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('harness: tools', () => {
  it('finds every required tool', () => {
    const r = checkTools();
    expect(r.missing).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe('harness: htpasswd files', () => {
  it('the pure-node bcrypt fallback is accepted by Apache htpasswd -v', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hubctl-harness-htpasswd-'));
    try {
      const file = join(dir, 'htpasswd');
      await writeHtpasswd(file, { alice: 'pw:with spaces é', bob: 'x'.repeat(80) }, { impl: 'node' });
      expect(await readFile(file, 'utf8')).toMatch(/^alice:\$2y\$05\$[./A-Za-z0-9]{53}\nbob:/);
      await runTool('htpasswd', ['-vb', file, 'alice', 'pw:with spaces é']);
      await runTool('htpasswd', ['-vb', file, 'bob', 'x'.repeat(80)]);
      await expect(runTool('htpasswd', ['-vb', file, 'alice', 'wrong'])).rejects.toThrow(/verification failed/);
      const reg = await startRegistry({ mode: 'htpasswd', htpasswdImpl: 'node', users: { carol: 'c-pw' } });
      try {
        expect((await fetch(`${reg.url}/v2/`, { headers: { authorization: basic('carol', 'c-pw') } })).status).toBe(200);
        expect((await fetch(`${reg.url}/v2/`, { headers: { authorization: basic('carol', 'c-pX') } })).status).toBe(401);
      } finally {
        await reg.stop();
      }
      // known-answer vector (OpenBSD / python crypt): password 'U*U', salt 'CCCCCCCCCCCCCCCCCCCCC.'
      const salt = Buffer.from([0x10, 0x41, 0x04, 0x10, 0x41, 0x04, 0x10, 0x41, 0x04, 0x10, 0x41, 0x04, 0x10, 0x41, 0x04, 0x10]);
      expect(bcryptHash('U*U', { salt }).slice(7)).toBe('CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('harness: OCI layouts', () => {
  it('umoci unpacks a written layout (it checks digests and diff_ids) with the requested sizes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hubctl-harness-layout-'));
    try {
      const layout = await writeImageLayout(join(dir, 'oci'), 'v1', { layers: [3000, 70_000], content: 'pattern' });
      expect(layout.images[0]!.layers.map((l) => l.size).every((s) => s < 2000)).toBe(true); // pattern compresses
      await runUmoci(['unpack', '--rootless', '--image', `${join(dir, 'oci')}:v1`, join(dir, 'bundle')]);
      expect((await stat(join(dir, 'bundle', 'rootfs', 'layer1', 'data.bin'))).size).toBe(70_000);
      const text = await readFile(join(dir, 'bundle', 'rootfs', 'layer0', 'data.bin'), 'utf8');
      expect(text.startsWith('hubctl test layer ')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('harness: open registry', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'open' });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('answers /v2/ on a loopback port and seeds an image skopeo can read back', async () => {
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`${reg.url}/v2/`)).status).toBe(200);
    const { digest, layout } = await seedImageDetailed(reg, 'lib/hello:v1', { layers: [4096, 1000, 0] });
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest).toBe(layout.digest); // skopeo copies the OCI manifest unchanged
    expect(await skopeoDigest(`${reg.host}/lib/hello:v1`, { registry: reg })).toBe(digest);
    const m = await skopeoInspect(`${reg.host}/lib/hello:v1`, { registry: reg, raw: true });
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.layers).toHaveLength(3);
    const cfg = await skopeoInspect(`${reg.host}/lib/hello:v1`, { registry: reg, config: true });
    expect(cfg.rootfs.diff_ids).toEqual(layout.images[0]!.layers.map((l) => l.diffId));
  });

  it('pushes docker schema2 with format v2s2', async () => {
    const digest = await seedImage(reg, 'lib/docker:v1', { format: 'v2s2', count: 2, size: 2048, content: 'pattern' });
    const m = await skopeoInspect(`${reg.host}/lib/docker:v1`, { registry: reg, raw: true });
    expect(m.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(await skopeoDigest(`${reg.host}/lib/docker:v1`, { registry: reg })).toBe(digest);
  });

  it('seeds a multi-arch OCI index with an unknown/unknown attestation entry', async () => {
    const digest = await seedImage(reg, 'lib/multi:v1', { multiArch: true });
    const idx = await skopeoInspect(`${reg.host}/lib/multi:v1`, { registry: reg, raw: true });
    expect(idx.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const children = idx.manifests!;
    expect(children.map((d) => [d.platform!.os, d.platform!.architecture, d.platform!.variant ?? ''])).toEqual([
      ['linux', 'amd64', ''],
      ['linux', 'arm64', 'v8'],
      ['unknown', 'unknown', ''],
    ]);
    expect(children[2]!.annotations!['vnd.docker.reference.type']).toBe('attestation-manifest');
    expect(children[2]!.annotations!['vnd.docker.reference.digest']).toBe(children[0]!.digest);
    expect(await skopeoDigest(`${reg.host}/lib/multi:v1`, { registry: reg })).toBe(digest);
    // every child is pullable by digest
    for (const d of children) {
      const child = await skopeoInspect(`${reg.host}/lib/multi@${d.digest}`, { registry: reg, raw: true });
      expect(child.schemaVersion).toBe(2);
    }
  });

  it('multi-arch as a docker manifest list (v2s2, no attestation)', async () => {
    await seedImage(reg, 'lib/multi-docker:v1', { multiArch: true, format: 'v2s2' });
    const list = await skopeoInspect(`${reg.host}/lib/multi-docker:v1`, { registry: reg, raw: true });
    expect(list.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(list.manifests).toHaveLength(2);
  });

  it('stop() removes the data dir and is idempotent', async () => {
    const r = await startRegistry();
    expect(existsSync(r.dataDir)).toBe(true);
    await r.stop();
    await r.stop();
    expect(existsSync(r.dataDir)).toBe(false);
    await expect(fetch(`${r.url}/v2/`)).rejects.toThrow();
  });
});

describe('harness: lifecycle', () => {
  it('a registry that fails to start gives an error with its own output', async () => {
    await expect(startRegistry({ logLevel: 'bogus' })).rejects.toThrow(/exited \(code 1[\s\S]*invalid loglevel bogus/);
  });

  it('a registry does not outlive a SIGKILLed test process; its temp dirs are removed', async () => {
    const harness = fileURLToPath(new URL('../harness/index.mjs', import.meta.url));
    const script = `import { startRegistry } from ${JSON.stringify(harness)};
      const r = await startRegistry({ mode: 'token' });
      console.log(JSON.stringify({ pid: r.pid, work: r.workDir, data: r.dataDir }));
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const signal = await new Promise((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const info = JSON.parse(out.trim()) as { pid: number; work: string; data: string };
    const alive = () => {
      try {
        process.kill(info.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 8000;
    while ((alive() || existsSync(info.work)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
    expect(existsSync(info.work)).toBe(false);
    expect(existsSync(info.data)).toBe(false);
  });
});

describe('harness: htpasswd registry', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'htpasswd', users: { alice: 'pw-alice', bob: 'pw-bob' } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('401 with a Basic challenge without creds, 200 with, 401 with a wrong password', async () => {
    const anon = await fetch(`${reg.url}/v2/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(`${reg.url}/v2/`, { headers: { authorization: basic('alice', 'pw-alice') } })).status).toBe(200);
    expect((await fetch(`${reg.url}/v2/`, { headers: { authorization: basic('alice', 'nope') } })).status).toBe(401);
  });

  it('seeds with creds; skopeo needs creds to read', async () => {
    const digest = await seedImage(reg, 'team/app:v1', { creds: 'bob:pw-bob' });
    expect(await skopeoDigest(`${reg.host}/team/app:v1`, { registry: reg, creds: { username: 'alice', password: 'pw-alice' } })).toBe(
      digest,
    );
    await expect(skopeoDigest(`${reg.host}/team/app:v1`, { registry: reg, creds: null })).rejects.toThrow(
      /unauthorized|authentication required/i,
    );
  });

  it('errors never show the password', async () => {
    const err = await seedImage(reg, 'team/app:v2', { creds: 'alice:wrong-password-xyz' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('wrong-password-xyz');
  });
});

describe('harness: token registry', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'token' });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('challenges with Bearer pointing at the token server', async () => {
    const res = await fetch(`${reg.url}/v2/`);
    expect(res.status).toBe(401);
    const ts = reg.tokenServer!;
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${ts.realm}",service="${ts.service}"`);
  });

  it('anonymous pull token for a public repo works via skopeo inspect', async () => {
    const digest = await seedImage(reg, 'library/pub:v1', { creds: 'admin:admin-secret' });
    reg.tokenServer!.clearLog();
    expect(await skopeoDigest(`${reg.host}/library/pub:v1`, { registry: reg, creds: null })).toBe(digest);
    const log = reg.tokenServer!.log;
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => !e.basic && e.user === null && e.method === 'GET')).toBe(true);
    expect(log[0]!.scopes).toEqual(['repository:library/pub:pull']);
    expect(log[0]!.query.service).toBe(reg.tokenServer!.service);
  });

  it('alice pushes to alice/x with --dest-creds; bob is refused', async () => {
    const digest = await seedImage(reg, 'alice/x:v1', { creds: 'alice:alice-secret' });
    expect(await skopeoDigest(`${reg.host}/alice/x:v1`, { registry: reg, creds: 'alice:alice-secret' })).toBe(digest);
    const ts = reg.tokenServer!;
    expect(ts.log.some((e) => e.user === 'alice' && e.basic && e.scopes.includes('repository:alice/x:pull,push'))).toBe(true);
    expect(JSON.stringify(ts.log)).not.toContain('alice-secret');
    ts.clearLog();
    await expect(seedImage(reg, 'alice/x:v2', { creds: 'bob:bob-secret' })).rejects.toThrow(/denied|unauthorized/i);
    const bobReq = ts.log.find((e) => e.user === 'bob');
    expect(bobReq?.granted?.find((g) => g.name === 'alice/x')?.actions ?? []).not.toContain('push');
  });

  it('private/ is not pullable anonymously', async () => {
    await seedImage(reg, 'private/secret:v1', { creds: 'admin:admin-secret' });
    await expect(skopeoDigest(`${reg.host}/private/secret:v1`, { registry: reg, creds: null })).rejects.toThrow(
      /unauthorized|authentication required|denied/i,
    );
  });

  it('token endpoint: GET with Basic + offline_token, wrong password, OAuth2 POST password and refresh grants', async () => {
    const ts = reg.tokenServer!;
    const q = `service=${encodeURIComponent(ts.service)}&scope=${encodeURIComponent('repository:alice/x:pull,push')}&scope=registry:catalog:*`;
    const bad = await fetch(`${ts.realm}?${q}`, { headers: { authorization: basic('alice', 'nope') } });
    expect(bad.status).toBe(401);
    const got = await fetch(`${ts.realm}?${q}&account=alice&offline_token=true&client_id=test`, {
      headers: { authorization: basic('alice', 'alice-secret') },
    });
    expect(got.status).toBe(200);
    const body = (await got.json()) as TokenResponse;
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    expect(typeof body.issued_at).toBe('string');
    expect(typeof body.refresh_token).toBe('string');
    const { header, claims } = decodeJwt(body.token!);
    expect(header.alg).toBe('RS256');
    expect(header.x5c).toHaveLength(1);
    expect(claims).toMatchObject({ iss: ts.issuer, aud: ts.service, sub: 'alice' });
    expect(claims.access).toEqual([
      { type: 'repository', name: 'alice/x', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    // the registry accepts it: catalog lists alice/x
    const cat = await fetch(`${reg.url}/v2/_catalog`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(cat.status).toBe(200);
    expect(((await cat.json()) as { repositories: string[] }).repositories).toContain('alice/x');

    const form = (f: Record<string, string>) =>
      fetch(ts.realm, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f) });
    const pw = await form({
      grant_type: 'password',
      username: 'bob',
      password: 'bob-secret',
      service: ts.service,
      client_id: 'hubctl-test',
      access_type: 'offline',
      scope: 'repository:bob/a:pull,push repository:library/pub:pull',
    });
    expect(pw.status).toBe(200);
    const pwBody = (await pw.json()) as TokenResponse;
    expect(decodeJwt(pwBody.access_token).claims.access).toHaveLength(2);
    const rt = await form({
      grant_type: 'refresh_token',
      refresh_token: pwBody.refresh_token!,
      service: ts.service,
      client_id: 'hubctl-test',
      scope: 'repository:bob/a:pull',
    });
    expect(rt.status).toBe(200);
    expect(decodeJwt(((await rt.json()) as TokenResponse).access_token).claims.sub).toBe('bob');
    expect((await form({ grant_type: 'refresh_token', refresh_token: 'made-up', service: ts.service, client_id: 'x' })).status).toBe(401);
    expect((await form({ grant_type: 'password', username: 'bob', password: 'bad', service: ts.service, client_id: 'x' })).status).toBe(
      401,
    );
    const posts = ts.log.filter((e) => e.method === 'POST');
    expect(posts.map((e) => e.grantType)).toEqual(['password', 'refresh_token', 'refresh_token', 'password']);
    expect(JSON.stringify(posts)).not.toContain('bob-secret');
    expect(JSON.stringify(posts)).not.toContain(pwBody.refresh_token);
  });

  it('expOffsetSeconds: tokens past the 60 s leeway are rejected, inside it accepted', async () => {
    const ts = reg.tokenServer!;
    const scope = [{ type: 'repository', name: 'library/pub', actions: ['pull'] }];
    const url = `${reg.url}/v2/library/pub/tags/list`;
    const ok = ts.issueToken(null, scope, { expOffsetSeconds: -30 });
    expect((await fetch(url, { headers: { authorization: `Bearer ${ok.token}` } })).status).toBe(200);
    const expired = ts.issueToken(null, scope, { expOffsetSeconds: -120 });
    const res = await fetch(url, { headers: { authorization: `Bearer ${expired.token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('fault modes can be switched at runtime', async () => {
    const ts = reg.tokenServer!;
    try {
      ts.setMode('down');
      expect((await fetch(`${ts.realm}?service=x`)).status).toBe(503);
      ts.setMode('garbage');
      const g = await fetch(`${ts.realm}?service=x`);
      expect(g.status).toBe(200);
      await expect(g.json()).rejects.toThrow();
      ts.setMode('reset');
      await expect(fetch(`${ts.realm}?service=x`)).rejects.toThrow();
      ts.setMode('bad-token');
      const b = (await (await fetch(`${ts.realm}?service=x`)).json()) as TokenResponse;
      const res = await fetch(`${reg.url}/v2/`, { headers: { authorization: `Bearer ${b.token}` } });
      expect(res.status).toBe(401);
    } finally {
      ts.setMode('ok');
    }
  });
});

describe('harness: token registry over TLS with ES256 tokens', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'token', tls: true, token: { signingAlg: 'ES256' } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('https realm on the same test CA; distribution accepts ES256 x5c tokens', async () => {
    const ts = reg.tokenServer!;
    expect(ts.realm).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/token$/);
    const digest = await seedImage(reg, 'alice/es:v1');
    expect(await skopeoDigest(`${reg.host}/alice/es:v1`, { registry: reg, creds: null })).toBe(digest);
    const { header } = decodeJwt(ts.issueToken(null, []).token);
    expect(header.alg).toBe('ES256');
    const res = await httpsGet(`${ts.realm}?service=${encodeURIComponent(ts.service)}`, reg.ca);
    expect(res.status).toBe(200);
  });
});

describe('harness: TLS registry', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'htpasswd', tls: true });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('serves https for 127.0.0.1 signed by the test CA', async () => {
    expect(reg.url).toBe(`https://${reg.host}`);
    expect(reg.caFile && existsSync(reg.caFile)).toBe(true);
    const res = await httpsGet(`${reg.url}/v2/`, reg.ca);
    expect(res.status).toBe(401);
    await expect(httpsGet(`${reg.url}/v2/`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    const local = await httpsGet(`https://localhost:${reg.host.split(':')[1]}/v2/`, reg.ca).catch((e: Error) => e);
    // localhost may resolve to ::1 first where nothing listens; when it connects, the name must verify
    if (!(local instanceof Error)) expect(local.status).toBe(401);
    else expect(local.message).not.toMatch(/altname|certificate/i);
  });

  it('skopeo pushes and inspects with --cert-dir (verification on)', async () => {
    const digest = await seedImage(reg, 'alice/tls:v1');
    expect(await skopeoDigest(`${reg.host}/alice/tls:v1`, { registry: reg, creds: 'alice:alice-secret' })).toBe(digest);
    // without the CA, verification fails
    await expect(skopeoDigest(`${reg.host}/alice/tls:v1`, { tlsVerify: true, creds: 'alice:alice-secret' })).rejects.toThrow(
      /certificate|x509/i,
    );
  });
});
