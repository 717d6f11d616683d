import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

export function registerTag(program: Command, rt: CliRuntime): void {
  program
    .command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE in the local store')
    .argument('<source>', 'SOURCE_IMAGE[:TAG]')
    .argument('<target>', 'TARGET_IMAGE[:TAG]')
    .action(async (source: string, target: string) => {
      const [{ tag }, { createClient }, { clientOptions }] = await Promise.all([
        import('../../api/tag.js'),
        import('../../api/client.js'),
        import('../client-options.js'),
      ]);
      const client = createClient(await clientOptions(rt));
      await tag(client, source, target);
    });
}
