/** `hubctl push` (declared in table.ts): docker's progress lines on stderr, reference@digest on stdout. */
import { push } from '../../api/push.js';
import { createClient } from '../../api/client.js';
import { clientOptions } from '../client-options.js';
import type { CliRuntime } from '../runtime.js';
import { LayerProgress, shortId } from '../progress.js';
import { parsePositiveInt } from '../parse.js';

export interface PushFlags {
  quiet?: boolean;
  allTags?: boolean;
  maxConcurrentUploads: string;
  insecure?: boolean;
  caFile?: string;
}

export async function pushCommand(rt: CliRuntime, refText: string, opts: PushFlags): Promise<void> {
  const concurrency = parsePositiveInt(opts.maxConcurrentUploads, '--max-concurrent-uploads');
  const out = rt.out;
  const quiet = Boolean(opts.quiet);
  const client = createClient(await clientOptions(rt, opts));
  let progress = new LayerProgress(out, quiet);
  try {
    const result = await push(client, refText, {
      concurrency,
      signal: rt.signal,
      ...(opts.allTags ? { allTags: true } : {}),
      onEvent: (e) => {
        if (quiet) return;
        if (e.type === 'repository') out.info(`The push refers to repository [${e.name}]`);
        else if (e.type === 'tag') progress = new LayerProgress(out, quiet);
        else if (e.type === 'layer') {
          const id = shortId(e.descriptor.digest);
          if (e.status === 'preparing') progress.status(id, 'Preparing');
          else if (e.status === 'waiting') progress.status(id, 'Waiting');
          else if (e.status === 'exists') progress.status(id, 'Layer already exists');
          else if (e.status === 'mounted') progress.status(id, `Mounted from ${e.from}`);
          else if (e.status === 'pushing') progress.progress(id, 'Pushing', e.current ?? 0, e.total ?? e.descriptor.size);
          else progress.status(id, 'Pushed');
        } else if (e.type === 'digest') {
          progress.finish();
          out.info(`${e.tag}: digest: ${e.digest} size: ${e.size}`);
        }
      },
    });
    for (const p of result.pushed) out.data(quiet ? p.digest : p.reference.includes('@') ? p.reference : `${p.reference}@${p.digest}`);
  } finally {
    await client.close();
  }
}
