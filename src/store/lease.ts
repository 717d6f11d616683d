import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, promises as fsp, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isPidAlive } from './lock.js';

/**
 * Leases protect blobs a running pull has written (or found present) but not tagged yet from a
 * concurrent gc in another process. Each store instance that writes keeps one lease file
 * `<root>/.hubctl/leases/<host>-<pid>-<rand>.json`: a JSON header line `{pid, host, time}`, then one
 * line per change, `+<digest>` when leased and `-<digest>` when released. The file is only ever
 * appended to through one open descriptor, so leasing a digest costs one small write (a pull of 200
 * layers used to rewrite the whole list 200 times). The writes are synchronous: an append of a line
 * to the page cache takes microseconds, and "on disk" here means visible to a gc in another process,
 * not durable (a lease only matters while its process lives), so no fsync is needed either. A digest is leased *before* its blob is written
 * or checked; gc lists the blob directories first and reads the leases after, so a blob it sees was
 * leased before gc looked. tag() releases the digests it made reachable. A lease of a dead pid on
 * this host is ignored (and deleted by gc); one from another host counts until it is
 * `FOREIGN_LEASE_MAX_AGE_MS` old.
 */
export const LEASES_DIR = join('.hubctl', 'leases');
export const FOREIGN_LEASE_MAX_AGE_MS = 60 * 60_000;

interface LeaseHeader {
  pid: number;
  host: string;
  time: string;
}

export class Lease {
  private readonly digests = new Set<string>();
  private readonly path: string;
  private fd: number | undefined;

  constructor(
    root: string,
    private readonly now: () => number,
  ) {
    this.path = join(root, LEASES_DIR, `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  }

  /** Leases `digest` (in the lease file before this resolves). */
  add(digest: string): Promise<void> {
    if (this.digests.has(digest)) return Promise.resolve();
    try {
      this.append(`+${digest}\n`);
    } catch (e) {
      return Promise.reject(e);
    }
    this.digests.add(digest);
    return Promise.resolve();
  }

  /** Drops digests that are now reachable from index.json. */
  release(digests: Iterable<string>): Promise<void> {
    let lines = '';
    for (const d of digests) if (this.digests.delete(d)) lines += `-${d}\n`;
    try {
      if (lines !== '') this.append(lines);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve();
  }

  /** Removes the lease file (the store instance is done writing). */
  close(): Promise<void> {
    this.digests.clear();
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return Promise.resolve();
    try {
      closeSync(fd);
      // Synchronous, so an add() after close() (which starts a new file) cannot be unlinked by it.
      rmSync(this.path, { force: true });
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve();
  }

  private append(text: string): void {
    if (this.fd === undefined) {
      mkdirSync(join(this.path, '..'), { recursive: true });
      const header: LeaseHeader = { pid: process.pid, host: hostname(), time: new Date(this.now()).toISOString() };
      const fd = openSync(this.path, 'a');
      try {
        writeFully(fd, `${JSON.stringify(header)}\n`);
      } catch (e) {
        closeSync(fd);
        throw e;
      }
      this.fd = fd;
    }
    writeFully(this.fd, text);
  }
}

/** One append; a short write (not expected for a few bytes on a regular file) is completed. */
function writeFully(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** The digests a lease file holds: `+` lines minus later `-` lines (a torn last line is ignored). */
export function parseLease(text: string): { header: LeaseHeader; digests: Set<string> } | undefined {
  const lines = text.split('\n');
  let header: LeaseHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as LeaseHeader;
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || typeof header.pid !== 'number' || typeof header.host !== 'string') return undefined;
  const digests = new Set<string>();
  for (const line of lines.slice(1)) {
    if (!/^[+-][a-z0-9]+:[0-9a-f]+$/.test(line)) continue;
    if (line[0] === '+') digests.add(line.slice(1));
    else digests.delete(line.slice(1));
  }
  return { header, digests };
}

/** Lease files of processes on this host that are gone (killed before they could remove them). */
export async function deadLeaseFiles(root: string): Promise<string[]> {
  const dir = join(root, LEASES_DIR);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  const host = hostname();
  for (const name of names) {
    // `<host>-<pid>-<rand>.json`: only this host's, whose pid is gone
    if (!name.endsWith('.json') || !name.startsWith(`${host}-`)) continue;
    const pid = Number(name.slice(host.length + 1).split('-')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && !isPidAlive(pid)) out.push(join(dir, name));
  }
  return out;
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
    let lease: ReturnType<typeof parseLease>;
    let mtimeMs: number;
    try {
      const [text, st] = await Promise.all([fsp.readFile(path, 'utf8'), fsp.stat(path)]);
      lease = parseLease(text);
      mtimeMs = st.mtimeMs;
    } catch {
      continue; // vanished meanwhile: the next gc sees it
    }
    if (lease === undefined) {
      // header still being written (then no digest is leased yet) or not a lease: removed once old
      if (now() - mtimeMs > FOREIGN_LEASE_MAX_AGE_MS) await fsp.rm(path, { force: true });
      continue;
    }
    const local = lease.header.host === hostname();
    const live = local ? isPidAlive(lease.header.pid) : now() - mtimeMs < FOREIGN_LEASE_MAX_AGE_MS;
    if (!live) {
      await fsp.rm(path, { force: true });
      continue;
    }
    for (const d of lease.digests) out.add(d);
  }
  return out;
}
