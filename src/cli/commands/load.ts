import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

export function registerLoad(program: Command, rt: CliRuntime): void {
  program
    .command('load')
    .description('Load images from a docker or OCI archive into the local store')
    .option('-i, --input <file>', 'read from a tar archive file instead of stdin')
    .option('-q, --quiet', 'accepted for docker compatibility (there is no progress output to suppress)')
    .action(async (opts: { input?: string; quiet?: boolean }) => {
      const [{ load }, { createClient }, { clientOptions }, { usageError, storeError }, { createReadStream, promises: fsp }] = await Promise.all([
        import('../../api/load.js'),
        import('../../api/client.js'),
        import('../client-options.js'),
        import('../../errors.js'),
        import('node:fs'),
      ]);
      if (!opts.input && process.stdin.isTTY) {
        throw usageError('LOAD_FROM_TERMINAL', 'requested load from stdin, but stdin is empty', { hint: 'use -i FILE, or redirect: hubctl load < image.tar' });
      }
      let input: NodeJS.ReadableStream & import('node:stream').Readable;
      if (opts.input) {
        try {
          await fsp.access(opts.input);
        } catch (e) {
          throw storeError('LOAD_READ_FAILED', `cannot read ${opts.input}: ${(e as Error).message}`, { cause: e });
        }
        input = createReadStream(opts.input);
      } else {
        input = process.stdin;
      }
      const client = createClient(await clientOptions(rt));
      const result = await load(client, input, {
        signal: rt.signal,
        ...(rt.env.TMPDIR ? { tmpDir: rt.env.TMPDIR } : {}),
      });
      for (const digest of result.untagged) rt.out.warn(`image ${digest} has no name in the archive; it was not loaded (nothing would refer to it)`);
      // docker load -q drops the progress bar, not these lines (hubctl draws no load progress).
      for (const image of result.images) rt.out.data(`Loaded image: ${image.familiar}`);
    });
}
