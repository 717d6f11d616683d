/** `hubctl inspect` (declared in table.ts): manifest and config as JSON, from the store or the registry. */
import { inspect } from '../../api/inspect.js';
import { parsePlatform } from '../../oci/platform.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';

export interface InspectFlags {
  remote?: boolean;
  platform?: string;
  insecure?: boolean;
  caFile?: string;
}

export async function inspectCommand(rt: CliRuntime, refText: string, opts: InspectFlags): Promise<void> {
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  const result = await withClient(rt, opts, (client) =>
    inspect(client, refText, { signal: rt.signal, ...(opts.remote ? { remote: true } : {}), ...(platform ? { platform } : {}) }),
  );
  rt.out.data(JSON.stringify(result, null, 2));
}
