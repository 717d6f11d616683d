/** `hubctl hub webhook ls|add|rm` (declared in declare.ts): a repository's push webhooks. */
import { usageError } from '../../../errors.js';
import { parseHubRepository } from '../../../hub/names.js';
import { confirmDestructive } from './confirm.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { printList, str, type Item, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

const hooks = (i: Item) => (Array.isArray(i.webhooks) ? (i.webhooks as Item[]) : []);
const WEBHOOK_VIEW: View = {
  columns: [
    { header: 'NAME', value: (i) => str(i, 'name') },
    {
      header: 'URL',
      value: (i) =>
        hooks(i)
          .map((h) => str(h, 'hook_url'))
          .join(' '),
    },
    { header: 'CREATED', value: (i) => str(i, 'created') },
  ],
  fields: ['name', 'slug', 'expect_final_callback', 'webhooks', 'created', 'last_updated'],
};

export async function webhookLs(rt: HubRuntime, target: string, flags: FormatFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  await withHub(rt, async (hub) => {
    const items: Item[] = [];
    for await (const w of hub.listWebhooks(namespace, name)) items.push(w as unknown as Item);
    printList(rt, items, flags.format, WEBHOOK_VIEW);
  });
}

export async function webhookAdd(rt: HubRuntime, target: string, hookName: string, url: string): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  checkHookUrl(url);
  await withHub(rt, async (hub) => {
    await hub.addWebhook(namespace, name, hookName, url);
    rt.out.info(`Added webhook "${hookName}" to ${namespace}/${name}: Docker Hub will POST each push to it`);
  });
}

export async function webhookRm(rt: HubRuntime, target: string, hookName: string, flags: ForceFlags): Promise<void> {
  const { namespace, name } = parseHubRepository(target);
  await confirmDestructive(rt, `delete the webhook "${hookName}" of ${namespace}/${name}`, flags.force);
  await withHub(rt, async (hub) => {
    await hub.removeWebhook(namespace, name, hookName);
    rt.out.data(`Deleted: ${hookName}`);
  });
}

/** Hub calls the URL from the internet: it must be an absolute http(s) URL. */
function checkHookUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError('INVALID_ARGUMENT', `"${url}" is not a URL`, { hint: 'give the full https:// URL Docker Hub should call' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw usageError('INVALID_ARGUMENT', `the webhook URL must be http:// or https://, not ${u.protocol}`);
  }
}
