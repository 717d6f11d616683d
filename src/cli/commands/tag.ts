/** `hubctl tag` (declared in table.ts). */
import { tag } from '../../api/tag.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';

export async function tagCommand(rt: CliRuntime, source: string, target: string): Promise<void> {
  await withClient(rt, {}, (client) => tag(client, source, target));
}
