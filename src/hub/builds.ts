import { usageError } from '../errors.js';
import { isLoopbackHost } from '../http/hosts.js';
import type { HubTransport } from './transport.js';

/** `/api/build/v1/source/{source}/trigger/{token}/call/`: the path of an automated build's trigger URL. */
const TRIGGER_PATH = /^\/api\/build\/v1\/source\/([A-Za-z0-9-]+)\/trigger\/([A-Za-z0-9-]+)\/call\/?$/;

export interface TriggerBuildOptions {
  /** Build this git branch (`{"source_type": "Branch", "source_name": ...}`). */
  branch?: string;
  /** Build this git tag (`{"source_type": "Tag", "source_name": ...}`). */
  gitTag?: string;
  /** Build the rule of this Docker tag (`{"docker_tag": ...}`). */
  dockerTag?: string;
}

/** The body of a trigger call; with nothing chosen, `{"build": true}` builds the default rules. */
export function triggerBody(o: TriggerBuildOptions): Record<string, unknown> {
  const chosen = [o.branch, o.gitTag, o.dockerTag].filter((v) => v !== undefined);
  if (chosen.length > 1) throw usageError('HUB_TRIGGER_CONFLICT', 'give only one of a branch, a git tag or a Docker tag to build');
  if (chosen.some((v) => v === '')) throw usageError('HUB_TRIGGER_EMPTY', 'the branch or tag to build is empty');
  if (o.branch !== undefined) return { source_type: 'Branch', source_name: o.branch };
  if (o.gitTag !== undefined) return { source_type: 'Tag', source_name: o.gitTag };
  if (o.dockerTag !== undefined) return { docker_tag: o.dockerTag };
  return { build: true };
}

/**
 * Calls an automated build's trigger URL (Hub shows it with the repository's build triggers):
 * `POST https://hub.docker.com/api/build/v1/source/{uuid}/trigger/{token}/call/` with `{"source_type":
 * "Branch"|"Tag", "source_name": ...}`, `{"docker_tag": ...}` or `{"build": true}`, as CI scripts and
 * PROTOCOL.md call it (undocumented; automated builds are deprecated). The URL's token is the secret:
 * no Authorization is sent, and the token never appears in debug lines or errors. Automated builds are
 * retired by Docker on 1 April 2027.
 */
export async function triggerBuild(t: HubTransport, triggerUrl: string, o: TriggerBuildOptions = {}): Promise<{ status: number }> {
  let url: URL;
  try {
    url = new URL(triggerUrl);
  } catch {
    throw usageError('INVALID_HUB_TRIGGER', 'invalid build trigger URL', {
      hint: "copy the trigger URL from the repository's Builds > Build triggers on Docker Hub",
    });
  }
  const m = TRIGGER_PATH.exec(url.pathname);
  if (m === null || url.search !== '' || url.username !== '' || url.password !== '') {
    throw usageError('INVALID_HUB_TRIGGER', `not a Docker Hub build trigger URL: ${t.redactor.redact(`${url.origin}${url.pathname}`)}`, {
      hint: 'expected https://hub.docker.com/api/build/v1/source/<uuid>/trigger/<token>/call/',
    });
  }
  t.redactor.add(m[2]);
  if (url.protocol === 'http:' && t.options.insecure !== true && !isLoopbackHost(url.hostname)) {
    throw usageError('INSECURE_URL', `refusing plain HTTP to ${url.host}: the trigger URL carries a secret`, {
      hint: 'use the https:// URL',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usageError('INVALID_HUB_TRIGGER', `unsupported scheme ${url.protocol}`);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  const res = await t.request({ method: 'POST', path: url.href, json: triggerBody(o), what: 'trigger the automated build', auth: 'none' });
  return { status: res.status };
}
