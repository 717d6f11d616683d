/**
 * `hubctl config get|set|unset|list`: hubctl's own settings (src/cli/settings), declared for the table.
 * They are subcommands of `hubctl config REF` (the image config on a registry, registry/declare.ts): a
 * crane user's `config IMAGE` and a gh user's `config get KEY` both work; an image whose whole name is
 * one of these words (or `ls`, `help`) is written with its namespace (`library/list`).
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import type { ConfigListFlags } from './config.js';

const KEY = 'store, insecure-registries or hub-url';

export function declareConfigCommands(config: Command, rt: CliRuntime): void {
  const load = () => import('./config.js');

  config
    .command('list')
    .alias('ls')
    .description('Every setting with its value and where it comes from (flag, env, file, default)')
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Key}}={{.Value}}'")
    .action(async (opts: ConfigListFlags) => (await load()).configList(rt, opts));

  config
    .command('get')
    .description('Print the value in effect for a setting (a list: one item a line)')
    .argument('<key>', KEY)
    .action(async (key: string) => (await load()).configGet(rt, key));

  config
    .command('set')
    .description('Set a setting in the settings file (a list takes several values, or one comma-separated)')
    .argument('<key>', KEY)
    .argument('<value...>', 'the value')
    .action(async (key: string, values: string[]) => (await load()).configSet(rt, key, values));

  config
    .command('unset')
    .description('Remove a setting from the settings file (back to its default)')
    .argument('<key>', KEY)
    .action(async (key: string) => (await load()).configUnset(rt, key));
}
