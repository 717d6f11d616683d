/** `hubctl hub repo ...` through the binary against the Hub emulator. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hubSuite, jsonLines } from './hub-fixture.js';

const hub = hubSuite({ maxPageSize: 4 });

beforeAll(() => {
  for (let i = 0; i < 11; i++)
    hub.emu.state.addRepository(`alice/app${String(i).padStart(2, '0')}`, { description: `app number ${i}`, private: i % 3 === 0 });
  hub.emu.state.addRepository('acme/web', { description: 'the web site', fullDescription: '# Web\n\nIt serves.' });
});

describe('hub repo ls', () => {
  it('lists the logged-in account by default, across pages (page size 4), as a table', async () => {
    const r = await hub.run(['repo', 'ls']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DESCRIPTION\s+VISIBILITY\s+PULLS\s+STARS\s+LAST UPDATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(
      Array.from({ length: 11 }, (_, i) => `alice/app${String(i).padStart(2, '0')}`),
    );
    expect(lines[1]).toMatch(/^alice\/app00\s+app number 0\s+private\s+0\s+0\s+/);
    expect(r.stderr).toBe('');
    expect(hub.emu.requests('GET', '/v2/namespaces/alice/repositories').length).toBe(3);
  });

  it('--limit stops early and says how to see the rest; --all takes every page', async () => {
    const r = await hub.run(['repo', 'ls', 'alice', '--limit', '5', '--format', '{{.name}}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('app00\napp01\napp02\napp03\napp04\n');
    expect(r.stderr).toBe('Showing 5 of 11 repositories: use --all, or --limit N, to see more\n');
    const all = await hub.run(['repo', 'ls', '--all', '--format', '{{.name}}']);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(11);
    const both = await hub.run(['repo', 'ls', '--all', '--limit', '3']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('Error: --all and --limit cannot be used together\n');
  });

  it("--format json is one object per line with the API's field names; templates take the table prefix", async () => {
    const r = await hub.run(['repo', 'ls', 'acme', '--format', 'json']);
    const [web] = jsonLines(r.stdout);
    expect(web).toMatchObject({ name: 'web', namespace: 'acme', description: 'the web site', is_private: false });
    const t = await hub.run(['repo', 'ls', 'acme', '--format', 'table {{.namespace}}/{{.name}}\t{{.is_private}}']);
    expect(t.stdout).toMatch(/^NAMESPACE\/NAME\s+IS PRIVATE\nacme\/web\s+false\n$/);
    const bad = await hub.run(['repo', 'ls', 'acme', '--format', '{{.nope}}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field .nope');
  });

  it('anonymous: a namespace is needed, public repositories are listed', async () => {
    const none = await hub.anon(['repo', 'ls']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Error: no NAMESPACE given and not logged in to Docker Hub');
    const r = await hub.anon(['repo', 'ls', 'acme', '--format', '{{.name}}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('web\n');
  });
});

describe('hub repo create / show / update / rm', () => {
  it('creates a private repository with a description and a README from a file, then shows it', async () => {
    const readme = join(hub.root, 'README.md');
    await writeFile(readme, '# Tool\n\nUse it well.\n');
    const r = await hub.run(['repo', 'create', 'alice/tool', '--private', '--description', 'a tool', '--readme', readme]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('alice/tool\n');
    expect(r.stderr).toBe('Created private repository alice/tool\n');
    const repo = hub.emu.state.repos.get('alice/tool')!;
    expect(repo).toMatchObject({ isPrivate: true, description: 'a tool', fullDescription: '# Tool\n\nUse it well.\n' });

    const show = await hub.run(['repo', 'show', 'alice/tool']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Name: +alice\/tool\nDescription: +a tool\nVisibility: +private\n/);
    expect(show.stdout).toContain('\n\n# Tool\n\nUse it well.\n');
    const json = jsonLines((await hub.run(['repo', 'show', 'alice/tool', '--format', 'json'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ name: 'tool', namespace: 'alice', is_private: true, full_description: '# Tool\n\nUse it well.\n' });
    expect((await hub.run(['repo', 'show', 'alice/tool', '--format', '{{.is_private}} {{.permissions}}'])).stdout).toBe(
      'true {"read":true,"write":true,"admin":true}\n',
    );
  });

  it('a repository that exists, a bad name, a README that is not there', async () => {
    const dup = await hub.run(['repo', 'create', 'acme/web']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr.split('\n')[0]).toMatch(/^Error: create repository acme\/web: Docker Hub answered \d+/);
    const bad = await hub.run(['repo', 'create', 'alice/Bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: invalid repository name in "alice\/Bad"\nhint: /);
    const missing = await hub.run(['repo', 'create', 'alice/other', '--readme', join(hub.root, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`Error: cannot read the README ${join(hub.root, 'nope.md')}: ENOENT\nhint: check the path\n`);
    expect(hub.emu.state.repos.has('alice/other')).toBe(false);
  });

  it('updates the description, the README from stdin and the visibility', async () => {
    hub.emu.state.addRepository('alice/upd', { description: 'old' });
    const r = await hub.run(['repo', 'update', 'alice/upd', '--description', 'new', '--readme', '-', '--private'], {}, '# New README\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Updated alice/upd: description, README, now private\n');
    expect(hub.emu.state.repos.get('alice/upd')).toMatchObject({ description: 'new', fullDescription: '# New README\n', isPrivate: true });
    const pub = await hub.run(['repo', 'update', 'alice/upd', '--public']);
    expect(pub.code).toBe(0);
    expect(hub.emu.state.repos.get('alice/upd')!.isPrivate).toBe(false);
    expect(hub.emu.requests('PATCH')).toHaveLength(1);
    expect(hub.emu.requests('POST', '/privacy')).toHaveLength(2);
  });

  it('update needs something to change and not both --private and --public', async () => {
    const none = await hub.run(['repo', 'update', 'alice/upd']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to change on alice/upd');
    const both = await hub.run(['repo', 'update', 'alice/upd', '--private', '--public']);
    expect(both.code).toBe(2);
    expect(hub.emu.log).toEqual([]);
  });

  it('rm refuses off a terminal without -f (exit 2, nothing sent), deletes with -f', async () => {
    hub.emu.state.addRepository('alice/gone');
    const refused = await hub.run(['repo', 'rm', 'alice/gone']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'Error: refusing to delete the repository alice/gone and all its tags without confirmation: stdin is not a terminal\nhint: add -f (--force) to go ahead without asking\n',
    );
    expect(hub.emu.log).toEqual([]);
    expect(hub.emu.state.repos.has('alice/gone')).toBe(true);
    const r = await hub.run(['repo', 'rm', '-f', 'alice/gone']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Deleted: alice/gone\n');
    expect(hub.emu.state.repos.has('alice/gone')).toBe(false);
    const again = await hub.run(['repo', 'rm', '-f', 'alice/gone']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^Error: delete repository alice\/gone: Docker Hub answered 404.*\nhint: check the name/);
  });
});

describe("Hub's error shapes", () => {
  for (const [body, said] of [
    [{ detail: 'Repository name is taken' }, 'Repository name is taken'],
    [{ message: 'namespace is read only' }, 'namespace is read only'],
    [
      { fields: { name: ['Ensure this field has no more than 255 characters.'] }, text: 'Invalid request' },
      'Invalid request: name: Ensure this field has no more than 255 characters.',
    ],
    [{ errinfo: { namespace: 'alice', reason: 'quota' }, message: 'over quota' }, 'over quota: namespace: alice; reason: quota'],
  ] as const) {
    it(`${Object.keys(body).join('+')}: one Error line and a hint, exit 2`, async () => {
      hub.emu.fail({ method: 'POST', path: '/v2/namespaces/alice/repositories', status: 400, body });
      const r = await hub.run(['repo', 'create', 'alice/shapes']);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(`Error: create repository alice/shapes: Docker Hub answered 400: ${said}`);
      expect(lines[1]).toMatch(/^hint: /);
    });
  }
});
