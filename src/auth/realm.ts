import { authError } from '../errors.js';
import { isLinkLocalOrMetadata, isLoopbackHost } from '../http/hosts.js';

/**
 * Checks a Bearer challenge's realm before any credential goes there (SSRF hardening):
 * http(s) only; plain http only to loopback or when the registry is insecure; never a link-local or
 * cloud-metadata address unless it is the registry's own host. Relative realms resolve against the registry.
 */
export function validateRealm(realm: string | undefined, registryUrl: URL, insecure: boolean): URL {
  if (realm === undefined || realm.trim() === '') {
    throw authError('INVALID_REALM', `${registryUrl.host} asked for a bearer token without a realm`, {
      hint: "the registry's auth configuration is incomplete",
    });
  }
  let url: URL;
  try {
    url = new URL(realm.trim(), registryUrl);
  } catch {
    throw refuse(registryUrl, 'it is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse(registryUrl, `scheme ${url.protocol} is not http(s)`, url);
  const sameHost = url.hostname === registryUrl.hostname;
  if (url.protocol === 'http:' && !insecure && !isLoopbackHost(url.hostname)) {
    throw refuse(registryUrl, 'it uses plain HTTP to a non-loopback host', url);
  }
  if (!sameHost && isLinkLocalOrMetadata(url.hostname)) {
    throw refuse(registryUrl, 'it points to a link-local or cloud metadata address', url);
  }
  if (url.username !== '' || url.password !== '') throw refuse(registryUrl, 'it carries credentials', url);
  return url;
}

function refuse(registryUrl: URL, why: string, url?: URL) {
  // not url.origin: it is "null" for file:, data: and other non-http URLs
  const which = url ? ` ${url.protocol}//${url.host}${url.pathname}` : '';
  return authError('INVALID_REALM', `refusing the token realm${which} of ${registryUrl.host}: ${why}`, {
    hint: 'the registry (or something pretending to be it) sent an unsafe authentication realm',
    details: { registry: registryUrl.host },
  });
}
