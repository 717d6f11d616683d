/**
 * `hubctl autobuild history` (declared in autobuild/declare.ts): the builds of one state file, or of
 * every state file in hubctl's data directory, newest first, as a table, JSON lines or a Go template.
 */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { autobuildDir, defaultDataDir } from '../../../autobuild/paths.js';
import { readState, type AutobuildState, type BuildRecord } from '../../../autobuild/state.js';
import { notFoundError } from '../../../errors.js';
import { alignColumns } from '../../../format/tabwriter.js';
import { parsePositiveInt } from '../../parse.js';
import { printFormattedRows } from '../../print-rows.js';
import type { CliRuntime } from '../../runtime.js';
import { timeAgo } from '../../time-ago.js';

export interface HistoryFlags {
  state?: string;
  format?: string;
  last?: string;
}

const FIELDS = [
  'ID',
  'Repository',
  'Images',
  'Ref',
  'Commit',
  'Tags',
  'Status',
  'Reason',
  'Digest',
  'QueuedAt',
  'StartedAt',
  'FinishedAt',
  'Duration',
  'Log',
  'Error',
  'State',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

export async function historyCommand(rt: CliRuntime, flags: HistoryFlags): Promise<void> {
  const last = flags.last === undefined ? undefined : parsePositiveInt(flags.last, '--last', 1_000_000);
  const states = await loadStates(rt, flags.state);
  let rows = states
    .flatMap(({ path, state }) => state.builds.map((b) => ({ b, row: view(path, state, b) })))
    .sort((x, y) => (x.b.queuedAt === y.b.queuedAt ? y.b.id - x.b.id : x.b.queuedAt < y.b.queuedAt ? 1 : -1))
    .map((x) => x.row);
  if (last !== undefined) rows = rows.slice(0, last);
  if (await printFormattedRows(rt.out, flags.format ?? 'table', rows, FIELDS)) return;
  const many = states.length > 1;
  const header = ['ID', ...(many ? ['REPOSITORY'] : []), 'REF', 'COMMIT', 'TAGS', 'STATUS', 'DIGEST', 'STARTED', 'DURATION'];
  const body = rows.map((r) => [
    r.ID,
    ...(many ? [r.Repository] : []),
    r.Ref,
    r.Commit.slice(0, 12),
    r.Tags,
    r.Status,
    r.Digest ? r.Digest.slice(7, 19) : '',
    r.StartedAt ? timeAgo(r.StartedAt) : 'N/A',
    r.Duration,
  ]);
  for (const line of alignColumns([header, ...body].map((c) => c.join('\t')).join('\n')).split('\n')) rt.out.data(line);
}

async function loadStates(rt: CliRuntime, statePath: string | undefined): Promise<Array<{ path: string; state: AutobuildState }>> {
  if (statePath !== undefined) {
    const state = await readState(statePath);
    if (!state)
      throw notFoundError('STATE_NOT_FOUND', `no autobuild state at ${statePath}`, {
        hint: 'hubctl autobuild ... --state FILE creates it',
      });
    return [{ path: statePath, state }];
  }
  const dir = autobuildDir(defaultDataDir(rt.env, homedir()));
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Array<{ path: string; state: AutobuildState }> = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name);
    try {
      const state = await readState(path);
      if (state) out.push({ path, state });
    } catch (e) {
      rt.out.warn((e as Error).message);
    }
  }
  return out;
}

function view(path: string, state: AutobuildState, b: BuildRecord): Row {
  return {
    ID: String(b.id),
    Repository: state.repository,
    Images: b.images.join(','),
    Ref: b.refName,
    Commit: b.commit,
    Tags: b.tags.join(','),
    Status: b.status,
    Reason: b.reason,
    Digest: b.digest ?? '',
    QueuedAt: b.queuedAt,
    StartedAt: b.startedAt ?? '',
    FinishedAt: b.finishedAt ?? '',
    Duration: duration(b.startedAt, b.finishedAt),
    Log: b.log,
    Error: b.error ?? '',
    State: path,
  };
}

function duration(from: string | undefined, to: string | undefined): string {
  if (!from || !to) return '';
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
