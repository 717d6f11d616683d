import { createReadStream, promises as fsp } from 'node:fs';
import { digestAlgorithm, hasherFor } from '../digest/digest.js';
import { isHubctlError } from '../errors.js';
import { walkGraph } from './graph.js';
import type { ImageStore } from './image-store.js';
import type { Descriptor } from '../oci/types.js';

export interface ValidateOptions {
  /** Re-hash every referenced blob (slow for big stores; default false: presence and size only). */
  verifyDigests?: boolean;
}

export interface ValidationReport {
  ok: boolean;
  /** Human-readable problems; empty when ok. */
  problems: string[];
  entries: number;
  /** Referenced blobs found present. */
  blobs: number;
}

/** index.json parses, oci-layout is right, and every blob an entry needs is present (and intact). */
export async function validateStore(store: ImageStore, options: ValidateOptions = {}): Promise<ValidationReport> {
  const problems: string[] = [];
  try {
    const layout = JSON.parse(await fsp.readFile(store.layout.ociLayoutPath, 'utf8')) as { imageLayoutVersion?: unknown };
    if (typeof layout.imageLayoutVersion !== 'string') problems.push('oci-layout has no imageLayoutVersion');
  } catch (e) {
    problems.push(`oci-layout is unreadable: ${(e as Error).message}`);
  }
  let manifests: Descriptor[];
  try {
    manifests = (await store.readIndex()).manifests;
  } catch (e) {
    problems.push(isHubctlError(e) || e instanceof Error ? e.message : String(e));
    return { ok: false, problems, entries: 0, blobs: 0 };
  }
  const walk = await walkGraph(store.blobs, manifests);
  for (const m of walk.missing) {
    if (!m.optional)
      problems.push(`missing blob ${m.digest} (${m.mediaType})${m.parent ? ` referenced by ${m.parent}` : ' referenced by index.json'}`);
  }
  for (const inv of walk.invalid) problems.push(`unreadable manifest ${inv.digest}: ${inv.error}`);
  const missing = new Set(walk.missing.map((m) => m.digest));
  const present = [...walk.reachable].filter((d) => !missing.has(d));
  if (options.verifyDigests) {
    for (const digest of present) {
      const hash = hasherFor(digest);
      for await (const chunk of createReadStream(store.blobPath(digest), { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
      const actual = `${digestAlgorithm(digest)}:${hash.digest('hex')}`;
      if (actual !== digest) problems.push(`blob ${digest} is corrupt (its content hashes to ${actual})`);
    }
  }
  return { ok: problems.length === 0, problems, entries: manifests.length, blobs: present.length };
}
