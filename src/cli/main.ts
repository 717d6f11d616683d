#!/usr/bin/env node
/**
 * The hubctl binary. `--version` answers without loading anything else; every other command line
 * goes to run.ts, where commander parses it and the command module loads what it needs.
 */
import { VERSION } from '../version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  // Every command releases its client (connections, store lease) itself, so the process ends on its own.
  import('./run.js')
    .then(({ run }) => run(process.argv))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`Error: internal error: ${String(err)}\n`);
        process.exitCode = 1;
      },
    );
}
