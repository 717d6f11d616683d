/**
 * Commands about hubctl itself rather than images: `completion` (shell completion scripts generated
 * from the command tree) and `config list|get|set|unset` (hubctl's own settings), the subcommands of
 * `hubctl config REF` (declared with the registry commands).
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { declareConfigCommands } from '../config/declare.js';
import type { Shell } from './completion.js';

export function declareMetaCommands(program: Command, rt: CliRuntime): void {
  const config = program.commands.find((c) => c.name() === 'config') ?? program.command('config');
  declareConfigCommands(config, rt);
  // `hubctl config help get`, as for other groups (commander adds it only to groups without an action)
  config.helpCommand(true);

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
