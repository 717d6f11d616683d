/** `hubctl image prune` and `hubctl system df`: keeping the local store tidy. Declared here for help. */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import type { PruneFlags, DfFlags } from './prune.js';

export function declareStoreCommands(program: Command, rt: CliRuntime): void {
  const image = program.command('image').description('Manage images in the local store');
  image
    .command('prune')
    .description('Remove dangling images (no tag), or with -a every image, then the blobs nothing uses')
    .option('-a, --all', 'remove every image, not only dangling ones (hubctl has no containers: none is in use)')
    .option('-f, --force', 'do not ask (required when stdin is not a terminal)')
    .action(async (opts: PruneFlags) => (await import('./prune.js')).pruneCommand(rt, opts));

  const system = program.command('system').description('Information about the local store');
  system
    .command('df')
    .description('Show how much space the local store uses and how much image prune would free')
    .option('--format <format>', "'json', or a Go template like '{{.Size}}'")
    .action(async (opts: DfFlags) => (await import('./prune.js')).dfCommand(rt, opts));
}
