/**
 * `hubctl hub tag prune NAMESPACE/NAME [--keep N] [--older-than D] [--match RE] [--dry-run] [-f]`
 * (declared in declare.ts; the selection is prune-plan.ts). Every tag is listed first, then the plan is
 * shown; `--dry-run` stops there. A real run asks on a terminal (off one it needs -f, checked before any
 * request), deletes one tag at a time, goes on past a failed delete, reports kept and deleted counts, and
 * exits non-zero when any delete failed.
 */
import { usageError } from '../../../errors.js';
import { parseHubRepository } from '../../../hub/names.js';
import { parseDuration, parseRegex } from './args.js';
import { confirmDestructive } from './confirm.js';
import { runEach, summaryError } from './each.js';
import type { ForceFlags } from './declare-common.js';
import { planPrune, pushedAt, requireFilter, type PruneFilters } from './prune-plan.js';
import type { Item } from './print.js';
import { withHub, type HubRuntime } from './session.js';
import { withSpinner } from '../../spinner.js';

export interface PruneFlags extends ForceFlags {
  keep?: string;
  olderThan?: string;
  match?: string;
  dryRun?: boolean;
}

export async function tagPrune(rt: HubRuntime, target: string, flags: PruneFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  const filters: PruneFilters = {};
  if (flags.keep !== undefined) {
    if (!/^\d+$/.test(flags.keep.trim())) throw usageError('INVALID_FLAG', `--keep must be a whole number, not "${flags.keep}"`);
    filters.keep = Number(flags.keep);
  }
  if (flags.olderThan !== undefined) filters.olderThanMs = parseDuration(flags.olderThan, '--older-than');
  if (flags.match !== undefined) filters.match = parseRegex(flags.match, '--match');
  requireFilter(filters);
  const repo = `${namespace}/${name}`;
  // off a terminal without -f the answer is known now: refuse before listing anything
  if (!flags.dryRun && !flags.force && process.stdin.isTTY !== true) await confirmDestructive(rt, `prune tags of ${repo}`, false);

  await withHub(rt, async (hub) => {
    const { items } = await withSpinner(rt.out, `Listing the tags of ${repo}`, () => hub.listTags(namespace, name).collect());
    const tags = (items as unknown as Item[]).map((t) => ({ name: String(t.name), pushedAt: pushedAt(t) }));
    const plan = planPrune(tags, filters, Date.now());
    const kept = plan.keptByKeep.length + plan.unselected.length;
    const doomed = plan.remove.map((t) => `${repo}:${t.name}`);
    if (flags.dryRun) {
      for (const t of doomed) rt.out.data(`Would delete: ${t}`);
      rt.out.info(`Dry run: would delete ${count(doomed.length)} and keep ${count(kept)} of ${repo}; nothing was deleted`);
      return;
    }
    if (doomed.length === 0) {
      rt.out.info(`Nothing to delete: kept all ${count(kept)} of ${repo}`);
      return;
    }
    if (!flags.force) {
      for (const t of doomed) rt.out.info(`  ${t}`);
      await confirmDestructive(rt, `delete these ${count(doomed.length)} (keeping ${kept})`, false);
    }
    const failures = await runEach(rt, doomed, plan.remove, (t) => hub.deleteTag(namespace, name, t.name));
    const deleted = doomed.length - failures.length;
    rt.out.info(
      `Deleted ${count(deleted)}, kept ${count(kept)} of ${repo}${failures.length > 0 ? `; ${failures.length} could not be deleted` : ''}`,
    );
    if (failures.length > 0) throw summaryError(failures, doomed.length, 'tags could not be deleted');
  });
}

const count = (n: number) => `${n} tag${n === 1 ? '' : 's'}`;
