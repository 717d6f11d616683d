/** Applying one change to several items (tag rm, tag prune, team add/remove): go on past a failure, fail at the end. */
import { HubctlError } from '../../../errors.js';
import type { CliRuntime } from '../../runtime.js';

/**
 * Runs `act` for each item in turn, printing `VERB: LABEL` on stdout for each success (docker rmi's
 * `Deleted: X`) and one `Error:` line on stderr for each failure. Auth failures and interrupts end the
 * run at once: every next request would fail the same way.
 */
export async function runEach<T>(
  rt: CliRuntime,
  labels: readonly string[],
  items: readonly T[],
  act: (item: T) => Promise<unknown>,
  verb = 'Deleted',
): Promise<HubctlError[]> {
  const failures: HubctlError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      await act(items[i]!);
      rt.out.data(`${verb}: ${labels[i]}`);
    } catch (e) {
      if (!(e instanceof HubctlError) || e.kind === 'auth' || e.kind === 'interrupted' || rt.signal.aborted) throw e;
      rt.out.info(`Error: ${e.message}`);
      failures.push(e);
    }
  }
  return failures;
}

/** The error a partly failed run ends with: the first failure's kind (exit code) and hint, with a count. */
export function summaryError(failures: readonly HubctlError[], of: number, what: string): HubctlError {
  const first = failures[0]!;
  return new HubctlError(first.kind, first.code, `${failures.length} of ${of} ${what} (see above)`, {
    ...(first.hint !== undefined ? { hint: first.hint } : {}),
  });
}
