import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

export function registerInspect(program: Command, rt: CliRuntime): void {
  program
    .command('inspect')
    .description('Show an image\'s manifest and config as JSON')
    .argument('<reference>', 'image reference')
    .option('--remote', 'ask the registry instead of the local store (nothing is pulled)')
    .option('--platform <os/arch[/variant]>', 'platform whose config to show for a multi-platform image')
    .option('--insecure', 'allow plain HTTP and unverified TLS for this registry')
    .option('--ca-file <pem>', 'trust this CA for the registry')
    .action(async (refText: string, opts: { remote?: boolean; platform?: string; insecure?: boolean; caFile?: string }) => {
      const [{ inspect }, { withClient }, { parsePlatform }] = await Promise.all([
        import('../../api/inspect.js'),
        import('../with-client.js'),
        import('../../oci/platform.js'),
      ]);
      const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
      const result = await withClient(rt, opts, (client) =>
        inspect(client, refText, { signal: rt.signal, ...(opts.remote ? { remote: true } : {}), ...(platform ? { platform } : {}) }),
      );
      rt.out.data(JSON.stringify(result, null, 2));
    });
}
