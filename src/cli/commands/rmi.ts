/** `hubctl rmi` (declared in table.ts): docker's Untagged:/Deleted: lines. */
import { rmi } from '../../api/rmi.js';
import { familiarString, formatReference, parseReference } from '../../ref/reference.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';

export async function rmiCommand(rt: CliRuntime, refs: string[]): Promise<void> {
  const result = await withClient(rt, {}, (client) => rmi(client, refs));
  for (const ref of result.untagged) rt.out.data(`Untagged: ${familiar(ref)}`);
  for (const digest of result.deleted) rt.out.data(`Deleted: ${digest}`);
}

/** docker's short form of a stored name; a raw name another tool wrote is shown as it is. */
function familiar(ref: string): string {
  try {
    const parsed = parseReference(ref);
    return formatReference(parsed) === ref ? familiarString(parsed) : ref;
  } catch {
    return ref;
  }
}
