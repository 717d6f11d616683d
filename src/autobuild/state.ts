/**
 * The autobuild state file: which ref was built at which commit, with which tags, for which images,
 * how it went, and where its log is. Written atomically (temp file, fsync, rename), so a reader never
 * sees half of it; changed only under `<state>.lock` (see run.ts), held by one run at a time.
 */
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { storeError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { RefType } from './rules.js';

export type BuildStatus = 'queued' | 'building' | 'success' | 'error';

export interface PushedImage {
  reference: string;
  digest: string;
}

export interface BaseImageRecord {
  /** The FROM image as a full reference. */
  reference: string;
  /** What its tag pointed to when the build pulled it. */
  digest: string;
}

export interface BuildRecord {
  /** 1, 2, 3... within the state file. */
  id: number;
  /** `refs/heads/main`. */
  ref: string;
  refType: RefType;
  refName: string;
  commit: string;
  /** Image tags (`latest`, `1.2`), pushed to every image of `images`. */
  tags: string[];
  /** Image repositories (`docker.io/alice/app`). */
  images: string[];
  dockerfile: string;
  context: string;
  status: BuildStatus;
  /** Why it was built: `new ref`, `new commit`, `base image changed: ...`, `retry`... */
  reason: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The manifest digest pushed. */
  digest?: string;
  pushed?: PushedImage[];
  bases?: BaseImageRecord[];
  /** The build's log file. */
  log: string;
  error?: string;
  /** The error's kind (exit code family): usage, auth, network... */
  errorKind?: string;
  /** The run ended (crash, signal) before the build finished: it is built again next time. */
  interrupted?: boolean;
  pid: number;
  host: string;
}

export interface AutobuildState {
  version: 1;
  /** The git repository (credentials in a URL removed). */
  repository: string;
  images: string[];
  nextId: number;
  builds: BuildRecord[];
}

/** Records kept; older ones go (with their logs), except each ref's latest success. */
export const MAX_RECORDS = 500;

export function emptyState(repository: string, images: string[]): AutobuildState {
  return { version: 1, repository, images, nextId: 1, builds: [] };
}

/** Reads a state file; undefined when there is none yet. */
export async function readState(path: string): Promise<AutobuildState | undefined> {
  let text: string;
  try {
    const st = await fsp.lstat(path);
    if (!st.isFile()) throw notAFile(path);
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((e as { kind?: string }).kind) throw e;
    throw storeError('STATE_UNREADABLE', `cannot read the autobuild state ${path}: ${(e as Error).message}`, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt(path, 'it is not valid JSON');
  }
  const s = parsed as Partial<AutobuildState>;
  if (s?.version !== 1 || typeof s.repository !== 'string' || !Array.isArray(s.builds) || typeof s.nextId !== 'number') {
    throw corrupt(path, 'it is not an autobuild state file (version 1)');
  }
  return s as AutobuildState;
}

export async function writeState(path: string, state: AutobuildState): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const st = await fsp.lstat(path).catch(() => undefined);
  if (st && !st.isFile()) throw notAFile(path);
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

function notAFile(path: string) {
  return storeError('STATE_NOT_A_FILE', `the autobuild state ${path} is not a regular file`, {
    hint: 'give --state the path of a regular file (it is created when missing)',
  });
}

function corrupt(path: string, why: string) {
  return storeError('STATE_CORRUPT', `the autobuild state ${path} cannot be used: ${why}`, {
    hint: `move it aside (mv ${path} ${path}.bad) and run again: every ref is then built once more`,
  });
}

/**
 * Drops the oldest records beyond `max`, keeping each ref's latest success (what "already built"
 * is decided from). Returns the dropped records (their logs can go).
 */
export function pruneRecords(state: AutobuildState, max = MAX_RECORDS): BuildRecord[] {
  if (state.builds.length <= max) return [];
  const keep = new Set<BuildRecord>();
  const latestSuccess = new Map<string, BuildRecord>();
  for (const b of state.builds) if (b.status === 'success') latestSuccess.set(`${b.ref}\0${b.dockerfile}\0${b.context}`, b);
  for (const b of latestSuccess.values()) keep.add(b);
  const rest = state.builds.filter((b) => !keep.has(b));
  const dropCount = Math.min(rest.length, state.builds.length - max);
  const dropped = new Set(rest.slice(0, dropCount));
  state.builds = state.builds.filter((b) => !dropped.has(b));
  return [...dropped];
}
