/** `hubctl manifest REF` and `hubctl config REF` (declared in registry/declare.ts): JSON, or the exact bytes with --raw. */
import { imageConfig, manifest } from '../../../api/manifest.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { platformOption, type RemoteFlags } from './common.js';

export async function manifestCommand(rt: CliRuntime, refText: string, opts: RemoteFlags): Promise<void> {
  const r = await withClient(rt, opts, (client) => manifest(client, refText, { signal: rt.signal, ...platformOption(opts) }));
  await printJson(r.bytes, opts.raw === true);
}

export async function configCommand(rt: CliRuntime, refText: string, opts: RemoteFlags): Promise<void> {
  const r = await withClient(rt, opts, (client) => imageConfig(client, refText, { signal: rt.signal, ...platformOption(opts) }));
  await printJson(r.bytes, opts.raw === true);
}

/** The bytes as served (raw), else indented JSON with a final newline. */
async function printJson(bytes: Buffer, raw: boolean): Promise<void> {
  const text = raw ? bytes : `${JSON.stringify(JSON.parse(bytes.toString('utf8')), null, 2)}\n`;
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}
