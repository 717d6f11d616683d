import type { Command } from 'commander';
import { bashCompletion, describeCommand, fishCompletion, zshCompletion } from '../../completion/index.js';
import type { CliRuntime } from '../../runtime.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Prints the completion script for `shell`, generated from the whole command tree (the root of `cmd`). */
export function completionCommand(rt: CliRuntime, shell: Shell, cmd: Command): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  const tree = describeCommand(root);
  const script = shell === 'bash' ? bashCompletion(tree) : shell === 'zsh' ? zshCompletion(tree) : fishCompletion(tree);
  process.stdout.write(script);
  void rt;
}
