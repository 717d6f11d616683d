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
import { createProgram } from './program.js';

// commander is CommonJS: require() skips the ESM wrapper's export scan (~20 ms of every start).
const { CommanderError } = createRequire(import.meta.url)('commander') as typeof CommanderModule;

/** Parses argv, runs one command, and resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  const out = await createCliOutput();
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    controller.abort();
    if (interrupts > 1) process.exit(EXIT_CODES.interrupted);
    // Cleanup gets a moment; the exit code is 130 either way.
    setTimeout(() => process.exit(EXIT_CODES.interrupted), 900).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  ignoreSelfSignalsAfterInterrupt(() => interrupts > 0);

  const program = createProgram();

  const runtime: CliRuntime = {
    out,
    signal: controller.signal,
    globals: () => program.opts(),
    env: process.env,
  };
  declareCommands(program, runtime);

  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
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
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
