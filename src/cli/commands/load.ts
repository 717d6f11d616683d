/** `hubctl load` (declared in table.ts): from -i FILE or stdin. */
import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { load } from '../../api/load.js';
import { usageError, storeError } from '../../errors.js';
import { withClient } from '../with-client.js';
import type { CliRuntime } from '../runtime.js';

export interface LoadFlags {
  input?: string;
  quiet?: boolean;
}

export async function loadCommand(rt: CliRuntime, opts: LoadFlags): Promise<void> {
  if (!opts.input && process.stdin.isTTY) {
    throw usageError('LOAD_FROM_TERMINAL', 'requested load from stdin, but stdin is empty', {
      hint: 'use -i FILE, or redirect: hubctl load < image.tar',
    });
  }
  let input: NodeJS.ReadableStream & Readable;
  if (opts.input) {
    try {
      await fsp.access(opts.input);
    } catch (e) {
      throw storeError('LOAD_READ_FAILED', `cannot read ${opts.input}: ${(e as Error).message}`, { cause: e });
    }
    input = createReadStream(opts.input);
  } else {
    input = process.stdin;
  }
  // unpacked in a staging directory of the store: on the store's filesystem, swept if hubctl is killed
  const result = await withClient(rt, {}, (client) => load(client, input, { signal: rt.signal }));
  for (const digest of result.untagged)
    rt.out.warn(`image ${digest} has no name in the archive; it was not loaded (nothing would refer to it)`);
  // docker load -q drops the progress bar, not these lines (hubctl draws no load progress).
  for (const image of result.images) rt.out.data(`Loaded image: ${image.familiar}`);
}
