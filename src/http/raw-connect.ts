import { connect as netConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/**
 * Opens the TCP (http:) or TLS (https:, HTTP/1.1 by ALPN, SNI for names) connection of a raw request
 * to `url`'s host, with Nagle off. The caller waits for `connectEvent` before writing.
 */
export function rawConnect(
  url: URL,
  tls: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>,
  onread?: OnReadOpts,
): { socket: Socket; connectEvent: 'connect' | 'secureConnect' } {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const tlsOn = url.protocol === 'https:';
  const port = Number(url.port || (tlsOn ? 443 : 80));
  const common = { host, port, noDelay: true, ...(onread !== undefined ? { onread } : {}) };
  const socket = tlsOn
    ? tlsConnect({ ...common, ...tls, ALPNProtocols: ['http/1.1'], ...(isIP(host) === 0 ? { servername: host } : {}) })
    : netConnect(common);
  return { socket, connectEvent: tlsOn ? 'secureConnect' : 'connect' };
}
