import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { Dispatcher, EnvHttpProxyAgent } from 'undici';
import { undici } from './undici.js';
import { HubctlError, redactSecrets, storeError, usageError } from '../errors.js';
import { readRegularFileSync } from '../fs/read-regular.js';
import { errMessage } from './body.js';
import { createKeptRawClient, type KeptRawClient } from './raw-keepalive.js';
import { isLoopbackHost } from './hosts.js';
import { DEFAULT_HEADERS_TIMEOUT_MS } from './limits.js';

export interface DispatcherConfig {
  /** Names a certs.d directory may use for this registry (`localhost:5000`, `registry-1.docker.io`). */
  hostNames: readonly string[];
  insecure?: boolean;
  caFile?: string;
  certsDirs?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  bodyTimeoutMs?: number;
  headersTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** A CA bundle larger than this is not one (the system bundle is about 200 KiB). */
const MAX_CA_BYTES = 4 * 1024 * 1024;

/** Connections per origin: enough for parallel blob transfers. */
export const POOL_CONNECTIONS = 16;

/**
 * Keeps the connection after a HEAD. undici closes it by default, for servers that wrongly send a
 * body with a HEAD response (undici#258); registries do not (docker's and skopeo's Go clients reuse
 * these connections too), and a push HEADs every blob: 200 small layers cost 200 new connections,
 * each a handshake and a new server-side connection, before this. A request that sets `reset` itself
 * keeps its choice.
 */
export function keepAliveAfterHead(dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] {
  return (opts, handler) => dispatch(opts.method === 'HEAD' && opts.reset === undefined ? { ...opts, reset: false } : opts, handler);
}

/** Reads the extra CA certificates for a registry: `caFile`, then `<certsDir>/<host>/*.crt`. */
export function loadExtraCAs(config: Pick<DispatcherConfig, 'caFile' | 'certsDirs' | 'hostNames'>): string[] {
  const pems: string[] = [];
  if (config.caFile !== undefined) {
    let pem: Buffer | undefined;
    try {
      // a regular file only: --ca-file /dev/zero or a FIFO is refused, not read (src/fs/read-regular.ts)
      pem = readRegularFileSync(config.caFile, { what: 'CA file', maxBytes: MAX_CA_BYTES });
    } catch (e) {
      if (e instanceof HubctlError && e.code === 'NOT_A_REGULAR_FILE') throw e;
      throw storeError('CA_FILE_UNREADABLE', `cannot read CA file ${config.caFile}: ${errMessage(e)}`, { cause: e });
    }
    if (pem === undefined) throw storeError('CA_FILE_UNREADABLE', `cannot read CA file ${config.caFile}: no such file`);
    pems.push(pem.toString('utf8'));
  }
  for (const dir of config.certsDirs ?? []) {
    for (const name of new Set(config.hostNames)) {
      const hostDir = join(dir, name);
      let entries: string[];
      try {
        entries = readdirSync(hostDir);
      } catch {
        continue; // no directory for this host: nothing to add
      }
      for (const file of entries.sort()) {
        if (!file.endsWith('.crt')) continue;
        try {
          const pem = readRegularFileSync(join(hostDir, file), { what: 'CA file', maxBytes: MAX_CA_BYTES });
          if (pem !== undefined) pems.push(pem.toString('utf8'));
        } catch {
          // unreadable, or not a regular file: skip like docker does for stray entries
        }
      }
    }
  }
  return pems;
}

/** The proxy variables from an injected environment; lower-case names win, as in undici and curl. */
export function proxyEnv(env: Readonly<Record<string, string | undefined>> | undefined): {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
} {
  const pick = (name: string) => env?.[name.toLowerCase()] ?? env?.[name.toUpperCase()] ?? '';
  return { httpProxy: pick('http_proxy'), httpsProxy: pick('https_proxy'), noProxy: pick('no_proxy') };
}

/**
 * Refuses a proxy variable that is not an http(s) URL, naming it (undici would throw a bare
 * "Invalid URL" at the first request). Credentials in the value never reach the message.
 */
export function checkProxyEnv(env: Readonly<Record<string, string | undefined>> | undefined): void {
  for (const base of ['http_proxy', 'https_proxy']) {
    const name = [base, base.toUpperCase()].find((n) => env?.[n] !== undefined && env[n] !== '');
    if (name === undefined || env?.[base] === '') continue;
    const value = env?.[name] ?? '';
    let ok = false;
    try {
      const u = new URL(value);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) {
      throw usageError('INVALID_PROXY', `${name}=${JSON.stringify(redactSecrets(value))} is not a proxy URL`, {
        hint: `set ${name} to http://HOST:PORT (or https://), or unset it`,
      });
    }
  }
}

const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '[::1]'];

interface PoolEntry {
  /** The undici agent, built (and undici loaded) at the first request that goes through it. */
  dispatcher: () => Dispatcher;
  /** Closes the agent if it was built. */
  closeDispatcher: () => Promise<void>;
  rawClientFor: RawClientFor;
  /** Closes the raw client's kept-alive connections. */
  closeRaw: () => void;
  refs: number;
}

/** The raw blob requests (raw-request.ts) for a URL, or undefined when requests to it go through a proxy. */
export type RawClientFor = (url: URL) => KeptRawClient | undefined;

