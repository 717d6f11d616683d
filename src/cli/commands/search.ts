import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { collect } from '../parse.js';

export function registerSearch(program: Command, rt: CliRuntime): void {
  program
    .command('search')
    .description('Search Docker Hub (or another registry: REGISTRY/TERM) for images')
    .argument('<term>', 'TERM, or REGISTRY/TERM for a private registry (its /v1/search, else its catalog)')
    .option('-f, --filter <filter>', 'stars=N, is-official=true|false, is-automated=true|false (repeatable)', collect, [])
    .option('--limit <n>', 'maximum number of results (hubctl keeps fetching pages until this many match)', '25')
    .option('--no-trunc', "don't truncate descriptions")
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Name}}'")
    .option('--insecure', 'allow plain HTTP and unverified TLS for this registry')
    .option('--ca-file <pem>', 'trust this CA for the registry')
    .action(async (term: string, opts: SearchFlags) => {
      const [{ validateSearchOptions, searchImages, renderCompiled }, { withClient }] = await Promise.all([
        import('../../search/index.js'),
        import('../with-client.js'),
      ]);
      const v = validateSearchOptions({
        term,
        limit: opts.limit,
        filters: opts.filter,
        ...(opts.format !== undefined ? { format: opts.format } : {}),
        noTrunc: !opts.trunc,
      });
      for (const w of v.warnings) rt.out.warn(w);
      const out = await withClient(rt, opts, (client) =>
        searchImages({ transportFactory: (host) => client.transport(host), term, limit: v.limit, filters: v.filters, signal: rt.signal }),
      );
      for (const w of out.warnings) rt.out.warn(w);
      for (const line of renderCompiled(v.compiledFormat, out.results, v.noTrunc)) rt.out.data(line);
    });
}

interface SearchFlags {
  filter: string[];
  limit: string;
  trunc: boolean;
  format?: string;
  insecure?: boolean;
  caFile?: string;
}
