import { notFoundError, usageError } from '../errors.js';
import { repoPath, segment } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubWebhook } from './types.js';

// Webhooks are not in Docker's API description (docker/roadmap#206 asks for it). The calls below are the
// ones maintained clients make: ErKiran/dockerhub-go and 0xch4z/dockerhub-go webhook.go (list, create,
// delete under `/v2/repositories/{ns}/{repo}/webhook_pipeline/`), as PROTOCOL.md records them.

const pipelinePath = (namespace: string, name: string) => `v2/repositories/${repoPath(namespace, name)}/webhook_pipeline/`;

/** `GET /v2/repositories/{ns}/{repo}/webhook_pipeline/` (undocumented; ErKiran/dockerhub-go GetWebhooks). */
export function listWebhooks(t: HubTransport, namespace: string, name: string, o: ListOptions = {}): HubList<HubWebhook> {
  return new HubList(
    linkedPages<HubWebhook>(t, {
      method: 'GET',
      path: pipelinePath(namespace, name),
      what: `list webhooks of ${namespace}/${name}`,
      auth: 'required',
    }),
    o,
  );
}

/**
 * Adds a webhook: `POST .../webhook_pipeline/ {name, expect_final_callback: false, webhooks: [{name, hook_url}],
 * registry: "registry-1.docker.io"}` (undocumented; 0xch4z/dockerhub-go and ErKiran/dockerhub-go CreateWebhook).
 * Hub signs nothing it sends: put a secret in the URL (PROTOCOL.md).
 */
export async function addWebhook(t: HubTransport, namespace: string, name: string, hookName: string, hookUrl: string): Promise<HubWebhook> {
  if (hookName.trim() === '') throw usageError('INVALID_HUB_WEBHOOK', 'a webhook needs a name');
  let url: URL;
  try {
    url = new URL(hookUrl);
  } catch {
    throw usageError('INVALID_HUB_WEBHOOK', `invalid webhook URL "${t.redactor.redact(hookUrl)}"`, {
      hint: 'give an http:// or https:// URL',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError('INVALID_HUB_WEBHOOK', `the webhook URL must be http or https, not ${url.protocol}`, { hint: 'give an https:// URL' });
  }
  // the URL often carries a secret (Hub signs nothing): never in debug lines or errors
  t.redactor.add(hookUrl);
  const res = await t.request({
    method: 'POST',
    path: pipelinePath(namespace, name),
    json: {
      name: hookName,
      expect_final_callback: false,
      webhooks: [{ name: hookName, hook_url: hookUrl }],
      registry: 'registry-1.docker.io',
    },
    what: `add webhook ${hookName} to ${namespace}/${name}`,
    auth: 'required',
  });
  return res.body as HubWebhook;
}

/**
 * Removes a webhook named `hookName` (its name or its slug): found in the list, then
 * `DELETE .../webhook_pipeline/{slug}/` (undocumented; ErKiran/dockerhub-go DeleteWebhook).
 */
export async function removeWebhook(t: HubTransport, namespace: string, name: string, hookName: string): Promise<HubWebhook> {
  let found: HubWebhook | undefined;
  for await (const hook of listWebhooks(t, namespace, name)) {
    if (hook.name === hookName || hook.slug === hookName) {
      found = hook;
      break;
    }
  }
  if (found === undefined) {
    throw notFoundError('HUB_WEBHOOK_NOT_FOUND', `no webhook named "${hookName}" on ${namespace}/${name}`, {
      hint: `list them with \`hubctl hub webhook ls ${namespace}/${name}\``,
    });
  }
  await t.request({
    method: 'DELETE',
    path: `${pipelinePath(namespace, name)}${segment(found.slug ?? found.name, 'webhook')}/`,
    what: `remove webhook ${hookName} from ${namespace}/${name}`,
    auth: 'required',
  });
  return found;
}
