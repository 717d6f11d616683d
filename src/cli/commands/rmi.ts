import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { familiarString, parseReference } from '../../ref/reference.js';

export function registerRmi(program: Command, rt: CliRuntime): void {
  program
    .command('rmi')
    .description('Remove images from the local store (blobs other images use are kept)')
    .argument('<reference...>', 'image references')
    .action(async (refs: string[]) => {
      const [{ rmi }, { createClient }, { clientOptions }] = await Promise.all([
        import('../../api/rmi.js'),
        import('../../api/client.js'),
        import('../client-options.js'),
      ]);
      const client = createClient(await clientOptions(rt));
      const result = await rmi(client, refs);
      for (const ref of result.untagged) rt.out.data(`Untagged: ${familiarString(parseReference(ref))}`);
      for (const digest of result.deleted) rt.out.data(`Deleted: ${digest}`);
    });
}
