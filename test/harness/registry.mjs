// Start a real CNCF distribution registry (Debian docker-registry 2.8.2) on a free loopback port.
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { requireTool } from './tools.mjs';
import { freePort } from './ports.mjs';
import { makeTlsCerts } from './certs.mjs';
import { writeHtpasswd } from './htpasswd.mjs';
import { startTokenServer } from './token-server.mjs';
import { spawnWatched } from './watchdog.mjs';

/**
 * @typedef {'open' | 'htpasswd' | 'token'} RegistryMode
 * @typedef {{
 *   mode?: RegistryMode, tls?: boolean, users?: Record<string, string>,
 *   token?: import('./token-server.mjs').TokenServerOptions, deleteEnabled?: boolean,
 *   storageDir?: string, keepData?: boolean, readyTimeoutMs?: number, logLevel?: string,
 *   htpasswdImpl?: 'auto' | 'htpasswd' | 'node', notifications?: Record<string, unknown>, accessLog?: boolean,
 * }} StartRegistryOptions
 */

/** Users of htpasswd/token registries unless `users` is given; in token mode `admin` may push anywhere. */
export const DEFAULT_USERS = Object.freeze({ alice: 'alice-secret', bob: 'bob-secret', admin: 'admin-secret' });

/**
 * Live registries, killed and cleaned by the process 'exit' backstop. Each registry also runs under a shell
 * watchdog (watchdog.mjs) that stops it and removes its directories when this process dies by a signal.
 * @type {Set<{ pid?: number, dirs: string[], child?: import('node:child_process').ChildProcess }>}
 */
const live = new Set();
let backstopInstalled = false;
function installBackstop() {
  if (backstopInstalled) return;
  backstopInstalled = true;
  process.on('exit', () => {
    for (const r of live) {
      // Only while the watchdog shell lives: it waits for the registry, so the pid cannot have been reused.
      try {
        if (r.pid && r.pid > 0 && r.child?.exitCode === null && r.child.signalCode === null) process.kill(r.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      for (const d of r.dirs) {
        try {
          rmSync(d, { recursive: true, force: true });
        } catch {
          /* best effort */
        }
      }
    }
  });
}

/** Environment without REGISTRY_* overrides (distribution reads them as config). */
function cleanEnv() {
  /** @type {NodeJS.ProcessEnv} */ const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('REGISTRY_')) env[k] = v;
  return env;
}

/**
 * GET /v2/ once; resolves with the status code or rejects on a connection error.
 * @param {string} url @param {string | undefined} ca
 * @returns {Promise<number>}
 */
function probe(url, ca) {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(`${url}/v2/`, { ca, timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('probe timeout')));
    req.on('error', reject);
  });
}

/**
 * Start a registry. `storageDir` is a parent directory (e.g. on tmpfs) in which the data directory is created.
 * @param {StartRegistryOptions} [opts]
 */
