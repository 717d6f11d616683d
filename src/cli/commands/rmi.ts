/** `hubctl rmi` (declared in table.ts): docker's Untagged:/Deleted: lines. */
import { rmi } from '../../api/rmi.js';
import { familiarString, parseReference } from '../../ref/reference.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';

export async function rmiCommand(rt: CliRuntime, refs: string[]): Promise<void> {
  const result = await withClient(rt, {}, (client) => rmi(client, refs));
  for (const ref of result.untagged) rt.out.data(`Untagged: ${familiarString(parseReference(ref))}`);
  for (const digest of result.deleted) rt.out.data(`Deleted: ${digest}`);
}
