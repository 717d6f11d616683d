/**
 * `hubctl autobuild GIT_REPO --image ... --rule ...` (declared in autobuild/declare.ts).
 * stderr: one line per ref (up to date, building, result) and, unless -q, the build output;
 * stdout: `REFERENCE@DIGEST` for every tag pushed. A failed build leaves the others going; the run
 * then exits with the first failure's exit code. `--watch`: SIGINT/SIGTERM/SIGHUP stop it between builds
 * (exit 0), or interrupt the build under way (recorded as interrupted, built again next time; 130).
 */
import { homedir } from 'node:os';
import type { Client } from '../../../api/client.js';
import { displayRepository, normalizeRepository } from '../../../autobuild/git.js';
import { defaultDataDir, defaultStatePath } from '../../../autobuild/paths.js';
import { parseRule, repoPath } from '../../../autobuild/rules.js';
import { runAutobuild, type AutobuildEvent, type AutobuildOptions, type AutobuildResult } from '../../../autobuild/run.js';
import { HubctlError, isHubctlError, usageError } from '../../../errors.js';
import { formatReference, parseRepository } from '../../../ref/reference.js';
import { parseDuration } from '../../parse.js';
import type { CliRuntime } from '../../runtime.js';
import { withClient } from '../../with-client.js';

export interface AutobuildFlags {
  image: string[];
  rule: string[];
  dockerfile?: string;
  context?: string;
  once?: boolean;
  watch?: string;
  state?: string;
  rebuildOnBaseChange?: boolean;
  retryFailed?: boolean;
  quiet?: boolean;
  insecure?: boolean;
  caFile?: string;
}

export async function autobuildCommand(rt: CliRuntime, repo: string, flags: AutobuildFlags): Promise<void> {
  if (flags.once && flags.watch !== undefined) throw usageError('INVALID_FLAG', '--once and --watch exclude each other');
  const intervalMs = flags.watch === undefined ? undefined : parseDuration(flags.watch, '--watch', 1000, 24 * 3_600_000);
  const images = parseImages(flags.image);
  const rules = flags.rule.map(parseRule);
  const repository = normalizeRepository(repo, process.cwd());
  const statePath = flags.state ?? defaultStatePath(defaultDataDir(rt.env, homedir()), repository, images);
  const stop = new AbortController();
  rt.takeOverInterrupts((signal, count) => {
    if (count === 1) rt.out.info(`${signal}: stopping${intervalMs ? '' : ' (the build under way is recorded as interrupted)'}`);
    stop.abort(new Error(signal));
  });
  const options: AutobuildOptions = {
    repository,
    images,
    rules,
    statePath,
    env: rt.env,
    signal: stop.signal,
    onEvent: reporter(rt, Boolean(flags.quiet)),
    ...(flags.dockerfile !== undefined ? { dockerfile: pathFlag('--dockerfile', flags.dockerfile) } : {}),
    ...(flags.context !== undefined ? { context: pathFlag('--context', flags.context) } : {}),
    ...(flags.rebuildOnBaseChange ? { rebuildOnBaseChange: true } : {}),
    ...(flags.retryFailed ? { retryFailed: true } : {}),
  };
  await withClient(rt, flags, async (client) => {
    if (intervalMs === undefined) return finish(rt, await runAutobuild(client, options));
    await watch(rt, client, options, intervalMs, stop.signal);
  });
}

function pathFlag(flag: string, value: string): string {
  const path = repoPath(value);
  if (path === undefined) throw usageError('INVALID_FLAG', `${flag} ${value} leaves the repository: give a path inside it`);
  return path;
}

function parseImages(values: string[]): string[] {
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (names.length === 0 || names.some((n) => n === '')) {
    throw usageError('INVALID_FLAG', '--image is required: NAMESPACE/NAME or REGISTRY/NS/NAME (comma-separated, repeatable)');
  }
  const out: string[] = [];
  for (const name of names) {
    const full = formatReference(parseRepository(name));
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

/** One line per build on stdout for each pushed tag; the error of the first failure when any failed. */
function finish(rt: CliRuntime, result: AutobuildResult): void {
  if (result.builds.length === 0) rt.out.info(`nothing to build (${result.upToDate} up to date)`);
  if (result.failed.length === 0) return;
  const first = result.failed[0]!;
  throw new HubctlError(
    (first.errorKind as HubctlError['kind'] | undefined) ?? 'internal',
    'AUTOBUILD_FAILED',
    `${result.failed.length} of ${result.builds.length} builds failed; first: #${first.id} ${first.refType} ${first.refName}: ${first.error}`,
    { hint: `the log is ${first.log}; see every build with: hubctl autobuild history --state ${result.statePath}` },
  );
}

async function watch(rt: CliRuntime, client: Client, options: AutobuildOptions, intervalMs: number, signal: AbortSignal): Promise<void> {
  rt.out.info(`watching ${displayRepository(options.repository)} every ${Math.round(intervalMs / 1000)}s (state ${options.statePath})`);
  while (!signal.aborted) {
    try {
      finish(rt, await runAutobuild(client, options));
    } catch (e) {
      if (signal.aborted) throw e;
      rt.out.info(`Error: ${(e as Error).message}`);
      if (isHubctlError(e) && e.hint) rt.out.info(`hint: ${e.hint}`);
    }
    await sleep(intervalMs, signal);
  }
  rt.out.info('stopped');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function reporter(rt: CliRuntime, quiet: boolean): (e: AutobuildEvent) => void {
  const at = (ref: { refType?: string; refName?: string }, commit: string) => `${ref.refType} ${ref.refName} (${commit.slice(0, 12)})`;
  return (e) => {
    if (e.type === 'waiting') {
      const who = e.holder ? `pid ${e.holder.pid} on ${e.holder.host}` : 'another run';
      rt.out.info(`waiting for the autobuild run of ${who} on the same state file`);
    } else if (e.type === 'skip') {
      const r = { refType: e.match.ref.type, refName: e.match.ref.name };
      if (!quiet || e.why === 'failed') {
        rt.out.info(
          e.why === 'built'
            ? `${at(r, e.match.ref.commit)}: up to date (#${e.record.id})`
            : `${at(r, e.match.ref.commit)}: failed in #${e.record.id}, not retried (--retry-failed to try again)`,
        );
      }
    } else if (e.type === 'base-changed') {
      for (const c of e.changes) rt.out.info(`${e.match.ref.type} ${e.match.ref.name}: base image ${c.reference} changed (${c.to})`);
    } else if (e.type === 'warning') rt.out.warn(e.message);
    else if (e.type === 'start') {
      rt.out.info(`#${e.record.id} building ${at(e.record, e.record.commit)} as ${e.record.tags.join(', ')}: ${e.record.reason}`);
    } else if (e.type === 'line') {
      if (!quiet) rt.out.info(`  ${e.line}`);
    } else if (e.type === 'pushed') rt.out.data(`${e.pushed.reference}@${e.pushed.digest}`);
    else if (e.type === 'done') {
      const r = e.record;
      rt.out.info(r.status === 'success' ? `#${r.id} success ${r.digest}` : `#${r.id} error: ${r.error} (log: ${r.log})`);
    }
  };
}
