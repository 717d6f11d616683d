/** `hubctl delete REF [-f]` (declared in registry/declare.ts): asks on a terminal, refuses off one without -f. */
import { manifestDigest } from '../../../api/digest.js';
import { deleteImage } from '../../../api/delete.js';
import { formatReference, parseReference } from '../../../ref/reference.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';
import { confirm } from '../../confirm.js';
import type { RemoteFlags } from './common.js';

export interface DeleteFlags extends RemoteFlags {
  force?: boolean;
}

export async function deleteCommand(rt: CliRuntime, refText: string, opts: DeleteFlags): Promise<void> {
  const ref = parseReference(refText);
  await withClient(rt, opts, async (client) => {
    // Resolve first, so the question names the digest that will go and a moved tag cannot change it.
    const { descriptor } = await manifestDigest(client, refText, { signal: rt.signal });
    const pinned = formatReference({ registry: ref.registry, repository: ref.repository, digest: descriptor.digest });
    if (!opts.force) {
      const what = ref.digest ? pinned : `${formatReference(ref)} (${descriptor.digest})`;
      await confirm(rt, `Delete ${what} from the registry? Every tag that points at it goes too.`, 'delete');
    }
    const result = await deleteImage(client, pinned, { signal: rt.signal });
    rt.out.data(`Deleted: ${formatReference({ registry: ref.registry, repository: ref.repository, digest: result.digest })}`);
  });
}
