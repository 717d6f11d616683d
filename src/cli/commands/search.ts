/** `hubctl search` (declared in table.ts). */
import { validateSearchOptions, searchImages, renderCompiled } from '../../search/index.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { withSpinner } from '../spinner.js';

export interface SearchFlags {
  filter: string[];
  limit: string;
  trunc: boolean;
  format?: string;
  insecure?: boolean;
  caFile?: string;
}

export async function searchCommand(rt: CliRuntime, term: string, opts: SearchFlags): Promise<void> {
  const v = validateSearchOptions({
    term,
    limit: opts.limit,
    filters: opts.filter,
    ...(opts.format !== undefined ? { format: opts.format } : {}),
    noTrunc: !opts.trunc,
  });
  for (const w of v.warnings) rt.out.warn(w);
  const out = await withClient(rt, opts, (client) =>
    withSpinner(rt.out, `Searching for ${term}`, (spin) =>
      searchImages({
        transportFactory: (host) => client.transport(host),
        term,
        limit: v.limit,
        filters: v.filters,
        signal: rt.signal,
        onPage: (page, kept) => spin.update(`Searching for ${term}: page ${page.page}, ${kept} of ${v.limit} found`),
      }),
    ),
  );
  for (const w of out.warnings) rt.out.warn(w);
  for (const line of renderCompiled(v.compiledFormat, out.results, v.noTrunc)) rt.out.data(line);
}
