import type { Client } from '../api/client.js';
import { clientOptions, type ConnectionFlags } from './client-options.js';
import type { CliRuntime } from './runtime.js';

/** Runs one command's work with a client built from the flags, and always releases it. */
export async function withClient<T>(rt: CliRuntime, flags: ConnectionFlags, work: (client: Client) => Promise<T>): Promise<T> {
  const { createClient } = await import('../api/client.js');
  const client = createClient(await clientOptions(rt, flags));
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
