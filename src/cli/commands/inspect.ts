/**
 * `hubctl inspect` (declared in table.ts): docker's image inspect array (or one `-f` template line per
 * image); `--raw` keeps the manifest-and-config view. Images found are printed, each failure reported,
 * and the exit code is the first failure's.
 */
import { inspect } from '../../api/inspect.js';
import { inspectImages, type DockerImageInspect } from '../../api/inspect-image.js';
import { parsePlatform } from '../../oci/platform.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { renderError } from '../render-error.js';

export interface InspectFlags {
  remote?: boolean;
  raw?: boolean;
  format?: string;
  platform?: string;
  insecure?: boolean;
  caFile?: string;
}

export async function inspectCommand(rt: CliRuntime, refs: string[], opts: InspectFlags): Promise<void> {
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  const common = { signal: rt.signal, ...(opts.remote ? { remote: true } : {}), ...(platform ? { platform } : {}) };
  if (opts.raw) {
    const results = await withClient(rt, opts, async (client) => {
      const all = [];
      for (const ref of refs) all.push(await inspect(client, ref, common));
      return all;
    });
    rt.out.data(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
    return;
  }
  const { images, failures } = await withClient(rt, opts, (client) => inspectImages(client, refs, common));
  if (opts.format !== undefined && opts.format !== '' && opts.format !== 'json') {
    for (const line of await renderImages(opts.format, images)) rt.out.data(line);
  } else {
    rt.out.data(JSON.stringify(images, null, 4));
  }
  const debug = Boolean(rt.globals().debug);
  for (const f of failures) for (const line of renderError(f.error, debug).lines) rt.out.info(line);
  if (failures[0]) process.exitCode = renderError(failures[0].error, debug).exitCode;
}

const FIELDS = [
  'Id',
  'RepoTags',
  'RepoDigests',
  'Parent',
  'Comment',
  'Created',
  'DockerVersion',
  'Author',
  'Config',
  'Architecture',
  'Variant',
  'Os',
  'OsVersion',
  'Size',
  'RootFS',
  'Metadata',
  'Descriptor',
];
const NESTED = ['Config', 'RootFS', 'Metadata', 'Descriptor'];

async function renderImages(format: string, images: DockerImageInspect[]): Promise<string[]> {
  const { Template, templateValue } = await import('../../format/template.js');
  const template = Template.compile(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'), { fields: FIELDS, nested: NESTED });
  return images.map((img) => {
    const dot = templateValue({ Variant: '', OsVersion: '', ...img });
    return template.render(dot as Parameters<typeof template.render>[0]);
  });
}
