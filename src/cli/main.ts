#!/usr/bin/env node
/**
 * The hubctl binary. `--version` answers without loading anything else; every other command line
 * goes to run.ts, where commander parses it and the command module loads what it needs.
 */
import { setFlagsFromString } from 'node:v8';
import { VERSION } from '../version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  // undici parses HTTP with a WebAssembly build of llhttp. V8 compiles it with Liftoff at once and
  // with TurboFan in the background, and the process then waits for that background compile at exit:
  // about 130 ms of CPU and wall on every command that touched the network, for code that only ever
  // parses the heads and small bodies undici still reads (large blobs go over raw-request.ts). Liftoff
  // alone is plenty for that. Set before undici loads; the library itself never changes V8 flags.
  setFlagsFromString('--liftoff-only');
  // Every command releases its client (connections, store lease) itself, so the process ends on its own.
  // If it ends while the command is still pending (a promise nothing will ever settle), that is a bug,
  // never a success: exit 1 instead of Node's 0.
  let settled = false;
  process.on('exit', (code) => {
    if (settled || code !== 0) return;
    process.stderr.write('Error: internal error: the command stopped before it finished\n');
    process.exitCode = 1;
  });
  import('./run.js')
    .then(({ run }) => run(process.argv))
    .then(
      (code) => {
        settled = true;
        process.exitCode = code;
      },
      (err: unknown) => {
        settled = true;
        process.stderr.write(`Error: internal error: ${String(err)}\n`);
        process.exitCode = 1;
      },
    );
}
