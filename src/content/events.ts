import type { Descriptor } from '../oci/types.js';
import type { SuccessorRole } from './successors.js';
import type { ProgressEvent } from './types.js';

/**
 * What copyGraph reports about each node, in one stream the CLI renders (pull's and push's docker
 * lines, copy's). `queued` comes once per node when its parent is read, before any transfer of that
 * parent's successors; `waiting` when a transfer waits for a free slot.
 */
export type CopyEvent =
  | { type: 'queued' | 'waiting' | 'start' | 'done' | 'exists' | 'skipped'; descriptor: Descriptor; role: SuccessorRole }
  | { type: 'progress'; descriptor: Descriptor; role: SuccessorRole; current: number; total: number }
  | { type: 'mounted'; descriptor: Descriptor; role: SuccessorRole; from: string };

/** pull's per-layer events (docker's pull lines): what happened to each layer. */
export type BlobEvent =
  | { type: 'exists'; descriptor: Descriptor }
  | { type: 'start'; descriptor: Descriptor }
  | { type: 'progress'; descriptor: Descriptor; progress: ProgressEvent }
  | { type: 'done'; descriptor: Descriptor }
  /** A foreign layer the source does not serve: not downloaded (its `urls` say where it lives). */
  | { type: 'skipped'; descriptor: Descriptor };

/** The layer events of a copy as pull reports them; undefined for anything else. */
export function layerBlobEvent(e: CopyEvent): BlobEvent | undefined {
  if (e.role !== 'layer') return undefined;
  const descriptor = e.descriptor;
  switch (e.type) {
    case 'exists':
    case 'start':
    case 'done':
    case 'skipped':
      return { type: e.type, descriptor };
    case 'progress':
      return { type: 'progress', descriptor, progress: { digest: descriptor.digest, current: e.current, total: e.total } };
    default:
      return undefined;
  }
}
