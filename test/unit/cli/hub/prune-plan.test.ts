import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../../src/errors.js';
import { planPrune, pushedAt, type PruneTag } from '../../../../src/cli/commands/hub/prune-plan.js';

const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T00:00:00Z');
const tag = (name: string, daysAgo: number | undefined): PruneTag => ({
  name,
  pushedAt: daysAgo === undefined ? undefined : NOW - daysAgo * DAY,
});
const TAGS = [tag('latest', 0), tag('v3', 1), tag('v2', 40), tag('v1', 90), tag('dev-1', 60), tag('dev-2', 5), tag('odd', undefined)];
const names = (ts: PruneTag[]) => ts.map((t) => t.name).sort();

describe('tag prune selection', () => {
  it('needs at least one filter', () => {
    expect(() => planPrune(TAGS, {}, NOW)).toThrow(HubctlError);
  });

  it('--keep N alone keeps the newest N; unknown push times count as newest', () => {
    const p = planPrune(TAGS, { keep: 3 }, NOW);
    expect(names(p.keptByKeep)).toEqual(['latest', 'odd', 'v3']);
    expect(names(p.remove)).toEqual(['dev-1', 'dev-2', 'v1', 'v2']);
    expect(p.unselected).toEqual([]);
  });

  it('--older-than selects by push time and never selects an unknown age', () => {
    const p = planPrune(TAGS, { olderThanMs: 30 * DAY }, NOW);
    expect(names(p.remove)).toEqual(['dev-1', 'v1', 'v2']);
    expect(names(p.unselected)).toEqual(['dev-2', 'latest', 'odd', 'v3']);
  });

  it('every filter must select; --keep spares the newest of the selected', () => {
    const p = planPrune(TAGS, { olderThanMs: 30 * DAY, match: /^v/, keep: 1 }, NOW);
    expect(names(p.keptByKeep)).toEqual(['v2']);
    expect(names(p.remove)).toEqual(['v1']);
    expect(names(p.unselected)).toEqual(['dev-1', 'dev-2', 'latest', 'odd', 'v3']);
  });

  it('--keep larger than the selection deletes nothing', () => {
    expect(planPrune(TAGS, { match: /^dev-/, keep: 5 }, NOW).remove).toEqual([]);
  });

  it("reads Hub's push times", () => {
    expect(pushedAt({ tag_last_pushed: '2025-05-31T00:00:00Z', last_updated: '2020-01-01T00:00:00Z' })).toBe(NOW - DAY);
    expect(pushedAt({ last_updated: '2025-05-31T00:00:00.123456Z' })).toBe(NOW - DAY + 123);
    expect(pushedAt({ tag_last_pushed: null, last_updated: 'garbage' })).toBeUndefined();
  });
});
