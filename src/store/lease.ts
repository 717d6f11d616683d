import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { isPidAlive } from './lock.js';

/**
 * Leases protect blobs a running pull has written (or found present) but not tagged yet from a
 * concurrent gc in another process. Each store instance that writes keeps one lease file
 * `<root>/.hubctl/leases/<host>-<pid>-<rand>.json` = `{pid, host, time, digests}`. A digest is
 * leased *before* its blob is written or checked; gc lists the blob directories first and reads
 * the leases after, so a blob it sees was leased before gc looked. tag() drops the digests it made
 * reachable. A lease of a dead pid on this host is ignored (and deleted by gc); one from another
 * host counts until it is `FOREIGN_LEASE_MAX_AGE_MS` old.
 */
export const LEASES_DIR = join('.hubctl', 'leases');
export const FOREIGN_LEASE_MAX_AGE_MS = 60 * 60_000;

interface LeaseContent {
  pid: number;
  host: string;
  time: string;
  digests: string[];
}

export class Lease {
  private readonly digests = new Set<string>();
  private readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private written = false;

  constructor(root: string, private readonly now: () => number) {
    this.path = join(root, LEASES_DIR, `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  }

  /** Leases `digest` (persisted before this resolves). */
  add(digest: string): Promise<void> {
    if (this.digests.has(digest)) return this.chain;
    this.digests.add(digest);
    return this.persist();
  }

  /** Drops digests that are now reachable from index.json. */
  release(digests: Iterable<string>): Promise<void> {
    let changed = false;
    for (const d of digests) changed = this.digests.delete(d) || changed;
    return changed ? this.persist() : this.chain;
  }

  /** Removes the lease file (the store instance is done writing). */
  close(): Promise<void> {
    this.digests.clear();
    this.chain = this.chain.then(async () => {
      if (this.written) await fsp.rm(this.path, { force: true });
      this.written = false;
    });
    return this.chain;
  }

  private persist(): Promise<void> {
    this.chain = this.chain.catch(() => undefined).then(async () => {
      if (this.digests.size === 0) {
        if (this.written) await fsp.rm(this.path, { force: true });
        this.written = false;
        return;
      }
      const content: LeaseContent = { pid: process.pid, host: hostname(), time: new Date(this.now()).toISOString(), digests: [...this.digests] };
      await fsp.mkdir(join(this.path, '..'), { recursive: true });
      await writeFileAtomic(this.path, JSON.stringify(content), { fsync: false });
      this.written = true;
    });
    return this.chain;
  }
}

/** Digests leased by live store instances; deletes lease files of dead processes on this host. */
export async function readLiveLeases(root: string, now: () => number): Promise<Set<string>> {
  const dir = join(root, LEASES_DIR);
  const out = new Set<string>();
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const path = join(dir, name);
    let content: LeaseContent;
    let mtimeMs: number;
    try {
      const [text, st] = await Promise.all([fsp.readFile(path, 'utf8'), fsp.stat(path)]);
      content = JSON.parse(text) as LeaseContent;
      mtimeMs = st.mtimeMs;
    } catch {
      continue; // vanished or being replaced: the next gc sees it
    }
    const local = content.host === hostname();
    const live = local ? isPidAlive(content.pid) : now() - mtimeMs < FOREIGN_LEASE_MAX_AGE_MS;
    if (!live) {
      await fsp.rm(path, { force: true });
      continue;
    }
    if (Array.isArray(content.digests)) for (const d of content.digests) if (typeof d === 'string') out.add(d);
  }
  return out;
}
