/** `hubctl image prune` and `hubctl system df` (declared in store/declare.ts), with docker's output. */
import { diskUsage, pruneImages } from '../../../api/prune.js';
import { familiarStored } from '../../familiar.js';
import { alignColumns } from '../../../format/tabwriter.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { confirm } from '../../confirm.js';
import { formatBytes } from '../../progress.js';

export interface PruneFlags {
  all?: boolean;
  force?: boolean;
}

export interface DfFlags {
  format?: string;
}

export async function pruneCommand(rt: CliRuntime, opts: PruneFlags): Promise<void> {
  if (!opts.force) {
    const what = opts.all
      ? 'WARNING! This will remove every image in the local store (hubctl has no containers, so none is in use).'
      : 'WARNING! This will remove all dangling images.';
    await confirm(rt, what, 'image prune');
  }
  const r = await withClient(rt, {}, (client) => pruneImages(client, { all: opts.all === true }));
  if (r.untagged.length > 0 || r.deleted.length > 0) {
    rt.out.data('Deleted Images:');
    for (const ref of r.untagged) rt.out.data(`untagged: ${familiarStored(ref)}`);
    for (const d of r.deleted) rt.out.data(`deleted: ${d}`);
    rt.out.data('');
  }
  rt.out.data(`Total reclaimed space: ${formatBytes(r.bytesFreed)}`);
}

export async function dfCommand(rt: CliRuntime, opts: DfFlags): Promise<void> {
  const u = await withClient(rt, {}, (client) => diskUsage(client));
  const pct = u.size > 0 ? Math.round((u.reclaimable / u.size) * 100) : 0;
  const row = {
    Type: 'Images',
    TotalCount: String(u.images),
    Active: String(u.tagged),
    Size: formatBytes(u.size),
    Reclaimable: `${formatBytes(u.reclaimable)} (${pct}%)`,
  };
  if (opts.format === 'json') {
    rt.out.data(JSON.stringify(row));
    return;
  }
  if (opts.format !== undefined && opts.format !== 'table') {
    const { renderTemplateRows } = await import('../../template-rows.js');
    for (const line of renderTemplateRows(opts.format, [row], Object.keys(row))) rt.out.data(line);
    return;
  }
  const table = [
    ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
    [row.Type, row.TotalCount, row.Active, row.Size, row.Reclaimable],
  ];
  for (const line of alignColumns(table.map((r) => r.join('\t')).join('\n')).split('\n')) rt.out.data(line);
}
