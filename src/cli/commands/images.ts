/** `hubctl images` / `hubctl ls` (declared in table.ts): docker's table, JSON lines, or a Go template. */
import { images, type ImagesFilters } from '../../api/images.js';
import { usageError } from '../../errors.js';
import { alignColumns } from '../../format/tabwriter.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { timeAgo } from '../time-ago.js';
import { formatBytes, shortId } from '../progress.js';
import { printFormattedRows } from '../print-rows.js';

export interface ImagesFlags {
  digests?: boolean;
  trunc: boolean;
  quiet?: boolean;
  format?: string;
  filter: string[];
}

/** docker's `--filter KEY=VALUE` for images: reference (repeatable), dangling, before, since. */
export function parseImagesFilters(specs: readonly string[]): ImagesFilters {
  const out: ImagesFilters = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = eq < 0 ? spec : spec.slice(0, eq);
    const value = eq < 0 ? '' : spec.slice(eq + 1);
    if (eq < 0 || value === '') throw invalid(spec, 'expected KEY=VALUE');
    if (key === 'reference') out.reference = [...(out.reference ?? []), value];
    else if (key === 'dangling') {
      if (!/^(true|false|1|0)$/i.test(value)) throw invalid(spec, 'dangling is true or false');
      out.dangling = /^(true|1)$/i.test(value);
    } else if (key === 'before' || key === 'since') {
      if (out[key] !== undefined) throw invalid(spec, `${key} may be given once`);
      out[key] = value;
    } else throw invalid(spec, `unknown filter "${key}"`);
  }
  return out;
}

function invalid(spec: string, why: string) {
  return usageError('INVALID_FILTER', `invalid filter '${spec}': ${why}`, {
    hint: 'filters: reference=PATTERN (repeatable), dangling=true|false, before=IMAGE, since=IMAGE',
  });
}

export async function imagesCommand(rt: CliRuntime, repository: string | undefined, opts: ImagesFlags): Promise<void> {
  const filters = parseImagesFilters(opts.filter ?? []);
  const rows = await withClient(rt, {}, (client) => images(client, repository, { ...filters, onWarning: (w) => rt.out.warn(w) }));
  const id = (digest: string) => (opts.trunc ? shortId(digest) : digest);
  const view = rows.map((r) => ({
    Repository: r.repository,
    Tag: r.tag,
    Digest: r.digest,
    ID: id(r.id),
    CreatedAt: r.created ?? '',
    CreatedSince: timeAgo(r.created),
    Size: formatBytes(r.size),
    Reference: r.reference,
  }));
  if (opts.quiet) {
    for (const v of view) rt.out.data(v.ID);
    return;
  }
  const fields = Object.keys(
    view[0] ?? { Repository: '', Tag: '', Digest: '', ID: '', CreatedAt: '', CreatedSince: '', Size: '', Reference: '' },
  );
  if (await printFormattedRows(rt.out, opts.format ?? 'table', view, fields)) return;
  const header = ['REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  const body = view.map((v) => [v.Repository, v.Tag, ...(opts.digests ? [v.Digest] : []), v.ID, v.CreatedSince, v.Size]);
  for (const line of alignColumns([header, ...body].map((r) => r.join('\t')).join('\n')).split('\n')) rt.out.data(line);
}
