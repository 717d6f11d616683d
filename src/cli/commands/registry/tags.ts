/** `hubctl tags REPOSITORY` (declared in registry/declare.ts). */
import { tags } from '../../../api/tags.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { printRows, type RemoteFlags } from './common.js';

export async function tagsCommand(rt: CliRuntime, repository: string, opts: RemoteFlags): Promise<void> {
  const result = await withClient(rt, opts, (client) => tags(client, repository, { signal: rt.signal, onWarning: (m) => rt.out.warn(m) }));
  const rows = result.tags.map((tag) => ({ Repository: result.repository, Tag: tag, Reference: `${result.repository}:${tag}` }));
  await printRows(rt, opts.format, rows, ['Repository', 'Tag', 'Reference'], { Repository: result.repository, Tags: result.tags }, () => {
    for (const t of result.tags) rt.out.data(t);
  });
}
