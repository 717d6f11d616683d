/** `hubctl rmi` (declared in table.ts): docker's Untagged:/Deleted: lines; each failure reported, non-zero exit at the end. */
import { rmi } from '../../api/rmi.js';
import { familiarStored } from '../familiar.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { renderError } from '../render-error.js';

export interface RmiFlags {
  force?: boolean;
}

export async function rmiCommand(rt: CliRuntime, refs: string[], opts: RmiFlags = {}): Promise<void> {
  const result = await withClient(rt, {}, (client) => rmi(client, refs, { force: opts.force === true }));
  for (const ref of result.untagged) rt.out.data(`Untagged: ${familiarStored(ref)}`);
  for (const digest of result.deleted) rt.out.data(`Deleted: ${digest}`);
  const debug = Boolean(rt.globals().debug);
  for (const failure of result.failures) for (const line of renderError(failure.error, debug).lines) rt.out.info(line);
  const first = result.failures[0];
  if (first) process.exitCode = renderError(first.error, debug).exitCode;
}
