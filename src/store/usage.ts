import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from './layout.js';
import { PARTIAL_SUFFIX, STORE_ALGORITHMS, TEMP_SUFFIX } from './layout.js';

export interface BlobFiles {
  /** Complete blobs by digest, with their size on disk. */
  blobs: Map<string, number>;
  /** Bytes in unfinished downloads and temp files (`.partial`, `.tmp`). */
  partialBytes: number;
}

/** What the blob directories hold, for `system df` (read without the lock: a snapshot). */
export async function listBlobFiles(layout: Layout): Promise<BlobFiles> {
  const out: BlobFiles = { blobs: new Map(), partialBytes: 0 };
  for (const alg of STORE_ALGORITHMS) {
    const dir = layout.algorithmDir(alg);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      const partial = name.startsWith('.') && (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(TEMP_SUFFIX));
      if (!partial && !/^[a-f0-9]+$/.test(name)) continue;
      const st = await fsp.stat(join(dir, name)).catch(() => undefined);
      if (!st?.isFile()) continue;
      if (partial) out.partialBytes += st.size;
      else out.blobs.set(`${alg}:${name}`, st.size);
    }
  }
  return out;
}
