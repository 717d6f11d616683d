/** `hubctl pull` (declared in table.ts): docker's progress lines on stderr, the reference on stdout. */
import { pull } from '../../api/pull.js';
import { parseReference, familiarString } from '../../ref/reference.js';
import { parsePlatform } from '../../oci/platform.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { LayerProgress, shortId } from '../progress.js';
import { parsePositiveInt } from '../parse.js';

export interface PullFlags {
  quiet?: boolean;
  platform?: string;
  allPlatforms?: boolean;
  maxConcurrentDownloads: string;
  insecure?: boolean;
  caFile?: string;
}

export async function pullCommand(rt: CliRuntime, refText: string, opts: PullFlags): Promise<void> {
  const concurrency = parsePositiveInt(opts.maxConcurrentDownloads, '--max-concurrent-downloads');
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  const ref = parseReference(refText);
  const out = rt.out;
  const quiet = Boolean(opts.quiet);
  if (!quiet && !refText.includes('@') && !/:[^/]*$/.test(refText)) out.info('Using default tag: latest');
  const progress = new LayerProgress(out, quiet);
  const result = await withClient(rt, opts, (client) =>
    pull(client, refText, {
      concurrency,
      signal: rt.signal,
      ...(platform ? { platform } : {}),
      ...(opts.allPlatforms ? { allPlatforms: true } : {}),
      onEvent: (e) => {
        if (quiet) return;
        if (e.type === 'pulling') out.info(`${e.tag}: Pulling from ${e.repository}`);
        else if (e.type === 'blob') {
          const b = e.event;
          const id = shortId(b.descriptor.digest);
          if (b.type === 'exists') progress.status(id, 'Already exists');
          else if (b.type === 'start') progress.status(id, 'Pulling fs layer');
          else if (b.type === 'progress') progress.progress(id, 'Downloading', b.progress.current, b.progress.total);
          else progress.status(id, 'Pull complete');
        } else if (e.type === 'digest') {
          progress.finish();
          out.info(`Digest: ${e.digest}`);
        }
      },
    }),
  );
  if (!quiet) {
    const name = familiarString(ref);
    out.info(result.upToDate ? `Status: Image is up to date for ${name}` : `Status: Downloaded newer image for ${name}`);
  }
  out.data(result.reference);
}
