import { HubctlError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { isCertificateError, statusError } from '../http/errors.js';
import { hostOf, isLoopbackHost } from '../http/hosts.js';
import { allHeaders } from '../http/response.js';
import { LIMITS, readPrefix } from '../http/body.js';
import { parseWwwAuthenticate, pickChallenge, type Challenge } from './challenge.js';

export interface PingResult {
  /** `https://registry-1.docker.io` or `http://127.0.0.1:5000` (no trailing slash). */
  baseUrl: URL;
  /** The challenge to answer (Bearer preferred), undefined when `/v2/` needs no auth. */
  challenge?: Challenge;
  status: number;
}

export interface PingOptions {
  /** host[:port] to contact (already mapped from docker.io). */
  apiHost: string;
  registry: string;
  insecure: boolean;
  signal?: AbortSignal;
  debug?: (line: string) => void;
}

/** Whether plain HTTP may be tried for this host. */
export function httpAllowed(apiHost: string, insecure: boolean): boolean {
  return insecure || isLoopbackHost(hostOf(apiHost));
}

/**
 * `GET /v2/` over HTTPS; for loopback or insecure registries whose server does not speak TLS, again
 * over plain HTTP (what docker does for insecure registries). Certificate errors do not fall back: that
 * server does speak TLS. For a loopback registry a TLS probe (http/tls-probe.ts) first tells whether
 * the server speaks TLS at all; one that does not is pinged over plain HTTP at once, without the
 * HTTPS attempt's root-CA context (about 20 ms of CPU).
 */
export async function ping(client: HttpClient, opts: PingOptions): Promise<PingResult> {
  const https = new URL(`https://${opts.apiHost}/v2/`);
  if (!httpAllowed(opts.apiHost, opts.insecure)) return pingOnce(client, https, opts, true);
  const probed = await client.tlsProbe(https, opts.signal);
  if (probed === 'not-tls') {
    opts.debug?.(`* ${opts.apiHost}: no TLS handshake; trying plain HTTP`);
    return pingOnce(client, new URL(`http://${opts.apiHost}/v2/`), opts, true);
  }
  try {
    return await pingOnce(client, https, opts, false);
  } catch (e) {
    if (!(e instanceof HubctlError) || e.kind !== 'network' || e.code !== 'CONNECTION_FAILED' || isCertificateError(e.cause)) throw e;
    opts.debug?.(`* ${opts.apiHost}: HTTPS failed (${e.message}); trying plain HTTP`);
    return pingOnce(client, new URL(`http://${opts.apiHost}/v2/`), opts, true);
  }
}

async function pingOnce(client: HttpClient, url: URL, opts: PingOptions, retry: boolean): Promise<PingResult> {
  const res = await client.send({
    method: 'GET',
    url: url.href,
    retry,
    followRedirects: true,
    signal: opts.signal,
    acceptStatus: [401, 403, 404],
    smallBody: true,
  });
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    const body = await readPrefix(res.body, LIMITS.errorBody);
    throw statusError(res.status, body, { method: 'GET', url: res.url, registry: opts.registry, headers: res.headers });
  }
  const headers = allHeaders(res.headers, 'www-authenticate');
  await res.discard();
  const challenge = res.status === 401 ? pickChallenge(parseWwwAuthenticate(headers)) : undefined;
  // the scheme that answered is the registry's, even if /v2/ redirected somewhere
  const out: PingResult = { baseUrl: new URL(url.origin), status: res.status };
  if (challenge !== undefined) out.challenge = challenge;
  return out;
}
