/** `hubctl index create TARGET SRC... [--push]` (declared in registry/declare.ts). */
import { createIndex } from '../../../api/index-create.js';
import { formatPlatform } from '../../../oci/platform.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { shortId } from '../../progress.js';
import { printRows, type RemoteFlags } from './common.js';

export interface IndexCreateFlags extends RemoteFlags {
  push?: boolean;
}

export async function indexCreateCommand(rt: CliRuntime, target: string, sources: string[], opts: IndexCreateFlags): Promise<void> {
  const out = rt.out;
  const r = await withClient(rt, opts, (client) =>
    createIndex(client, target, sources, {
      signal: rt.signal,
      ...(opts.push ? { push: true } : {}),
      onEvent: (e) => {
        if (e.type === 'source') out.info(`${e.source}: ${formatPlatform(e.platform)} ${e.digest}`);
        else if (e.type === 'child') out.info(`${shortId(e.digest)} (${formatPlatform(e.platform)}): ${CHILD_STATUS[e.status]}`);
        else if (e.type === 'push' && e.event.type === 'digest')
          out.info(`${e.event.tag}: digest: ${e.event.digest} size: ${e.event.size}`);
      },
    }),
  );
  out.info(`Created index ${r.reference} with ${r.index.manifests.length} platform(s)${r.pushed ? ', pushed' : ''}`);
  const row = { Reference: r.reference, Digest: r.descriptor.digest, MediaType: r.descriptor.mediaType, Size: String(r.descriptor.size) };
  const whole = { ...row, Size: r.descriptor.size, Manifests: r.index.manifests, Pushed: r.pushed !== undefined };
  await printRows(rt, opts.format, [row], Object.keys(row), whole, () => out.data(`${r.reference}@${r.descriptor.digest}`));
}

const CHILD_STATUS = { exists: 'already in the repository', mounted: 'mounted', copied: 'copied' } as const;