function buildRawClientFor(config: DispatcherConfig, extraCAs: string[]): { rawClientFor: RawClientFor; closeRaw: () => void } {
  const raw = createKeptRawClient({
    tls: tlsOptions(config, extraCAs),
    connectTimeoutMs: config.connectTimeoutMs,
    bodyTimeoutMs: config.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    headersTimeoutMs: config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
  });
  const proxied = hasProxy(proxyEnv(config.env));
  // with a proxy configured, only loopback registries (never proxied, see below) are read directly
  return { rawClientFor: (url) => (!proxied || isLoopbackHost(url.hostname) ? raw : undefined), closeRaw: () => raw.close() };
}

/** Our CA bundle (system roots plus the registry's) and verification choice, for undici and raw connections alike. */
function tlsOptions(config: DispatcherConfig, extraCAs: string[]): { ca?: string[]; rejectUnauthorized?: boolean } {
  const tls: { ca?: string[]; rejectUnauthorized?: boolean } = {};
  if (extraCAs.length > 0) tls.ca = [...rootCertificates, ...extraCAs];
  if (config.insecure === true) tls.rejectUnauthorized = false;
  return tls;
}

const hasProxy = (proxy: ReturnType<typeof proxyEnv>) => proxy.httpProxy !== '' || proxy.httpsProxy !== '';

const DEFAULT_BODY_TIMEOUT_MS = 60_000;

const pool = new Map<string, PoolEntry>();

function buildDispatcher(config: DispatcherConfig, extraCAs: string[]): Dispatcher {
  const tls = tlsOptions(config, extraCAs);
  const connect: Record<string, unknown> = { ...tls };
  if (config.connectTimeoutMs !== undefined) connect.timeout = config.connectTimeoutMs;
  const bodyTimeout = config.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const agentOptions = {
    connections: POOL_CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    bodyTimeout,
    // HttpClient enforces the headers limit itself (with its own message); this is only a backstop
    headersTimeout: (config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS) + 5_000,
    connect,
  };
  const proxy = proxyEnv(config.env);
  if (!hasProxy(proxy)) return new undici.Agent(agentOptions).compose(keepAliveAfterHead);
  // Like Go's ProxyFromEnvironment (docker, skopeo): loopback registries are never proxied.
  if (proxy.noProxy.trim() !== '*') proxy.noProxy = [proxy.noProxy, ...LOOPBACK_NO_PROXY].filter((v) => v !== '').join(',');
  // Explicit values (possibly '') so undici never falls back to process.env. `requestTls` carries our CA
  // and verification choice through CONNECT tunnels; plain-HTTP targets go in absolute form (no tunnel).
  const requestTls = { ...tls, ...(config.connectTimeoutMs !== undefined ? { timeout: config.connectTimeoutMs } : {}) };
  return new undici.EnvHttpProxyAgent({ ...agentOptions, ...proxy, requestTls, proxyTunnel: false } as EnvHttpProxyAgent.Options).compose(
    keepAliveAfterHead,
  );
}

/** The agent of an entry, built on first use; closing one never built builds nothing. */
function lazyDispatcher(config: DispatcherConfig, extraCAs: string[]): Pick<PoolEntry, 'dispatcher' | 'closeDispatcher'> {
  let built: Dispatcher | undefined;
  return {
    dispatcher: () => {
      built ??= buildDispatcher(config, extraCAs);
      return built;
    },
    closeDispatcher: async () => {
      await built?.close().catch(() => undefined);
    },
  };
}

/**
 * A keep-alive dispatcher for one registry configuration, shared by every transport with the same
 * configuration. Call the returned release() when done; the agent closes when nobody uses it.
 * `dispatcher` is built (and undici loaded) when first read: pass `lazyDispatcher` on to an
 * HttpClient so that happens only at its first request through undici.
 */
export function acquireDispatcher(config: DispatcherConfig): {
  readonly dispatcher: Dispatcher;
  lazyDispatcher: () => Dispatcher;
  rawClientFor: RawClientFor;
  release: () => Promise<void>;
} {
  checkProxyEnv(config.env);
  const extraCAs = loadExtraCAs(config);
  const key = JSON.stringify({
    cas: extraCAs,
    insecure: config.insecure === true,
    proxy: proxyEnv(config.env),
    b: config.bodyTimeoutMs,
    h: config.headersTimeoutMs,
    c: config.connectTimeoutMs,
  });
  let entry = pool.get(key);
  if (entry === undefined) {
    entry = { ...lazyDispatcher(config, extraCAs), ...buildRawClientFor(config, extraCAs), refs: 0 };
    pool.set(key, entry);
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    get dispatcher() {
      return held.dispatcher();
    },
    lazyDispatcher: held.dispatcher,
    rawClientFor: held.rawClientFor,
    release: async () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs <= 0 && pool.get(key) === held) {
        pool.delete(key);
        held.closeRaw();
        await held.closeDispatcher();
      }
    },
  };
}

/** Closes every pooled dispatcher (CLI exit, test teardown). */
export async function closeAllTransports(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  for (const e of entries) e.closeRaw();
  await Promise.all(entries.map((e) => e.closeDispatcher()));
}
