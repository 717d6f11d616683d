/** `hubctl digest REF` (declared in registry/declare.ts). */
import { manifestDigest } from '../../../api/digest.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { platformOption, printRows, type RemoteFlags } from './common.js';

export async function digestCommand(rt: CliRuntime, refText: string, opts: RemoteFlags): Promise<void> {
  const platform = platformOption(opts);
  const r = await withClient(rt, opts, (client) => manifestDigest(client, refText, { signal: rt.signal, ...platform }));
  const row = { Reference: r.reference, Digest: r.descriptor.digest, MediaType: r.descriptor.mediaType, Size: String(r.descriptor.size) };
  const whole = { ...row, Size: r.descriptor.size };
  await printRows(rt, opts.format, [row], Object.keys(row), whole, () => rt.out.data(r.descriptor.digest));
}
