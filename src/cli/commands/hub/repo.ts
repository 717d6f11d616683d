/** `hubctl hub repo ls|create|show|update|rm` (declared in declare.ts). */
import { usageError } from '../../../errors.js';
import { parseHubRepository } from '../../../hub/names.js';
import { timeAgo } from '../../time-ago.js';
import { listLimit, type ListFlags } from './args.js';
import { confirmDestructive } from './confirm.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { renderRecord, short, str, type Item, type View } from './print.js';
import { printOne, readme, showList } from './output.js';
import { withHub, type HubRuntime } from './session.js';

export interface RepoCreateFlags {
  private?: boolean;
  description?: string;
  readme?: string;
}

export interface RepoUpdateFlags extends RepoCreateFlags {
  public?: boolean;
}

const visibility = (i: Item) => (i.is_private === true ? 'private' : 'public');

const LIST_VIEW: View = {
  columns: [
    { header: 'NAME', value: (i) => `${str(i, 'namespace')}/${str(i, 'name')}` },
    { header: 'DESCRIPTION', value: (i) => short(i, 'description') },
    { header: 'VISIBILITY', value: visibility },
    { header: 'PULLS', value: (i) => str(i, 'pull_count') },
    { header: 'STARS', value: (i) => str(i, 'star_count') },
    { header: 'LAST UPDATED', value: (i) => timeAgo(str(i, 'last_updated') || undefined) },
  ],
  fields: ['name', 'namespace', 'description', 'is_private', 'star_count', 'pull_count', 'last_updated', 'repository_type', 'status'],
};

export async function repoLs(rt: HubRuntime, namespace: string | undefined, flags: ListFlags & FormatFlags): Promise<void> {
  const opts = listLimit(flags);
  await withHub(rt, async (hub, ctx) => {
    const ns = namespace ?? (await ctx.login())?.identifier;
    if (ns === undefined) {
      throw usageError('NAMESPACE_REQUIRED', 'no NAMESPACE given and not logged in to Docker Hub', {
        hint: 'name one (hubctl hub repo ls library), or log in to list your own',
      });
    }
    await showList(rt, hub.listRepositories(ns, opts), flags.format, LIST_VIEW, 'repositories');
  });
}

export async function repoCreate(rt: HubRuntime, target: string, flags: RepoCreateFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  const fullDescription = flags.readme === undefined ? undefined : await readme(flags.readme);
  await withHub(rt, async (hub) => {
    const repo = await hub.createRepository(namespace, name, {
      isPrivate: flags.private === true,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(fullDescription !== undefined ? { fullDescription } : {}),
    });
    rt.out.info(`Created ${repo.is_private ? 'private' : 'public'} repository ${namespace}/${name}`);
    rt.out.data(`${namespace}/${name}`);
  });
}

const SHOW_FIELDS = [
  'user',
  'name',
  'namespace',
  'description',
  'is_private',
  'pull_count',
  'star_count',
  'last_updated',
  'full_description',
];

export async function repoShow(rt: HubRuntime, target: string, flags: FormatFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  await withHub(rt, async (hub) => {
    const repo = (await hub.getRepository(namespace, name)) as unknown as Item;
    if (printOne(rt, repo, flags.format, SHOW_FIELDS)) return;
    const perms = repo.permissions as Record<string, boolean> | undefined;
    const lines = renderRecord([
      ['Name', `${namespace}/${name}`],
      ['Description', str(repo, 'description')],
      ['Visibility', visibility(repo)],
      ['Pulls', str(repo, 'pull_count')],
      ['Stars', str(repo, 'star_count')],
      ['Last updated', str(repo, 'last_updated')],
      ['Registered', str(repo, 'date_registered')],
      ['Status', str(repo, 'status_description')],
      [
        'Your access',
        perms
          ? Object.keys(perms)
              .filter((k) => perms[k] === true)
              .join(', ') || 'none'
          : '',
      ],
    ]);
    for (const line of lines) rt.out.data(line);
    const text = str(repo, 'full_description');
    if (text.trim() !== '') {
      rt.out.data('');
      // eslint-disable-next-line no-control-regex
      for (const line of text.replace(/\r\n?/g, '\n').split('\n'))
        rt.out.data(line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ''));
    }
  });
}

export async function repoUpdate(rt: HubRuntime, target: string, flags: RepoUpdateFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  if (flags.private && flags.public) throw usageError('CONFLICTING_FLAGS', '--private and --public cannot be used together');
  const privacy = flags.private ? true : flags.public ? false : undefined;
  if (flags.description === undefined && flags.readme === undefined && privacy === undefined) {
    throw usageError('NOTHING_TO_UPDATE', `nothing to change on ${namespace}/${name}`, {
      hint: 'give --description, --readme, --private or --public',
    });
  }
  const fullDescription = flags.readme === undefined ? undefined : await readme(flags.readme);
  await withHub(rt, async (hub) => {
    const changed: string[] = [];
    if (flags.description !== undefined || fullDescription !== undefined) {
      await hub.updateRepository(namespace, name, {
        ...(flags.description !== undefined ? { description: flags.description } : {}),
        ...(fullDescription !== undefined ? { fullDescription } : {}),
      });
      if (flags.description !== undefined) changed.push('description');
      if (fullDescription !== undefined) changed.push('README');
    }
    if (privacy !== undefined) {
      await hub.setRepositoryPrivacy(namespace, name, privacy);
      changed.push(privacy ? 'now private' : 'now public');
    }
    rt.out.info(`Updated ${namespace}/${name}: ${changed.join(', ')}`);
  });
}

export async function repoRm(rt: HubRuntime, target: string, flags: ForceFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  await confirmDestructive(rt, `delete the repository ${namespace}/${name} and all its tags`, flags.force);
  await withHub(rt, async (hub) => {
    await hub.deleteRepository(namespace, name);
    rt.out.data(`Deleted: ${namespace}/${name}`);
  });
}
