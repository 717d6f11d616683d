import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { LayerProgress, shortId } from '../progress.js';
import { parsePositiveInt } from '../parse.js';

export function registerPull(program: Command, rt: CliRuntime): void {
  program
    .command('pull')
    .description('Pull an image from a registry into the local store')
    .argument('<reference>', 'NAME[:TAG|@DIGEST], e.g. centos, user/repo:1.0, localhost:5000/x@sha256:...')
    .option('-q, --quiet', 'print only the reference on stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image (default: this machine)')
    .option('-a, --all-platforms', 'keep every platform of a multi-platform image')
    .option('--max-concurrent-downloads <n>', 'layers downloaded at once', '4')
    .option('--insecure', 'allow plain HTTP and unverified TLS for this registry')
    .option('--ca-file <pem>', 'trust this CA for the registry')
    .action(async (refText: string, opts: PullFlags) => {
      const [{ pull }, { withClient }, { parseReference, familiarString }, { parsePlatform }] = await Promise.all([
        import('../../api/pull.js'),
        import('../with-client.js'),
        import('../../ref/reference.js'),
        import('../../oci/platform.js'),
      ]);
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
    });
}

interface PullFlags {
  quiet?: boolean;
  platform?: string;
  allPlatforms?: boolean;
  maxConcurrentDownloads: string;
  insecure?: boolean;
  caFile?: string;
}