export async function startRegistry(opts = {}) {
  const bin = requireTool('docker-registry');
  installBackstop();
  const mode = opts.mode ?? 'open';
  const users = mode === 'open' ? { ...(opts.users ?? {}) } : { ...(opts.users ?? DEFAULT_USERS) };
  const work = await mkdtemp(join(tmpdir(), 'hubctl-registry-'));
  const dirs = [work];
  /** @type {Awaited<ReturnType<typeof startTokenServer>> | undefined} */ let tokenServer;
  /** @type {{ pid?: number, dirs: string[], child?: import('node:child_process').ChildProcess } | undefined} */ let entry;
  try {
    let dataDir = join(work, 'data');
    if (opts.storageDir) {
      await mkdir(opts.storageDir, { recursive: true });
      dataDir = await mkdtemp(join(opts.storageDir, 'hubctl-registry-data-'));
      if (!opts.keepData) dirs.push(dataDir);
    } else await mkdir(dataDir);

    const tlsFiles = opts.tls ? await makeTlsCerts(join(work, 'tls')) : undefined;
    /** @type {Record<string, unknown>} */ let auth = {};
    if (mode === 'htpasswd') {
      const file = join(work, 'htpasswd');
      await writeHtpasswd(file, users, { impl: opts.htpasswdImpl });
      auth = { htpasswd: { realm: 'hubctl-test-registry', path: file } };
    } else if (mode === 'token') {
      // With a TLS registry the realm is https too (same test CA) unless token.tls is false.
      const tokenTls = opts.token?.tls ?? !!tlsFiles;
      tokenServer = await startTokenServer({
        ...(opts.token ?? {}),
        users: { ...users, ...(opts.token?.users ?? {}) },
        dir: join(work, 'token'),
        tls: tokenTls === true ? (tlsFiles ? { certFile: tlsFiles.certFile, keyFile: tlsFiles.keyFile } : true) : tokenTls,
      });
      auth = {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: tokenServer.rootCertFile,
        },
      };
    } else if (mode !== 'open') throw new Error(`startRegistry: unknown mode ${mode}`);

    const ca = tlsFiles ? readFileSync(tlsFiles.caFile, 'utf8') : undefined;
    const scheme = tlsFiles ? 'https' : 'http';
    const configFile = join(work, 'config.yml');
    const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;

    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      /** @type {Record<string, unknown>} */
      const httpCfg = { addr: host, secret: randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } };
      if (tlsFiles) httpCfg.tls = { certificate: tlsFiles.certFile, key: tlsFiles.keyFile };
      const config = {
        version: '0.1',
        log: { level: opts.logLevel ?? 'warn', formatter: 'text', accesslog: { disabled: !opts.accessLog } },
        storage: {
          filesystem: { rootdirectory: dataDir },
          delete: { enabled: opts.deleteEnabled ?? true },
          maintenance: { uploadpurging: { enabled: false } },
        },
        http: httpCfg,
        ...(mode === 'open' ? {} : { auth }),
        // Webhook endpoints the registry POSTs its event envelopes to (distribution's config as is).
        ...(opts.notifications ? { notifications: opts.notifications } : {}),
      };
      // YAML is a superset of JSON; distribution's yaml.v2 parser reads this fine.
      await writeFile(configFile, JSON.stringify(config, null, 2));
      const watched = spawnWatched(bin, ['serve', configFile], { env: cleanEnv(), removeOnExit: dirs });
      const child = watched.child;
      entry = { dirs, child };
      const self = entry;
      watched.pid.then((pid) => {
        self.pid = pid;
      });
      live.add(entry);
      let output = '';
      // access log lines (Apache combined format, one per request) when asked for, kept whole
      /** @type {string[]} */ const accessLines = [];
      let partial = '';
      watched.onOutput((d) => {
        output = (output + d).slice(-16_000);
        if (!opts.accessLog) return;
        const lines = (partial + d).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (/"[A-Z]+ \S+ HTTP\/[\d.]+" \d{3} /.test(l) && accessLines.length < 200_000) accessLines.push(l);
      });
      /** @type {{ code: number | null, signal: string | null } | null} */ let exited = null;
      child.on('exit', (code, signal) => {
        exited = { code, signal };
      });
      const url = `${scheme}://${host}`;
      const deadline = Date.now() + readyTimeoutMs;
      let up = false;
      while (Date.now() < deadline && !exited) {
        try {
          await probe(url, ca);
          up = true;
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (up && !exited) {
        const registryPid = await watched.pid;
        let stopped = false;
        return {
          host,
          url,
          mode,
          tls: !!tlsFiles,
          caFile: tlsFiles?.caFile,
          certDir: tlsFiles?.certDir,
          ca,
          users,
          tokenServer,
          dataDir,
          configFile,
          workDir: work,
          pid: registryPid,
          /** Registry stdout+stderr so far (last 16 kB). */
          output: () => output,
          /** With `accessLog`: every request so far as `{ method, path, status }`, oldest first. */
          accessLog: () =>
            accessLines.map((l) => {
              const m = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /.exec(l);
              return { method: m?.[1] ?? '', path: m?.[2] ?? '', status: Number(m?.[3] ?? 0), line: l };
            }),
          async stop() {
            if (stopped) return;
            stopped = true;
            // Closing the watchdog's stdin makes it SIGTERM the registry (SIGKILL after 5 s) and remove the dirs.
            const gone = child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null;
            watched.release();
            if (gone) await gone;
            for (let i = 0; i < 100 && dirs.some((d) => existsSync(d)); i++) await new Promise((r) => setTimeout(r, 50));
            live.delete(self);
            await tokenServer?.stop();
            for (const d of dirs) await rm(d, { recursive: true, force: true });
          },
        };
      }
      // Kill this attempt's registry directly; the watchdog keeps waiting and removes the dirs when node exits.
      if (!exited) {
        child.ref();
        const pid = await watched.pid;
        try {
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await new Promise((r) => child.once('exit', r));
      }
      live.delete(entry);
      lastError = `registry on ${host} ${exited ? `exited (code ${/** @type {any} */ (exited).code}, signal ${/** @type {any} */ (exited).signal})` : `did not answer GET /v2/ within ${readyTimeoutMs} ms`}\n--- registry output ---\n${output.trim()}`;
      if (!/address already in use/i.test(output)) break;
    }
    throw new Error(`startRegistry(${mode}${opts.tls ? ', tls' : ''}) failed: ${lastError}`);
  } catch (err) {
    await tokenServer?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    throw err;
  }
}
