/**
 * The README's "Docker Hub" walk-through, command for command (the push goes to a registry, not the Hub
 * API, and is left out), against the Hub emulator: what each step leaves on the Hub is checked.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { hubSuite } from './hub-fixture.js';

const hub = hubSuite();
const DAY = 86_400_000;

beforeAll(() => {
  const acme = hub.emu.state.orgs.get('acme')!;
  acme.members.set('carol', 'member');
});

it('create a private repository, set its README, a team with write access, a CI token, a webhook, prune old tags', async () => {
  const s = hub.emu.state;
  const ok = async (args: string[], input?: string) => {
    const r = await hub.run(args, {}, input);
    expect(r.stderr.startsWith('Error:'), r.stderr).toBe(false);
    expect(r.code).toBe(0);
    return r;
  };

  await ok(['repo', 'create', 'acme/app', '--private', '--description', 'The app']);
  expect(s.repos.get('acme/app')).toMatchObject({ isPrivate: true, description: 'The app' });

  const readme = join(hub.root, 'README.md');
  await writeFile(readme, '# App\n\nRun it.\n');
  await ok(['repo', 'update', 'acme/app', '--readme', readme]);
  expect(s.repos.get('acme/app')!.fullDescription).toBe('# App\n\nRun it.\n');

  await ok(['team', 'create', 'acme/ci', '--description', 'CI robots']);
  await ok(['team', 'add', 'acme/ci', 'bob', 'carol']);
  await ok(['team', 'grant', 'acme/ci', 'acme/app', 'write']);
  const team = s.orgs.get('acme')!.teams.get('ci')!;
  expect([...team.members].sort()).toEqual(['bob', 'carol']);
  expect(s.repos.get('acme/app')!.teamPermissions.get(team.id)).toBe('write');

  const token = (await ok(['token', 'create', '--label', 'CI for acme/app', '--scope', 'repo:write', '--expires', '90d'])).stdout.trim();
  const pat = [...s.pats.values()].find((p) => p.token === token)!;
  expect(pat).toMatchObject({ label: 'CI for acme/app', scopes: ['repo:write'] });

  await ok(['webhook', 'add', 'acme/app', 'deploy', 'https://ci.example/hooks/hub?key=k3y']);
  expect(s.repos.get('acme/app')!.webhooks.get('deploy')!.hooks[0]!.hook_url).toBe('https://ci.example/hooks/hub?key=k3y');

  for (let i = 1; i <= 8; i++) s.addTag('acme/app', `pr-${i}`, { lastUpdated: new Date(Date.now() - (30 + i) * DAY) });
  s.addTag('acme/app', 'pr-9', { lastUpdated: new Date(Date.now() - DAY) });
  s.addTag('acme/app', '1.0', { lastUpdated: new Date(Date.now() - 90 * DAY) });
  const dry = await ok(['tag', 'prune', 'acme/app', '--older-than', '30d', '--match', '^pr-', '--keep', '5', '--dry-run']);
  expect(dry.stdout).toBe('Would delete: acme/app:pr-6\nWould delete: acme/app:pr-7\nWould delete: acme/app:pr-8\n');
  expect(s.repos.get('acme/app')!.tags.size).toBe(10);
  const real = await ok(['tag', 'prune', 'acme/app', '--older-than', '30d', '--match', '^pr-', '--keep', '5', '-f']);
  expect(real.stderr).toBe('Deleted 3 tags, kept 7 tags of acme/app\n');
  expect([...s.repos.get('acme/app')!.tags.keys()].sort()).toEqual(['1.0', 'pr-1', 'pr-2', 'pr-3', 'pr-4', 'pr-5', 'pr-9']);

  // the CI token works as the login of a CI job
  const ci = await hub.run(['repo', 'ls', 'acme', '--format', '{{.name}}\\t{{.pull_count}}'], {
    HUBCTL_HUB_USERNAME: '',
    HUBCTL_HUB_TOKEN: '',
    DOCKERHUB_USERNAME: 'alice',
    DOCKERHUB_TOKEN: token,
  });
  expect(ci.code).toBe(0);
  expect(ci.stdout).toBe('app\t0\n');
});
