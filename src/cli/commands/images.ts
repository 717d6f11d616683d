import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { timeAgo } from '../time-ago.js';
import { alignColumns } from '../../format/tabwriter.js';
import { formatBytes, shortId } from '../progress.js';

export function registerImages(program: Command, rt: CliRuntime): void {
  program
    .command('images')
    .alias('ls')
    .description('List images in the local store')
    .argument('[repository]', 'only images of this repository')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate IDs")
    .option('-q, --quiet', 'only show image IDs')
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Repository}}:{{.Tag}}'")
    .action(async (repository: string | undefined, opts: { digests?: boolean; trunc: boolean; quiet?: boolean; format?: string }) => {
      const [{ images }, { withClient }] = await Promise.all([import('../../api/images.js'), import('../with-client.js')]);
      const rows = await withClient(rt, {}, (client) => images(client, repository));
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
        for (const line of renderTemplateRows(format, view, Object.keys(view[0] ?? { Repository: '', Tag: '', Digest: '', ID: '', CreatedAt: '', CreatedSince: '', Size: '', Reference: '' }))) rt.out.data(line);
        return;
      }
      const header = ['REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
      const body = view.map((v) => [v.Repository, v.Tag, ...(opts.digests ? [v.Digest] : []), v.ID, v.CreatedSince, v.Size]);
      for (const line of alignColumns([header, ...body].map((r) => r.join('\t')).join('\n')).split('\n')) rt.out.data(line);
    });
}
