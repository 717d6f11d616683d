/** `hubctl copy` (declared in table.ts): progress like push on stderr, DST@DIGEST (or --format) on stdout. */
import { copy, type CopiedImage } from '../../api/copy.js';
import { parsePlatform } from '../../oci/platform.js';
import { usageError } from '../../errors.js';
import type { CopyEvent } from '../../content/events.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { LayerProgress, shortId } from '../progress.js';
import { parsePositiveInt } from '../parse.js';

export interface CopyFlags {
  quiet?: boolean;
  allTags?: boolean;
  allPlatforms?: boolean;
  platform?: string;
  mount: boolean;
  maxConcurrentCopies: string;
  format?: string;
  insecure?: boolean;
  caFile?: string;
}

export async function copyCommand(rt: CliRuntime, src: string, dst: string, opts: CopyFlags): Promise<void> {
  const concurrency = parsePositiveInt(opts.maxConcurrentCopies, '--max-concurrent-copies');
  if (opts.platform !== undefined && opts.allPlatforms) {
    throw usageError('CONFLICTING_FLAGS', '--platform and --all-platforms cannot be used together', {
      hint: 'without either, a multi-platform image is copied whole',
    });
  }
  const platform = opts.platform !== undefined ? parsePlatform(opts.platform) : undefined;
  if (opts.format !== undefined && !['', 'table', 'json'].includes(opts.format)) {
    // a template that does not parse fails before anything is copied
    (await import('../template-rows.js')).renderTemplateRows(opts.format, [], FIELDS);
  }
  const out = rt.out;
  const quiet = Boolean(opts.quiet);
  let progress = new LayerProgress(out, quiet);
  const result = await withClient(rt, opts, (client) =>
    copy(client, src, dst, {
      concurrency,
      signal: rt.signal,
      ...(opts.allTags ? { allTags: true } : {}),
      ...(platform ? { platform } : {}),
      ...(opts.mount === false ? { mount: false } : {}),
      onEvent: (e) => {
        if (quiet) return;
        if (e.type === 'copying') {
          progress = new LayerProgress(out, quiet);
          out.info(`Copying ${e.source} to ${e.destination}`);
        } else if (e.type === 'node') renderLayer(progress, e.event);
        else {
          progress.finish();
          out.info(`${e.tag}: digest: ${e.digest} size: ${e.size}`);
        }
      },
    }),
  );
  await printImages(rt, opts, result.images);
}

/** docker push's words for a layer, with Copying/Copied for the bytes that move. */
function renderLayer(progress: LayerProgress, e: CopyEvent): void {
  if (e.role !== 'layer') return;
  const id = shortId(e.descriptor.digest);
  if (e.type === 'queued') progress.status(id, 'Preparing');
  else if (e.type === 'waiting') progress.status(id, 'Waiting');
  else if (e.type === 'exists') progress.status(id, 'Layer already exists');
  else if (e.type === 'mounted') progress.status(id, `Mounted from ${e.from}`);
  else if (e.type === 'progress') progress.progress(id, 'Copying', e.current, e.total);
  else if (e.type === 'done') progress.status(id, 'Copied');
}

const FIELDS = ['Source', 'Reference', 'Digest', 'MediaType', 'Size'];

/** DST@DIGEST per image (the digest alone with -q), one JSON object per image, or a Go template per image. */
async function printImages(rt: CliRuntime, opts: CopyFlags, images: CopiedImage[]): Promise<void> {
  const rows = images.map((i) => ({
    Source: i.source,
    Reference: i.reference,
    Digest: i.digest,
    MediaType: i.mediaType,
    Size: String(i.size),
  }));
  const format = opts.format;
  if (format === undefined || format === '' || format === 'table') {
    for (const i of images) rt.out.data(opts.quiet ? i.digest : i.reference.includes('@') ? i.reference : `${i.reference}@${i.digest}`);
    return;
  }
  if (format === 'json') {
    for (const r of rows) rt.out.data(JSON.stringify({ ...r, Size: Number(r.Size) }));
    return;
  }
  const { renderTemplateRows } = await import('../template-rows.js');
  for (const line of renderTemplateRows(format, rows, FIELDS)) rt.out.data(line);
}
