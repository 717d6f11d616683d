import { createTransport } from '../auth/session.js';
import type { Credential } from '../credentials/types.js';
import { MANIFEST_ACCEPT } from '../oci/media-types.js';
import { DEFAULT_LIMITS_REGISTRY } from './options.js';
import type { HubTransport } from './transport.js';
import type { PullRateLimit } from './types.js';

/** Names of Docker Hub's registry: the Hub credential is used for these only. */
const DOCKER_HUB_REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The repository Docker points to for reading the limit: a HEAD of it does not count as a pull. */
export const RATE_LIMIT_REPOSITORY = 'ratelimitpreview/test';

/** `100;w=21600` -> {value: 100, window: 21600}; undefined parts when absent or unreadable. */
export function parseRateLimitHeader(value: string | undefined): { value: number | undefined; window: number | undefined } {
  if (value === undefined) return { value: undefined, window: undefined };
  const [first, ...params] = value.split(';');
  const n = Number((first ?? '').trim());
  let window: number | undefined;
  for (const p of params) {
    const m = /^\s*w\s*=\s*(\d+)\s*$/.exec(p);
    if (m?.[1] !== undefined) window = Number(m[1]);
  }
  return { value: (first ?? '').trim() !== '' && Number.isFinite(n) ? n : undefined, window };
}

/**
 * Docker Hub's pull rate limit for this client (its IP address, or its account when a credential is
 * given): a token for `repository:ratelimitpreview/test:pull` from the registry's token realm, then a
 * HEAD of `/v2/ratelimitpreview/test/manifests/latest` (PROTOCOL.md, Docker's "usage and limits" docs),
 * reading `ratelimit-limit`, `ratelimit-remaining` and `docker-ratelimit-source`. The registry is the
 * client's `limitsRegistry` (default docker.io, reached at registry-1.docker.io), with the Hub credential
 * only when it is Docker Hub's, else `limitsCredentials`; auth, retries and TLS are src/auth's. No headers means no limit applies (unlimited plans, or a registry without limits).
 */
export async function pullRateLimit(t: HubTransport): Promise<PullRateLimit> {
  const o = t.options;
  const registry = o.limitsRegistry ?? DEFAULT_LIMITS_REGISTRY;
  let cred: Credential | undefined;
  if (o.limitsCredentials !== undefined) cred = await o.limitsCredentials(registry);
  else if (DOCKER_HUB_REGISTRIES.has(registry)) {
    const hub = await t.auth.getCredential();
    cred = hub === undefined ? undefined : { username: hub.identifier, password: hub.secret };
  }
  const debug = o.debug;
  const transport = createTransport({
    registry,
    credentials: async () => cred,
    insecure: o.insecure,
    caFile: o.caFile,
    env: o.env,
    dispatcher: o.dispatcher,
    userAgent: o.userAgent,
    retry: o.retry,
    now: o.now,
    headersTimeoutMs: o.headersTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
    bodyTimeoutMs: o.bodyTimeoutMs,
    // not o.sleep: that is the Hub API's wait (429 + Retry-After), which the CLI announces as such;
    // the registry transport's own backoff between retries stays silent, as for pull and push
    debug: debug === undefined ? undefined : (line) => debug(t.redactor.redact(line)),
  });
  try {
    const res = await transport.request({
      method: 'HEAD',
      url: `/v2/${RATE_LIMIT_REPOSITORY}/manifests/latest`,
      scopes: [`repository:${RATE_LIMIT_REPOSITORY}:pull`],
      headers: { accept: MANIFEST_ACCEPT },
      signal: o.signal,
      // an exhausted limit still tells its numbers
      acceptStatus: [429],
      retry: false,
    });
    await res.discard();
    const headers: PullRateLimit['headers'] = {};
    for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source'] as const) {
      const v = res.header(name);
      if (v !== undefined) headers[name] = v;
    }
    const limit = parseRateLimitHeader(headers['ratelimit-limit']);
    const remaining = parseRateLimitHeader(headers['ratelimit-remaining']);
    return {
      limit: limit.value,
      remaining: remaining.value,
      windowSeconds: limit.window ?? remaining.window,
      source: headers['docker-ratelimit-source'],
      authenticated: cred !== undefined,
      headers,
    };
  } finally {
    await transport.close();
  }
}
