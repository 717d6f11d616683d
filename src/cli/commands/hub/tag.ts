/** `hubctl hub tag ls|show|rm` (declared in declare.ts; prune is prune.ts). */
import { parseHubRepository, parseHubTagReference } from '../../../hub/names.js';
import { tagOrdering } from '../../../hub/tags.js';
import { formatBytes } from '../../progress.js';
import { timeAgo } from '../../time-ago.js';
import { listLimit, oneOf, type ListFlags } from './args.js';
import { confirmDestructive } from './confirm.js';
import { runEach, summaryError } from './each.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { printOne, showList } from './output.js';
import { renderRecord, str, type Item, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface TagLsFlags extends ListFlags, FormatFlags {
  sort?: string;
}

/** `os/arch[/variant]` of each image of a tag. */
export function platforms(tag: Item): string[] {
  const images = Array.isArray(tag.images) ? (tag.images as Item[]) : [];
  return images
    .map((i) => [str(i, 'os'), str(i, 'architecture'), str(i, 'variant')].filter((p) => p !== '' && p !== 'unknown').join('/'))
    .filter((p) => p !== '');
}

const size = (i: Item) => (typeof i.full_size === 'number' ? formatBytes(i.full_size) : '');
const digest = (i: Item) => str(i, 'digest') || str((Array.isArray(i.images) ? (i.images[0] as Item) : undefined) ?? {}, 'digest');

export const TAG_VIEW: View = {
  columns: [
    { header: 'TAG', value: (i) => str(i, 'name') },
    { header: 'DIGEST', value: digest },
    { header: 'SIZE', value: size },
    { header: 'PLATFORMS', value: (i) => platforms(i).join(',') },
    { header: 'LAST PUSHED', value: (i) => timeAgo(str(i, 'tag_last_pushed') || str(i, 'last_updated') || undefined) },
  ],
  fields: [
    'name',
    'digest',
    'full_size',
    'last_updated',
    'last_updater_username',
    'tag_last_pushed',
    'tag_last_pulled',
    'status',
    'images',
  ],
};

export async function tagLs(rt: HubRuntime, target: string, flags: TagLsFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  const opts = listLimit(flags);
  const sort = oneOf(flags.sort ?? 'updated', ['updated', 'name'] as const, '--sort');
  await withHub(rt, async (hub) => {
    await showList(rt, hub.listTags(namespace, name, { ordering: tagOrdering(sort), ...opts }), flags.format, TAG_VIEW, 'tags');
  });
}

export async function tagShow(rt: HubRuntime, target: string, flags: FormatFlags): Promise<void> {
  const { namespace, name, tag } = parseHubTagReference(target);
  await withHub(rt, async (hub) => {
    const t = (await hub.getTag(namespace, name, tag)) as unknown as Item;
    if (printOne(rt, t, flags.format, TAG_VIEW.fields)) return;
    const pairs: [string, string][] = [
      ['Tag', `${namespace}/${name}:${tag}`],
      ['Digest', digest(t)],
      ['Size', size(t)],
      ['Status', str(t, 'tag_status') || str(t, 'status')],
      ['Last pushed', str(t, 'tag_last_pushed') || str(t, 'last_updated')],
      ['Last pulled', str(t, 'tag_last_pulled') || 'never'],
      ['Pushed by', str(t, 'last_updater_username')],
    ];
    for (const image of Array.isArray(t.images) ? (t.images as Item[]) : []) {
      const p = platforms({ images: [image] })[0] ?? 'unknown';
      pairs.push([`Platform ${p}`, `${str(image, 'digest')} ${typeof image.size === 'number' ? formatBytes(image.size) : ''}`.trim()]);
    }
    for (const line of renderRecord(pairs)) rt.out.data(line);
  });
}

/** Deletes each tag named; goes on past a failure, reports each, and fails at the end if any failed. */
export async function tagRm(rt: HubRuntime, targets: string[], flags: ForceFlags): Promise<void> {
  const refs = targets.map((t) => parseHubTagReference(t));
  const names = refs.map((r) => `${r.namespace}/${r.name}:${r.tag}`);
  await confirmDestructive(
    rt,
    `delete ${names.length === 1 ? `the tag ${names[0]}` : `${names.length} tags (${names.join(', ')})`}`,
    flags.force,
  );
  await withHub(rt, async (hub) => {
    const remove = (r: (typeof refs)[number]) => hub.deleteTag(r.namespace, r.name, r.tag);
    if (refs.length === 1) {
      await remove(refs[0]!);
      rt.out.data(`Deleted: ${names[0]}`);
      return;
    }
    const failures = await runEach(rt, names, refs, remove);
    if (failures.length > 0) throw summaryError(failures, refs.length, 'tags could not be deleted');
  });
}
