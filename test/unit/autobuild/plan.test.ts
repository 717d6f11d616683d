import { describe, expect, it } from 'vitest';
import { conflictingTags, planBuilds } from '../../../src/autobuild/plan.js';
import type { RuleMatch } from '../../../src/autobuild/rules.js';
import { emptyState, pruneRecords, type BuildRecord } from '../../../src/autobuild/state.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const IMAGES = ['docker.io/alice/app'];

function match(name: string, commit: string, tags: string[]): RuleMatch {
  return {
    ref: { type: 'branch', name, fullName: `refs/heads/${name}`, commit },
    tags,
    dockerfile: 'Dockerfile',
    context: '.',
    invalidTags: [],
  };
}

let nextId = 1;
function record(m: RuleMatch, status: BuildRecord['status'], extra: Partial<BuildRecord> = {}): BuildRecord {
  return {
    id: nextId++,
    ref: m.ref.fullName,
    refType: m.ref.type,
    refName: m.ref.name,
    commit: m.ref.commit,
    tags: m.tags,
    images: IMAGES,
    dockerfile: m.dockerfile,
    context: m.context,
    status,
    reason: 'new branch',
    queuedAt: new Date(0).toISOString(),
    log: '/x.log',
    pid: 1,
    host: 'h',
    ...extra,
  };
}

describe('planning builds against the state', () => {
  it('builds new refs and new commits, skips what is built', () => {
    const state = emptyState('/repo', IMAGES);
    const main = match('main', A, ['latest']);
    expect(planBuilds([main], state, IMAGES)).toEqual([{ action: 'build', match: main, reason: 'new branch' }]);
    state.builds.push(record(main, 'success'));
    expect(planBuilds([main], state, IMAGES)[0]).toMatchObject({ action: 'skip', why: 'built' });
    const moved = match('main', B, ['latest']);
    expect(planBuilds([moved], state, IMAGES)[0]).toMatchObject({ action: 'build', reason: 'new commit' });
    const moreTags = match('main', A, ['latest', 'main']);
    expect(planBuilds([moreTags], state, IMAGES)[0]).toMatchObject({ action: 'build', reason: 'tags or images changed' });
    expect(planBuilds([main], state, [...IMAGES, 'ghcr.io/alice/app'])[0]).toMatchObject({ action: 'build' });
    // fewer tags or images than built: still up to date
    expect(planBuilds([match('main', A, [])], state, [])[0]).toMatchObject({ action: 'skip' });
  });

  it('does not retry a failed commit unless asked; always retries an interrupted one', () => {
    const state = emptyState('/repo', IMAGES);
    const main = match('main', A, ['latest']);
    state.builds.push(record(main, 'error', { error: 'Dockerfile:1: bad' }));
    expect(planBuilds([main], state, IMAGES)[0]).toMatchObject({ action: 'skip', why: 'failed' });
    expect(planBuilds([main], state, IMAGES, { retryFailed: true })[0]).toMatchObject({ action: 'build', reason: 'retry' });
    state.builds.push(record(main, 'error', { interrupted: true }));
    expect(planBuilds([main], state, IMAGES)[0]).toMatchObject({ action: 'build', reason: 'interrupted before' });
    state.builds.push(record(main, 'success'));
    expect(planBuilds([main], state, IMAGES)[0]).toMatchObject({ action: 'skip', why: 'built' });
  });

  it('names tags that two refs would push', () => {
    const decisions = planBuilds([match('main', A, ['latest']), match('dev', B, ['latest', 'dev'])], emptyState('/r', IMAGES), IMAGES);
    expect(conflictingTags(decisions)).toEqual([{ tag: 'latest', refs: ['refs/heads/main', 'refs/heads/dev'] }]);
  });

  it('prunes the oldest records but keeps each ref latest success', () => {
    const state = emptyState('/repo', IMAGES);
    const main = match('main', A, ['latest']);
    const keep = record(main, 'success');
    state.builds.push(keep);
    for (let i = 0; i < 10; i++) state.builds.push(record(match('dev', B, ['dev']), 'error'));
    const dropped = pruneRecords(state, 4);
    expect(dropped).toHaveLength(7);
    expect(state.builds).toHaveLength(4);
    expect(state.builds[0]).toBe(keep);
    expect(pruneRecords(state, 4)).toEqual([]);
  });
});
