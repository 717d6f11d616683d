/** `hubctl hub tag ls|show|rm|prune` through the binary against the Hub emulator. */
import { beforeEach, describe, expect, it } from 'vitest';
import { hubSuite, jsonLines } from './hub-fixture.js';
import { onTty } from './tty.js';

const hub = hubSuite({ maxPageSize: 4 });
const DAY = 86_400_000;
/** name -> age in days; 10 tags, three pages of four */
const AGES: Record<string, number> = { latest: 0, v10: 1, v9: 8, v8: 20, v7: 35, v6: 50, v5: 70, 'dev-3': 40, 'dev-2': 45, 'dev-1': 90 };

function seed(repo: string): void {
  const s = hub.emu.state;
  s.repos.delete(repo);
  s.addRepository(repo);
  for (const [tag, days] of Object.entries(AGES)) {
    s.addTag(repo, tag, {
      lastUpdated: new Date(Date.now() - days * DAY),
      size: 1000 + days,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
    });
  }
}
const tagsOf = (repo: string) => [...hub.emu.state.repos.get(repo)!.tags.keys()].sort();
const deletes = () => hub.emu.requests('DELETE');

beforeEach(() => seed('alice/app'));

describe('hub tag ls / show', () => {
  it('lists every page, newest first by default, as a table', async () => {
    const r = await hub.run(['tag', 'ls', 'alice/app', '--all']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TAG\s+DIGEST\s+SIZE\s+PLATFORMS\s+LAST PUSHED$/);
    const byAge = Object.entries(AGES).sort((a, b) => a[1] - b[1]);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(byAge.map(([t]) => t));
    expect(lines[1]).toMatch(/^latest\s+sha256:[0-9a-f]{64}\s+1.00kB\s+linux\/amd64,linux\/arm64\/v8\s+/);
    expect(hub.emu.requests('GET', '/tags').length).toBe(3);
  });

  it('--sort name, --limit, templates and json with the API fields', async () => {
    const r = await hub.run(['tag', 'ls', 'alice/app', '--sort', 'name', '--limit', '3', '--format', '{{.name}}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('dev-1\ndev-2\ndev-3\n');
    expect(r.stderr).toBe('Showing 3 of 10 tags: use --all, or --limit N, to see more\n');
    const j = jsonLines((await hub.run(['tag', 'ls', 'alice/app', '--limit', '1', '--format', 'json'])).stdout);
    expect(j).toHaveLength(1);
    expect(j[0]).toMatchObject({ name: 'latest', full_size: 1000 });
    expect(Array.isArray(j[0]!.images)).toBe(true);
    const bad = await hub.run(['tag', 'ls', 'alice/app', '--sort', 'size']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Error: --sort must be one of updated, name, not "size"\n');
  });

  it('show: digest, size and one line per platform; json is the API object', async () => {
    const r = await hub.run(['tag', 'show', 'alice/app:v9']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Tag: +alice\/app:v9\nDigest: +sha256:[0-9a-f]{64}\nSize: +1.01kB\n/);
    expect(r.stdout).toMatch(/\nPlatform linux\/amd64: +sha256:[0-9a-f]{64}/);
    expect(r.stdout).toMatch(/\nPlatform linux\/arm64\/v8: +sha256:[0-9a-f]{64}/);
    const j = jsonLines((await hub.run(['tag', 'show', 'alice/app:v9', '--format', 'json'])).stdout);
    expect(j[0]).toMatchObject({ name: 'v9', full_size: 1008 });
    const missing = await hub.run(['tag', 'show', 'alice/app:nope']);
    expect(missing.code).toBe(4);
  });
});

describe('hub tag rm', () => {
  it('off a terminal without -f: refused, exit 2, nothing sent', async () => {
    const r = await hub.run(['tag', 'rm', 'alice/app:v5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to delete the tag alice/app:v5 without confirmation: stdin is not a terminal');
    expect(hub.emu.log).toEqual([]);
  });

  it('several tags: goes on past one that fails, then exits with its kind', async () => {
    const r = await hub.run(['tag', 'rm', '-f', 'alice/app:v5', 'alice/app:nope', 'alice/app:v6']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('Deleted: alice/app:v5\nDeleted: alice/app:v6\n');
    expect(r.stderr).toMatch(/^Error: delete tag alice\/app:nope: .*404.*\nError: 1 of 3 tags could not be deleted \(see above\)\nhint: /);
    expect(tagsOf('alice/app')).not.toContain('v5');
    expect(tagsOf('alice/app')).not.toContain('v6');
  });

  it('on a terminal: asks, and "n" keeps the tag (exit 2)', async () => {
    const env = { ...hub.env, HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: hub.alicePat };
    const r = await onTty(['--hub-url', hub.emu.url, 'hub', 'tag', 'rm', 'alice/app:v5'], env, [{ expect: '[y/N] ', send: 'n\r' }]);
    expect(r.code).toBe(2);
    expect(r.screen).toContain('Are you sure you want to delete the tag alice/app:v5? This cannot be undone. [y/N] ');
    expect(r.screen).toContain('Error: cancelled: did not delete the tag alice/app:v5');
    expect(tagsOf('alice/app')).toContain('v5');
    expect(deletes()).toEqual([]);
  });
});

describe('hub tag prune', () => {
  it('--dry-run lists what would go and deletes nothing', async () => {
    const r = await hub.run(['tag', 'prune', 'alice/app', '--older-than', '30d', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').sort()).toEqual(
      ['dev-1', 'dev-2', 'dev-3', 'v5', 'v6', 'v7'].map((t) => `Would delete: alice/app:${t}`),
    );
    expect(r.stderr).toBe('Dry run: would delete 6 tags and keep 4 tags of alice/app; nothing was deleted\n');
    expect(deletes()).toEqual([]);
    expect(tagsOf('alice/app')).toHaveLength(10);
  });

  it('deletes only what every filter selects, sparing the newest --keep of them', async () => {
    const r = await hub.run(['tag', 'prune', 'alice/app', '--older-than', '30d', '--match', '^v\\d+$', '--keep', '1', '-f']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Deleted: alice/app:v6\nDeleted: alice/app:v5\n');
    expect(r.stderr).toBe('Deleted 2 tags, kept 8 tags of alice/app\n');
    expect(tagsOf('alice/app')).toEqual(['dev-1', 'dev-2', 'dev-3', 'latest', 'v10', 'v7', 'v8', 'v9']);
  });

  it('goes on past a failed delete, reports the counts, exits non-zero', async () => {
    hub.emu.fail({ method: 'DELETE', path: '/tags/dev-2/', status: 500, body: { detail: 'storage is on fire' } });
    const r = await hub.run(['tag', 'prune', 'alice/app', '--match', '^dev-', '-f']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('Deleted: alice/app:dev-3\nDeleted: alice/app:dev-1\n');
    expect(r.stderr).toContain('Error: delete tag alice/app:dev-2: Docker Hub answered 500: storage is on fire\n');
    expect(r.stderr).toContain('Deleted 2 tags, kept 7 tags of alice/app; 1 could not be deleted\n');
    expect(r.stderr).toContain('Error: 1 of 3 tags could not be deleted (see above)\n');
    expect(tagsOf('alice/app')).toContain('dev-2');
  });

  it('needs a filter; off a terminal needs -f (before any request)', async () => {
    const none = await hub.run(['tag', 'prune', 'alice/app', '-f']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('tag prune needs at least one of --keep, --older-than or --match');
    const refused = await hub.run(['tag', 'prune', 'alice/app', '--keep', '3']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to prune tags of alice/app without confirmation');
    expect(hub.emu.log).toEqual([]);
    const bad = await hub.run(['tag', 'prune', 'alice/app', '--older-than', '30 days', '-f']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than takes a duration like 30d');
  });

  it('on a terminal: shows the tags, asks, "y" deletes', async () => {
    const env = { ...hub.env, HUBCTL_HUB_USERNAME: 'alice', HUBCTL_HUB_TOKEN: hub.alicePat };
    const r = await onTty(['--hub-url', hub.emu.url, 'hub', 'tag', 'prune', 'alice/app', '--keep', '8'], env, [
      { expect: '[y/N] ', send: 'y\r' },
    ]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('  alice/app:v5\n  alice/app:dev-1\n');
    expect(r.screen).toContain('delete these 2 tags (keeping 8)?');
    expect(r.screen).toContain('Deleted 2 tags, kept 8 tags of alice/app');
    expect(tagsOf('alice/app')).toHaveLength(8);
  });
});
