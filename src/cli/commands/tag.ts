/** `hubctl tag` (declared in table.ts). */
import { tag } from '../../api/tag.js';
import { createClient } from '../../api/client.js';
import { clientOptions } from '../client-options.js';
import type { CliRuntime } from '../runtime.js';

export async function tagCommand(rt: CliRuntime, source: string, target: string): Promise<void> {
  const client = createClient(await clientOptions(rt));
  await tag(client, source, target);
}
