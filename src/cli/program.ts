/**
 * The `hubctl` command and its global flags (createProgram), and the whole command tree without
 * running anything (commandTree): what `hubctl completion` and the man page are generated from, so a
 * command declared in commands/table.ts is completed and documented with no further edit.
 */
import { createRequire } from 'node:module';
import type * as CommanderModule from 'commander';
import { VERSION } from '../version.js';
import { declareCommands } from './commands/table.js';
import type { CliRuntime } from './runtime.js';

// commander is CommonJS: require() skips the ESM wrapper's export scan (~20 ms of every start).
const { Command } = createRequire(import.meta.url)('commander') as typeof CommanderModule;

export const PROGRAM_DESCRIPTION = 'Daemonless client for container registries: login, search, pull, push, build';

/** `hubctl` with its global flags and output settings; run.ts adds the commands and parses. */
export function createProgram(): CommanderModule.Command {
  return new Command('hubctl')
    .description(PROGRAM_DESCRIPTION)
    .version(VERSION, '-v, --version', 'print the version')
    .option('-D, --debug', 'print redacted HTTP traffic and error causes on stderr')
    .option('--config <dir>', 'docker client config directory (default $DOCKER_CONFIG or ~/.docker)')
    .option('--root <dir>', 'image store directory (default $HUBCTL_STORE, the store setting, or ~/.local/share/hubctl/store)')
    .option('--hub-url <url>', 'Docker Hub API for `hubctl hub` (default $HUBCTL_HUB_URL, the hub-url setting, or https://hub.docker.com)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    })
    .exitOverride();
}

/** Every command and flag, declared but never run (the actions are never called). */
export function commandTree(): CommanderModule.Command {
  const program = createProgram();
  const inert = new AbortController();
  const rt = {
    out: undefined,
    signal: inert.signal,
    globals: () => program.opts(),
    env: {},
  } as unknown as CliRuntime;
  declareCommands(program, rt);
  return program;
}
