/**
 * The hubctl command line (loaded by main.ts): commander glue only. commands/table.ts declares every command;
 * the invoked command's module (which calls one api function and prints) loads only when its action runs,
 * so help loads nothing but commander and the table.
 */
import { createRequire } from 'node:module';
import type * as CommanderModule from 'commander';
import { createCliOutput } from './output.js';
import { EXIT_CODES } from './exit-codes.js';
import { declareCommands } from './commands/table.js';
import type { CliRuntime } from './runtime.js';
import { ignoreSelfSignalsAfterInterrupt } from './signals.js';
import { EXIT_BROKEN_PIPE, isBrokenPipe, watchStdio } from './pipes.js';
import { createProgram } from './program.js';

// commander is CommonJS: require() skips the ESM wrapper's export scan (~20 ms of every start).
const { CommanderError } = createRequire(import.meta.url)('commander') as typeof CommanderModule;

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Parses argv, runs one command, and resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  const out = await createCliOutput();
  const controller = new AbortController();
  let interrupts = 0;
  let takenOver: ((signal: NodeJS.Signals, count: number) => void) | undefined;
  const onSigint = (signal: NodeJS.Signals) => {
    interrupts++;
    if (takenOver) {
      takenOver(signal, interrupts);
      if (interrupts === 1) return;
    }
    controller.abort();
    if (interrupts > 1) process.exit(EXIT_CODES.interrupted);
    // Cleanup gets a moment; the exit code is 130 either way.
    setTimeout(() => process.exit(EXIT_CODES.interrupted), 900).unref();
  };
  // SIGHUP (a closed terminal, a dropped ssh session) too: the same clean-up, then exit 130
  for (const sig of INTERRUPTS) process.on(sig, onSigint);
  // stdout's reader went away: stop the work, then exit 141 without a word (see pipes.ts)
  const pipe = watchStdio(() => {
    controller.abort();
    // stdout may be a socket with writes still queued after the command returned: the status is
    // decided here too, not only by run()'s return value
    process.exitCode = EXIT_BROKEN_PIPE;
    setTimeout(() => process.exit(EXIT_BROKEN_PIPE), 900).unref();
  });
  ignoreSelfSignalsAfterInterrupt(() => interrupts > 0);

  const program = createProgram();

  const runtime: CliRuntime = {
    out,
    signal: controller.signal,
    globals: () => program.opts(),
    env: process.env,
    takeOverInterrupts: (onSignal) => {
      takenOver = onSignal;
    },
  };
  declareCommands(program, runtime);

  try {
    let code: number;
    try {
      await program.parseAsync(argv);
      code = process.exitCode === undefined ? 0 : Number(process.exitCode);
    } catch (err) {
      code = await exitCodeFor(err);
    }
    // A write to a closed pipe reports its error on a later tick: wait for it before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    return pipe.broken ? EXIT_BROKEN_PIPE : code;

    async function exitCodeFor(err: unknown): Promise<number> {
      if (pipe.broken || (isBrokenPipe(err) && process.stdout.destroyed)) return EXIT_BROKEN_PIPE;
      if (err instanceof CommanderError) {
        if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
        return EXIT_CODES.usage;
      }
      if (controller.signal.aborted) {
        out.info('interrupted');
        return EXIT_CODES.interrupted;
      }
      const { renderError } = await import('./render-error.js');
      const { lines, exitCode } = renderError(err, Boolean(program.opts().debug));
      for (const line of lines) out.info(line);
      return exitCode;
    }
  } finally {
    for (const sig of INTERRUPTS) process.off(sig, onSigint);
  }
}
