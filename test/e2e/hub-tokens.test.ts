/** `hubctl hub token|webhook|build|audit-log ...` through the binary against the Hub emulator. */
import { beforeAll, describe, expect, it } from 'vitest';
import { hubSuite, jsonLines } from './hub-fixture.js';

const hub = hubSuite({ maxPageSize: 2 });
const pats = () => [...hub.emu.state.pats.values()].filter((p) => p.owner === 'alice');

beforeAll(() => {
  for (const label of ['laptop', 'old ci', 'backup']) hub.emu.state.addAccessToken('alice', { label, scopes: ['repo:read'] });
  hub.emu.state.addRepository('alice/app');
});

describe('hub token', () => {
  it('ls: every page, no secrets', async () => {
    const r = await hub.run(['token', 'ls']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^UUID\s+LABEL\s+SCOPES\s+ACTIVE\s+CREATED\s+LAST USED\s+EXPIRES$/);
    expect(
      lines
        .map((l) => l.split(/\s{2,}/)[1])
        .slice(1)
        .sort(),
    ).toEqual(['backup', 'e2e', 'laptop', 'old ci']);
    for (const p of pats()) expect(r.stdout).not.toContain(p.token);
  });

  it('create prints the token alone on stdout, once; the emulator accepts it as a login', async () => {
    const r = await hub.run(['token', 'create', '--label', 'CI for alice/app', '--scope', 'repo:write', '--expires', '2099-01-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dckr_pat_[\w-]+\n$/);
    const token = r.stdout.trim();
    expect(r.stderr).toMatch(
      /^Created access token "CI for alice\/app" \([0-9a-f-]{36}\), scope repo:write, expires 2099-01-01T00:00:00.000Z\. /,
    );
    expect(r.stderr).not.toContain(token);
    const made = pats().find((p) => p.label === 'CI for alice/app')!;
    expect(made).toMatchObject({ token, scopes: ['repo:write'], active: true });
    // it works as a login, and it never shows again
    const use = await hub.run(['repo', 'ls', '--format', '{{.name}}'], { HUBCTL_HUB_TOKEN: token });
    expect(use.code).toBe(0);
    expect((await hub.run(['token', 'ls', '--format', 'json'])).stdout).not.toContain(token);
  });

  it('create checks its flags before asking Hub', async () => {
    const scope = await hub.run(['token', 'create', '--label', 'x', '--scope', 'repo:everything']);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toBe('Error: --scope must be one of repo:read, repo:write, repo:admin, repo:public_read, not "repo:everything"\n');
    const past = await hub.run(['token', 'create', '--label', 'x', '--expires', '2001-01-01']);
    expect(past.code).toBe(2);
    const noLabel = await hub.run(['token', 'create']);
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toContain("required option '--label <label>' not specified");
    expect(hub.emu.log).toEqual([]);
  });

  it('--debug shows neither the new token nor the login token', async () => {
    const r = await hub.run(['--debug', 'token', 'create', '--label', 'debugged']);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^dckr_pat_/);
    expect(r.stderr).toContain('DEBUG ');
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).not.toContain(hub.alicePat);
  });

  it('disable, show, enable, rm (refused off a terminal without -f)', async () => {
    const laptop = pats().find((p) => p.label === 'laptop')!;
    const uuid = jsonLines((await hub.run(['token', 'ls', '--format', 'json'])).stdout).find((t) => t.token_label === 'laptop')!
      .uuid as string;
    expect((await hub.run(['token', 'disable', uuid])).stderr).toBe(`Disabled access token ${uuid}\n`);
    expect(laptop.active).toBe(false);
    const show = await hub.run(['token', 'show', uuid]);
    expect(show.stdout).toMatch(/^UUID: +[0-9a-f-]{36}\nLabel: +laptop\nScopes: +repo:read\nActive: +no\n/);
    expect((await hub.run(['token', 'show', uuid, '--format', '{{.is_active}}'])).stdout).toBe('false\n');
    expect((await hub.run(['token', 'enable', uuid])).code).toBe(0);
    expect(laptop.active).toBe(true);
    const refused = await hub.run(['token', 'rm', uuid]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('without confirmation');
    const rm = await hub.run(['token', 'rm', uuid, '-f']);
    expect(rm.stdout).toBe(`Deleted: ${uuid}\n`);
    expect(pats().some((p) => p.label === 'laptop')).toBe(false);
    expect((await hub.run(['token', 'show', uuid])).code).toBe(4);
  });
});

describe('hub webhook', () => {
  it('add, ls (table and json), rm', async () => {
    const add = await hub.run(['webhook', 'add', 'alice/app', 'deploy', 'https://ci.example/hook/abc']);
    expect(add.code).toBe(0);
    expect(add.stderr).toBe('Added webhook "deploy" to alice/app: Docker Hub will POST each push to it\n');
    expect(hub.emu.state.repos.get('alice/app')!.webhooks.size).toBe(1);
    const ls = await hub.run(['webhook', 'ls', 'alice/app']);
    expect(ls.stdout).toMatch(/^NAME\s+URL\s+CREATED\ndeploy\s+https:\/\/ci\.example\/hook\/abc\s+\d{4}-/);
    const [hook] = jsonLines((await hub.run(['webhook', 'ls', 'alice/app', '--format', 'json'])).stdout);
    expect(hook).toMatchObject({ name: 'deploy', webhooks: [{ name: 'deploy', hook_url: 'https://ci.example/hook/abc' }] });
    expect((await hub.run(['webhook', 'rm', 'alice/app', 'deploy'])).code).toBe(2);
    const rm = await hub.run(['webhook', 'rm', 'alice/app', 'deploy', '-f']);
    expect(rm.stdout).toBe('Deleted: deploy\n');
    expect(hub.emu.state.repos.get('alice/app')!.webhooks.size).toBe(0);
    expect((await hub.run(['webhook', 'rm', 'alice/app', 'deploy', '-f'])).code).toBe(4);
  });

  it('a URL that is not one is refused before Hub is asked', async () => {
    const r = await hub.run(['webhook', 'add', 'alice/app', 'x', 'ftp://example/']);
    expect(r.code).toBe(2);
    expect(hub.emu.log).toEqual([]);
  });
});

describe('hub build trigger', () => {
  it('calls the trigger with the branch; the URL token never shows, even with --debug', async () => {
    const trig = hub.emu.state.addBuildTrigger('alice/app');
    const url = hub.emu.triggerUrl(trig);
    const r = await hub.run(['--debug', 'build', 'trigger', url, '--branch', 'main']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Build triggered for main\n');
    expect(r.stderr).toContain('WARNING: Docker Hub automated builds are deprecated');
    expect(r.stderr).not.toContain(trig.token);
    expect(hub.emu.state.triggers.get(`${trig.source}/${trig.token}`)!.calls.map((c) => c.body)).toEqual([
      { source_type: 'Branch', source_name: 'main' },
    ]);
    const tag = await hub.run(['build', 'trigger', url, '--tag', 'latest']);
    expect(tag.code).toBe(0);
    expect(hub.emu.state.triggers.get(`${trig.source}/${trig.token}`)!.calls.at(-1)!.body).toEqual({ docker_tag: 'latest' });
  });

  it('a wrong token: an error without the token; two targets: a usage error', async () => {
    const trig = hub.emu.state.addBuildTrigger('alice/app');
    const wrong = hub.emu.triggerUrl({ source: trig.source, token: 'wrong-token-123456' });
    const r = await hub.run(['build', 'trigger', wrong]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain('wrong-token-123456');
    const both = await hub.run(['build', 'trigger', hub.emu.triggerUrl(trig), '--tag', 'a', '--branch', 'b']);
    expect(both.code).toBe(2);
  });
});

describe('hub audit-log', () => {
  beforeAll(() => {
    const s = hub.emu.state;
    const at = (d: string) => `${d}T12:00:00.000Z`;
    s.addAuditEvent({ account: 'acme', action: 'repo.create', name: 'acme/a', actor: 'alice', timestamp: at('2025-01-10') });
    s.addAuditEvent({ account: 'acme', action: 'repo.tag.push', name: 'acme/a:1', actor: 'bob', timestamp: at('2025-02-10') });
    s.addAuditEvent({ account: 'acme', action: 'repo.create', name: 'acme/b', actor: 'alice', timestamp: at('2025-03-10') });
    s.addAuditEvent({ account: 'acme', action: 'repo.create', name: 'acme/c', actor: 'alice', timestamp: at('2025-04-10') });
  });

  it('every page with --all; --action, --since and --until filter', async () => {
    const all = await hub.run(['audit-log', 'acme', '--all', '--format', '{{.action}} {{.name}}']);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n').sort()).toEqual([
      'repo.create acme/a',
      'repo.create acme/b',
      'repo.create acme/c',
      'repo.tag.push acme/a:1',
    ]);
    const some = await hub.run([
      'audit-log',
      'acme',
      '--action',
      'repo.create',
      '--since',
      '2025-02-01',
      '--until',
      '2025-03-31',
      '--format',
      'json',
    ]);
    expect(jsonLines(some.stdout).map((e) => e.name)).toEqual(['acme/b']);
    const table = await hub.run(['audit-log', 'acme', '--limit', '1']);
    expect(table.stdout).toMatch(/^TIME\s+ACTOR\s+ACTION\s+OBJECT\s+DESCRIPTION\n2025-/);
    expect(table.stderr).toContain('use --all, or --limit N, to see more');
  });

  it('bad times are usage errors', async () => {
    expect((await hub.run(['audit-log', 'acme', '--since', 'last tuesday'])).code).toBe(2);
    const r = await hub.run(['audit-log', 'acme', '--since', '2025-03-01', '--until', '2025-02-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: --since is later than --until\n');
  });
});
