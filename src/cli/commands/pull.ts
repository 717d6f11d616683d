/** `hubctl pull` (declared in table.ts): docker's progress lines on stderr, the reference on stdout. */
import { pull, type PullEvent, type PullOptions } from '../../api/pull.js';
import { pullAllTags } from '../../api/pull-all-tags.js';
import { parseReference, familiarString, familiarName } from '../../ref/reference.js';
import { parsePlatform } from '../../oci/platform.js';
import { HubctlError } from '../../errors.js';
import type { CliRuntime } from '../runtime.js';
import type { Output } from '../output.js';
import { withClient } from '../with-client.js';
import { LayerProgress, shortId } from '../progress.js';
import { parsePositiveInt } from '../parse.js';

export interface PullFlags {
  quiet?: boolean;
  allTags?: boolean;
  platform?: string;
  allPlatforms?: boolean;
  maxConcurrentDownloads: string;
  insecure?: boolean;
  caFile?: string;
}

export async function pullCommand(rt: CliRuntime, refText: string, opts: PullFlags): Promise<void> {
  const concurrency = parsePositiveInt(opts.maxConcurrentDownloads, '--max-concurrent-downloads');
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  const ref = parseReference(refText, { defaultTag: !opts.allTags });
  const out = rt.out;
  const quiet = Boolean(opts.quiet);
  if (!quiet && !opts.allTags && !refText.includes('@') && !/:[^/]*$/.test(refText)) out.info('Using default tag: latest');
  const renderer = new PullRenderer(out, quiet);
  const options: PullOptions = {
    concurrency,
    signal: rt.signal,
    ...(platform ? { platform } : {}),
    ...(opts.allPlatforms ? { allPlatforms: true } : {}),
    onEvent: (e) => renderer.event(e),
  };
  if (opts.allTags) {
    const result = await withClient(rt, opts, (client) => pullAllTags(client, refText, options));
    for (const f of result.failed) out.warn(`${familiarName(ref)}:${f.tag}: ${f.error.message}`);
    if (!quiet && result.pulled.length > 0) {
      const upToDate = result.pulled.every((p) => p.upToDate);
      out.info(`Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${familiarName(ref)}`);
    }
    for (const p of result.pulled) out.data(p.reference);
    const first = result.failed[0];
    if (first !== undefined) {
      const total = result.pulled.length + result.failed.length;
      throw new HubctlError(
        first.error.kind,
        'PULL_TAGS_FAILED',
        `${result.failed.length} of ${total} tags of ${result.repository} could not be pulled: ${result.failed.map((f) => f.tag).join(', ')}`,
        { hint: 'the warnings above say why; the other tags are in the store' },
      );
    }
    return;
  }
  const result = await withClient(rt, opts, (client) => pull(client, refText, options));
  if (!quiet) {
    const name = familiarString(ref);
    out.info(result.upToDate ? `Status: Image is up to date for ${name}` : `Status: Downloaded newer image for ${name}`);
  }
  out.data(result.reference);
}

/** docker's pull lines: one block of layer lines per tag. */
class PullRenderer {
  private progress: LayerProgress;

  constructor(
    private readonly out: Output,
    private readonly quiet: boolean,
  ) {
    this.progress = new LayerProgress(out, quiet);
  }

  event(e: PullEvent): void {
    if (this.quiet) return;
    if (e.type === 'pulling') {
      this.progress = new LayerProgress(this.out, this.quiet);
      this.out.info(`${e.tag}: Pulling from ${e.repository}`);
    } else if (e.type === 'blob') {
      const b = e.event;
      const id = shortId(b.descriptor.digest);
      if (b.type === 'exists') this.progress.status(id, 'Already exists');
      else if (b.type === 'start') this.progress.status(id, 'Pulling fs layer');
      else if (b.type === 'progress') this.progress.progress(id, 'Downloading', b.progress.current, b.progress.total);
      else if (b.type === 'skipped') this.progress.status(id, 'Skipping foreign layer');
      else this.progress.status(id, 'Pull complete');
    } else if (e.type === 'digest') {
      this.progress.finish();
      this.out.info(`Digest: ${e.digest}`);
    }
  }
}
