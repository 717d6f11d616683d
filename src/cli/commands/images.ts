/** `hubctl images` / `hubctl ls` (declared in table.ts): docker's table, JSON lines, or a Go template. */
import { images } from '../../api/images.js';
import { alignColumns } from '../../format/tabwriter.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { timeAgo } from '../time-ago.js';
import { formatBytes, shortId } from '../progress.js';

export interface ImagesFlags {
  digests?: boolean;
  trunc: boolean;
  quiet?: boolean;
  format?: string;
}

export async function imagesCommand(rt: CliRuntime, repository: string | undefined, opts: ImagesFlags): Promise<void> {
  const rows = await withClient(rt, {}, (client) => images(client, repository, { onWarning: (w) => rt.out.warn(w) }));
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
  const format = opts.format ?? 'table';
  if (format === 'json') {
    for (const v of view) rt.out.data(JSON.stringify(v));
    return;
  }
  if (format !== 'table') {
    const { renderTemplateRows } = await import('../template-rows.js');
    for (const line of renderTemplateRows(
      format,
      view,
      Object.keys(view[0] ?? { Repository: '', Tag: '', Digest: '', ID: '', CreatedAt: '', CreatedSince: '', Size: '', Reference: '' }),
    ))
      rt.out.data(line);
    return;
  }
  const header = ['REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  const body = view.map((v) => [v.Repository, v.Tag, ...(opts.digests ? [v.Digest] : []), v.ID, v.CreatedSince, v.Size]);
  for (const line of alignColumns([header, ...body].map((r) => r.join('\t')).join('\n')).split('\n')) rt.out.data(line);
}
