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
      const [{ inspect }, { createClient }, { clientOptions }, { parsePlatform }] = await Promise.all([
        import('../../api/inspect.js'),
        import('../../api/client.js'),
        import('../client-options.js'),
        import('../../oci/platform.js'),
      ]);
      const client = createClient(await clientOptions(rt, opts));
      try {
        const result = await inspect(client, refText, {
          signal: rt.signal,
          ...(opts.remote ? { remote: true } : {}),
          ...(opts.platform ? { platform: parsePlatform(opts.platform) } : {}),
        });
        rt.out.data(JSON.stringify(result, null, 2));
      } finally {
        await client.close();
      }
    });
}
