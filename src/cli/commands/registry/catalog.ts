/** `hubctl catalog REGISTRY` (declared in registry/declare.ts). */
import { catalog } from '../../../api/catalog.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { parsePositiveInt } from '../../parse.js';
import { printRows, type RemoteFlags } from './common.js';

export interface CatalogFlags extends RemoteFlags {
  limit?: string;
  pageSize: string;
}

export async function catalogCommand(rt: CliRuntime, registry: string, opts: CatalogFlags): Promise<void> {
  const limit = opts.limit === undefined ? undefined : parsePositiveInt(opts.limit, '--limit', Number.MAX_SAFE_INTEGER);
  const pageSize = parsePositiveInt(opts.pageSize, '--page-size', 10_000);
  const result = await withClient(rt, opts, (client) =>
    catalog(client, registry, {
      pageSize,
      signal: rt.signal,
      onWarning: (m) => rt.out.warn(m),
      ...(limit !== undefined ? { limit } : {}),
    }),
  );
  const rows = result.repositories.map((r) => ({ Registry: result.registry, Repository: r, Reference: `${result.registry}/${r}` }));
  const whole = { Registry: result.registry, Repositories: result.repositories };
  await printRows(rt, opts.format, rows, ['Registry', 'Repository', 'Reference'], whole, () => {
    for (const r of result.repositories) rt.out.data(r);
  });
}
