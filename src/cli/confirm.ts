/** docker's `Are you sure you want to continue? [y/N]` for destructive commands. */
import { usageError } from '../errors.js';
import type { CliRuntime } from './runtime.js';

/**
 * Asks on the terminal and resolves only on yes; "no" ends the command with a usage error. Off a
 * terminal nothing is asked and the command is refused: a script must say -f.
 */
export async function confirm(rt: CliRuntime, question: string, command: string): Promise<void> {
  const { canPrompt, createPrompt } = await import('./prompt.js');
  if (!canPrompt(process.stdin)) {
    throw usageError('CONFIRMATION_REQUIRED', `${command}: stdin is not a terminal, so nothing was asked and nothing was removed`, {
      hint: `pass -f (--force) to ${command} without a question`,
    });
  }
  const answer = await createPrompt({ input: process.stdin, output: process.stderr, signal: rt.signal }).ask(
    `${question} Are you sure you want to continue? [y/N] `,
  );
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw usageError('NOT_CONFIRMED', `${command}: cancelled, nothing was removed`);
  }
}
