/**
 * Confirmation for destructive `hubctl hub` commands: `-f` goes ahead; on a terminal the user is asked
 * (`[y/N]`, anything but y/yes keeps everything); off a terminal the command refuses, exit 2, saying to
 * add `-f` (as gh does for `repo delete` without `--yes`). A "no" is exit 2 as well (gh's cancel code),
 * so a script never takes a cancelled delete for a done one.
 */
import { usageError } from '../../../errors.js';
import type { CliRuntime } from '../../runtime.js';

export async function confirmDestructive(rt: CliRuntime, action: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  const { canPrompt, createPrompt } = await import('../../prompt.js');
  if (!canPrompt(process.stdin)) {
    throw usageError('CONFIRMATION_REQUIRED', `refusing to ${action} without confirmation: stdin is not a terminal`, {
      hint: 'add -f (--force) to go ahead without asking',
    });
  }
  const prompt = createPrompt({ input: process.stdin, output: process.stderr, signal: rt.signal });
  const answer = (await prompt.ask(`Are you sure you want to ${action}? This cannot be undone. [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw usageError('CANCELLED', `cancelled: did not ${action}`);
}
