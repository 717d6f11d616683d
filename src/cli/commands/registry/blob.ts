/** `hubctl blob REPO@DIGEST [-o FILE]` (declared in registry/declare.ts): to stdout, or to FILE by src/fs's output-path rule. */
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { blob } from '../../../api/blob.js';
import { usageError } from '../../../errors.js';
import { openOutputPath } from '../../../fs/output-path.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import type { RemoteFlags } from './common.js';

export interface BlobFlags extends RemoteFlags {
  output?: string;
}

export async function blobCommand(rt: CliRuntime, refText: string, opts: BlobFlags): Promise<void> {
  if (!opts.output && process.stdout.isTTY) {
    throw usageError('BLOB_TO_TERMINAL', 'refusing to write a blob to a terminal', { hint: 'use -o FILE, or redirect stdout' });
  }
  await withClient(rt, opts, async (client) => {
    const b = await blob(client, refText, { signal: rt.signal });
    if (!opts.output) {
      for await (const chunk of b.stream) {
        if (!process.stdout.write(chunk as Buffer)) await once(process.stdout, 'drain');
      }
      return;
    }
    // the one output rule (src/fs): a file is replaced atomically only once the blob is verified; a
    // device, a FIFO or /dev/stdout is written through; a directory or a block device is refused
    const out = await openOutputPath(opts.output, { what: 'the blob' });
    try {
      await pipeline(b.stream, out.stream);
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
  });
}
