import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

export function registerRmi(program: Command, rt: CliRuntime): void {
  program
    .command('rmi')
    .description('Remove images from the local store (blobs other images use are kept)')
    .argument('<reference...>', 'image references')
    .action(async (refs: string[]) => {
      const [{ rmi }, { withClient }, { familiarString, parseReference }] = await Promise.all([
        import('../../api/rmi.js'),
        import('../with-client.js'),
        import('../../ref/reference.js'),
      ]);
      const result = await withClient(rt, {}, (client) => rmi(client, refs));
      for (const ref of result.untagged) rt.out.data(`Untagged: ${familiarString(parseReference(ref))}`);
      for (const digest of result.deleted) rt.out.data(`Deleted: ${digest}`);
    });
}
