/** Option texts and helpers shared by the `hubctl hub` declarations. */
import type { Command } from 'commander';

export const FORMAT = "'table' (default), 'json' (one object per line, the API's fields), or a Go template like '{{.name}}'";
export const FORCE = 'do not ask for confirmation (required off a terminal)';
export type FormatFlags = { format?: string };
export type ForceFlags = { force?: boolean };

/** `--limit N` / `--all` for commands that follow Hub's pages. */
export function listOptions(cmd: Command, what: string): Command {
  return cmd.option('--limit <n>', `show at most this many ${what} (default 100)`).option('--all', `show every one of the ${what}`);
}
