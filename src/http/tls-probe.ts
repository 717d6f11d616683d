import { isIP } from 'node:net';
import { type SecureContext, connect as tlsConnect, createSecureContext } from 'node:tls';
import { isCertificateError } from './errors.js';

/**
 * Whether a server speaks TLS at all, found without Node's root certificates.
 *
 * Why: the ping of a registry where plain HTTP may be tried (a loopback one) goes over HTTPS first,
 * like docker. Node builds its default TLS context for that first connection, and that parses the
 * whole bundled root store: about 20 ms of CPU on every command, only to learn that a plain-HTTP
 * registry answers a ClientHello with garbage. This probe's context has an empty CA list (so no root
 * store is ever parsed) and verifies nothing: it only tells which ping to send.
 *
 * - `tls`: the handshake completed. The caller pings over HTTPS exactly as before (verified with the
 *   full CA bundle), so a certificate error still never falls back to plain HTTP.
 * - `not-tls`: the connection failed the way the HTTPS ping would have failed before falling back to
 *   plain HTTP (refused, reset, no TLS answer, connect timeout): the caller goes to HTTP at once.
 * - `unknown`: anything else (the caller's abort, a certificate alert from the server): the caller
 *   does what it did without the probe.
 *
 * The socket is closed right after the handshake; nothing is ever sent on it.
 */
export type TlsProbeResult = 'tls' | 'not-tls' | 'unknown';

export interface TlsProbeOptions {
  /** Like undici's connect timeout: TCP connect and handshake (default 10 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

let probeContext: SecureContext | undefined;

export function probeTls(url: URL, options: TlsProbeOptions = {}): Promise<TlsProbeResult> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port || 443);
  if (options.signal?.aborted) return Promise.resolve('unknown');
  // `ca: []` skips Node's addRootCerts (an absent `ca` means "the bundled roots")
  probeContext ??= createSecureContext({ ca: [] });
  return new Promise<TlsProbeResult>((resolve) => {
    const socket = tlsConnect({
      host,
      port,
      secureContext: probeContext,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const timer = setTimeout(() => finish('not-tls'), options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const onAbort = () => finish('unknown');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(result: TlsProbeResult): void {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('secureConnect').removeAllListeners('close');
      // a late error from the destroyed socket must not go unhandled
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    }
    socket.once('secureConnect', () => finish('tls'));
    socket.once('error', (e) => finish(isCertificateError(e) ? 'unknown' : 'not-tls'));
    socket.once('close', () => finish('not-tls'));
  });
}
