import { isIP } from 'node:net';

/** Strips IPv6 brackets and lower-cases: `[::1]` -> `::1`. */
export function bareHost(hostname: string): string {
  const h = hostname.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Hostname part of `host[:port]` (brackets kept off). */
export function hostOf(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    return bareHost(end > 0 ? hostPort.slice(0, end + 1) : hostPort);
  }
  const colon = hostPort.lastIndexOf(':');
  return bareHost(colon >= 0 ? hostPort.slice(0, colon) : hostPort);
}

function ipv4Parts(ip: string): number[] | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').map(Number);
}

/**
 * IPv4-mapped (`::ffff:127.0.0.1`) or IPv4-compatible IPv6 -> the IPv4 address. WHATWG URL parsing
 * writes these in hex (`[::ffff:169.254.169.254]` becomes `[::ffff:a9fe:a9fe]`), so both forms count.
 */
function unmapV4(ip: string): string {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m?.[1] !== undefined) return m[1];
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex?.[1] === undefined || hex[2] === undefined) return ip;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** 127.0.0.0/8, ::1, localhost (and *.localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const h = unmapV4(bareHost(hostname));
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = ipv4Parts(h);
  return v4 !== undefined && v4[0] === 127;
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** Link-local addresses (169.254/16, fe80::/10) and cloud metadata endpoints: never a token realm. */
export function isLinkLocalOrMetadata(hostname: string): boolean {
  const h = unmapV4(bareHost(hostname)).replace(/\.$/, '');
  if (METADATA_NAMES.has(h)) return true;
  const v4 = ipv4Parts(h);
  if (v4 !== undefined) return v4[0] === 169 && v4[1] === 254;
  if (isIP(h) === 6) {
    if (/^fe[89ab][0-9a-f]?:/i.test(h)) return true;
    if (h === 'fd00:ec2::254') return true;
  }
  return false;
}

/** `host:port` of a URL as people write it (`127.0.0.1:5000`, `[::1]:5000`, `ghcr.io`). */
export function urlHostPort(url: URL): string {
  return url.host;
}
