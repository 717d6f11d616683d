/**
 * One autobuild run (`--once`, or one poll of `--watch`), holding `<state>.lock` from start to end so
 * that two runs on one state file never build the same commit twice: the second waits, then finds it
 * built. The lock names its holder's pid; a lock whose holder died is taken over (store/lock.ts), and
 * the builds that holder left `queued` or `building` are marked interrupted and built again.
 *
 *   git ls-remote -> rules -> plan against the state -> (base digests) -> build and push each
 */
import { hostname as osHostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import type { Client } from '../api/client.js';
import { isHubctlError, usageError } from '../errors.js';
import { acquireLock, type LockHandle, type LockInfo } from '../store/lock.js';
import { checkBases, type BaseChange } from './bases.js';
import { buildOne, type BuiltInRun } from './build-one.js';
import { buildCommit, type CommitBuilder } from './builder.js';
import { displayRepository, lsRemote, type RemoteRefs } from './git.js';
import { conflictingTags, planBuilds, type Decision } from './plan.js';
import { matchRules, parseRule, type BuildRule, type RuleMatch } from './rules.js';
import { emptyState, pruneRecords, readState, writeState, type AutobuildState, type BuildRecord, type PushedImage } from './state.js';

export interface AutobuildOptions {
  /** As git reads it: a URL or an absolute path (see normalizeRepository). */
  repository: string;
  /** Image repositories to push to, full names without tags (`docker.io/alice/app`). */
  images: string[];
  /** Empty: Hub's default rule, the repository's default branch as `latest`. */
  rules: BuildRule[];
  dockerfile?: string;
  context?: string;
  statePath: string;
  rebuildOnBaseChange?: boolean;
  retryFailed?: boolean;
  /** Environment for git. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  builder?: CommitBuilder;
  onEvent?: (event: AutobuildEvent) => void;
  now?: () => Date;
}

export type AutobuildEvent =
  | { type: 'waiting'; holder?: LockInfo }
  | { type: 'skip'; match: RuleMatch; why: 'built' | 'failed'; record: BuildRecord }
  | { type: 'base-changed'; match: RuleMatch; changes: BaseChange[] }
  | { type: 'warning'; message: string }
  | { type: 'start'; record: BuildRecord }
  | { type: 'line'; record: BuildRecord; line: string }
  | { type: 'pushed'; record: BuildRecord; pushed: PushedImage }
  | { type: 'done'; record: BuildRecord };

export interface AutobuildResult {
  statePath: string;
  builds: BuildRecord[];
  failed: BuildRecord[];
  upToDate: number;
}

export async function runAutobuild(client: Client, options: AutobuildOptions): Promise<AutobuildResult> {
  const now = options.now ?? (() => new Date());
  const emit = options.onEvent ?? (() => undefined);
  const lock = await lockState(options, emit);
  try {
    const repository = displayRepository(options.repository);
    const state = (await readState(options.statePath)) ?? emptyState(repository, options.images);
    if (state.repository !== repository) {
      throw usageError('STATE_OTHER_REPOSITORY', `the state file ${options.statePath} belongs to ${state.repository}, not ${repository}`, {
        hint: 'give each repository its own --state file (the default does)',
      });
    }
    state.images = options.images;
    const save = () => writeState(options.statePath, state);
    markAbandoned(state, now);
    await save();

    const remote = await lsRemote(options.repository, gitOptions(options));
    const rules = options.rules.length > 0 ? options.rules : [defaultRule(remote)];
    const matches = matchRules(rules, remote.refs, { ...pick(options, 'dockerfile'), ...pick(options, 'context') });
    const decisions = planBuilds(matches, state, options.images, pick(options, 'retryFailed'));
    for (const c of conflictingTags(decisions)) {
      emit({ type: 'warning', message: `tag ${c.tag} comes from ${c.refs.join(' and ')}: the last one built wins` });
    }
    const todo = await baseChanges(client, decisions, options, emit);
    let upToDate = 0;
    for (const d of decisions) if (d.action === 'skip' && !todo.some((t) => t.match === d.match)) upToDate++;
    const records = todo.map((t) => newRecord(state, t.match, t.reason, options, now));
    state.builds.push(...records);
    await save();

    const built = new Map<string, BuiltInRun>();
    for (const [i, record] of records.entries()) {
      emit({ type: 'start', record });
      try {
        await buildOne(
          {
            client,
            repository: options.repository,
            builder: options.builder ?? buildCommit,
            env: options.env,
            now,
            save,
            built,
            onLine: (r, line) => emit({ type: 'line', record: r, line }),
            onPushed: (r, pushed) => emit({ type: 'pushed', record: r, pushed }),
            ...(options.signal ? { signal: options.signal } : {}),
          },
          record,
          todo[i]!.match,
        );
      } catch (e) {
        for (const r of records.slice(i + 1))
          Object.assign(r, { status: 'error', error: 'interrupted before it started', interrupted: true });
        await save();
        throw e;
      }
      emit({ type: 'done', record });
    }
    for (const dropped of pruneRecords(state)) await rm(dropped.log, { force: true });
    await save();
    return { statePath: options.statePath, builds: records, failed: records.filter((r) => r.status === 'error'), upToDate };
  } finally {
    await lock.release();
  }
}

async function lockState(options: AutobuildOptions, emit: (e: AutobuildEvent) => void): Promise<LockHandle> {
  const path = `${options.statePath}.lock`;
  const common = { what: `the autobuild state ${options.statePath}`, ...(options.signal ? { signal: options.signal } : {}) };
  await mkdir(dirname(path), { recursive: true });
  try {
    return await acquireLock(path, { ...common, timeoutMs: 0 });
  } catch (e) {
    if (!(isHubctlError(e) && e.code === 'STORE_LOCKED')) throw e;
    const holder = e.details?.holder as LockInfo | undefined;
    emit(holder ? { type: 'waiting', holder } : { type: 'waiting' });
    return acquireLock(path, { ...common, timeoutMs: Number.POSITIVE_INFINITY });
  }
}

/** Builds a run that died left `queued` or `building` (no other run is live: this one holds the lock). */
function markAbandoned(state: AutobuildState, now: () => Date): void {
  for (const r of state.builds) {
    if (r.status !== 'queued' && r.status !== 'building') continue;
    Object.assign(r, {
      status: 'error',
      interrupted: true,
      error: `interrupted: the run (pid ${r.pid} on ${r.host}) ended before this build finished`,
      finishedAt: now().toISOString(),
    });
  }
}

/** Hub's default rule: the default branch (HEAD), else main, else master, tagged latest. */
function defaultRule(remote: RemoteRefs): BuildRule {
  const has = (n: string) => remote.refs.some((r) => r.type === 'branch' && r.name === n);
  const branch = remote.head ?? (has('main') ? 'main' : has('master') ? 'master' : 'main');
  return parseRule(`branch=${branch}:tag=latest`);
}

interface Todo {
  match: RuleMatch;
  reason: string;
}

/** The builds to do: those the plan asks for, and (with --rebuild-on-base-change) built ones whose bases moved. */
async function baseChanges(
  client: Client,
  decisions: Decision[],
  options: AutobuildOptions,
  emit: (e: AutobuildEvent) => void,
): Promise<Todo[]> {
  const todo: Todo[] = [];
  for (const d of decisions) {
    if (d.action === 'build') {
      todo.push({ match: d.match, reason: d.reason });
      continue;
    }
    emit({ type: 'skip', match: d.match, why: d.why, record: d.record });
    if (d.why !== 'built' || !options.rebuildOnBaseChange || !d.record.bases?.length) continue;
    const check = await checkBases(client, d.record.bases, options.signal);
    for (const f of check.failed) emit({ type: 'warning', message: `cannot check base image ${f.reference}: ${f.error}` });
    if (check.changed.length === 0) continue;
    emit({ type: 'base-changed', match: d.match, changes: check.changed });
    todo.push({ match: d.match, reason: `base image changed: ${check.changed.map((c) => c.reference).join(', ')}` });
  }
  return todo;
}

function newRecord(state: AutobuildState, match: RuleMatch, reason: string, options: AutobuildOptions, now: () => Date): BuildRecord {
  const id = state.nextId++;
  const logDir = join(dirname(options.statePath), `${basename(options.statePath).replace(/\.json$/, '')}.logs`);
  return {
    id,
    ref: match.ref.fullName,
    refType: match.ref.type,
    refName: match.ref.name,
    commit: match.ref.commit,
    tags: [...match.tags, ...match.invalidTags],
    images: options.images,
    dockerfile: match.dockerfile,
    context: match.context,
    status: 'queued',
    reason,
    queuedAt: now().toISOString(),
    log: join(logDir, `${id}-${match.ref.commit.slice(0, 12)}.log`),
    pid: process.pid,
    host: osHostname(),
  };
}

function gitOptions(options: AutobuildOptions) {
  return { env: options.env, ...(options.signal ? { signal: options.signal } : {}) };
}

function pick<T extends object, K extends keyof T>(o: T, key: K): Partial<Pick<T, K>> {
  return o[key] === undefined ? {} : ({ [key]: o[key] } as Partial<Pick<T, K>>);
}
