/**
 * `hubctl hub limits [REGISTRY]`: Docker Hub's pull rate limit for the logged-in account (the login
 * `hubctl hub` uses: env vars, else the stored Docker Hub credential) or, anonymous, for this IP address.
 * REGISTRY names another registry to probe the same way (a Docker Hub mirror, a test registry), with
 * the login stored for that registry: the Docker Hub login is never sent to it.
 */
import type { HubClientOptions } from '../../../hub/options.js';
import { credentialsOptions } from '../../client-options.js';
import type { FormatFlags } from './declare-common.js';
import { printOne } from './output.js';
import { renderRecord, type Item } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface LimitsFlags extends FormatFlags {
  insecure?: boolean;
  caFile?: string;
}

const FIELDS = ['registry', 'account', 'limit', 'remaining', 'window', 'source', 'authenticated'];

export async function hubLimits(rt: HubRuntime, registryArg: string | undefined, flags: LimitsFlags): Promise<void> {
  const registry = registryArg === undefined ? 'docker.io' : normalizeRegistry(registryArg);
  const options: Partial<HubClientOptions> = {
    limitsRegistry: registry,
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
  };
  // another registry gets its own stored login (as pull would send it), never the Docker Hub one
  let otherAccount: string | undefined;
  if (registry !== 'docker.io') {
    const { createCredentialSource } = await import('../../../credentials/resolver.js');
    const stored = createCredentialSource(credentialsOptions(rt));
    options.limitsCredentials = async (reg) => {
      const c = await stored(reg);
      otherAccount = c?.username;
      return c;
    };
  }
  await withHub(
    rt,
    async (hub, ctx) => {
      const r = await hub.pullRateLimit();
      const login = registry === 'docker.io' ? (await ctx.login())?.identifier : otherAccount;
      const account = r.authenticated ? (login ?? null) : null;
      // JSON names: the words (limit, remaining, window, source); null where the registry sent none
      const item: Item = {
        registry,
        account,
        limit: r.limit ?? null,
        remaining: r.remaining ?? null,
        window: r.windowSeconds ?? null,
        source: r.source ?? null,
        authenticated: r.authenticated,
      };
      if (printOne(rt, item, flags.format, FIELDS)) return;
      if (r.limit === undefined) rt.out.info(`${registry} sent no pull rate limit headers: no limit applies`);
      const lines = renderRecord([
        ['Registry', registry],
        ['Account', account ?? 'anonymous (counted by IP address)'],
        ['Limit', r.limit === undefined ? 'unlimited' : String(r.limit)],
        ['Remaining', r.remaining === undefined ? '-' : String(r.remaining)],
        ['Window', windowText(r.windowSeconds)],
        ['Source', r.source ?? '-'],
      ]);
      for (const line of lines) rt.out.data(line);
    },
    options,
  );
}

/** 21600 -> "21600s (6h)". */
function windowText(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const h = seconds / 3600;
  return Number.isInteger(h) ? `${seconds}s (${h}h)` : `${seconds}s`;
}

/** `localhost:5000`, `https://mirror.example/`: the registry as references name it. */
function normalizeRegistry(value: string): string {
  const host = value.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}
