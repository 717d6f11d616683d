/**
 * Commands about hubctl itself rather than images: `completion` (shell completion scripts generated
 * from the command tree) and `config` (hubctl's own settings).
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { declareConfigCommands } from '../config/declare.js';
import type { Shell } from './completion.js';

export function declareMetaCommands(program: Command, rt: CliRuntime): void {
  declareConfigCommands(program, rt);

  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish) covering every command and flag')
    .addArgument(program.createArgument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Load it in the current shell:
  source <(hubctl completion bash)        # bash
  source <(hubctl completion zsh)         # zsh
  hubctl completion fish | source         # fish
Or install it for every new shell:
  hubctl completion bash > ~/.local/share/bash-completion/completions/hubctl
  hubctl completion zsh > "\${fpath[1]}/_hubctl"
  hubctl completion fish > ~/.config/fish/completions/hubctl.fish`,
    )
    .action(async (shell: Shell, _opts: unknown, cmd: Command) => (await import('./completion.js')).completionCommand(rt, shell, cmd));
}
