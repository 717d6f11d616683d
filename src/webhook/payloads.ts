/**
 * The three kinds of delivery `webhook serve` understands, read into push events:
 * - distribution's notification envelope `{"events":[...]}` (`application/vnd.docker.distribution.
 *   events.v1+json`): a `push` of a manifest with a tag is an image push; blob pushes, pulls, mounts,
 *   deletes and pushes by digest only are ignored;
 * - Docker Hub's webhook payload `{push_data: {tag, pushed_at, pusher}, repository: {repo_name}}`;
 * - a git host's `push` event (GitHub `X-GitHub-Event`, Gitea `X-Gitea-Event`, Forgejo
 *   `X-Forgejo-Event`): `{ref, after, repository: {clone_url}}`; other git events (ping...) are ignored.
 */
import { sha256 } from '../digest/digest.js';
import { isManifestType } from '../oci/media-types.js';
import { formatReference, parseReference } from '../ref/reference.js';

export type EventSource = 'registry' | 'hub' | 'git';

export interface ImagePushEvent {
  source: 'registry' | 'hub';
  /** The registry's event id; for Docker Hub (which sends none) a hash of repository, tag, time and pusher. */
  id: string;
  /** Full reference with the tag: `127.0.0.1:5000/team/app:1`, `docker.io/alice/app:latest`. */
  image: string;
  digest?: string;
  /** The event as received (one registry event, or Hub's whole payload): what `--run` reads on stdin. */
  payload: unknown;
}

export interface GitPushEvent {
  source: 'git';
  /** The delivery id header (`X-GitHub-Delivery`...), else `<repository>@<ref>:<commit>`. */
  id: string;
  /** `github`, `gitea` or `forgejo`. */
  host: string;
  /** The repository's clone URL (`clone_url`, else `html_url`), when the payload has one. */
  repository?: string;
  /** `refs/heads/main`, `refs/tags/v1.2`. */
  ref: string;
  commit: string;
  payload: unknown;
}

export type PushEvent = ImagePushEvent | GitPushEvent;

export interface ParsedDelivery {
  source: EventSource;
  events: PushEvent[];
  /** Entries that were read but are not pushes hubctl acts on (blob pushes, pulls, ping...). */
  ignored: number;
}

/** A delivery that is JSON but not something hubctl can read: answered with a 4xx. */
export class PayloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Headers = Record<string, string | string[] | undefined>;
const GIT_HOSTS = ['github', 'gitea', 'forgejo', 'gogs'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return str(Array.isArray(v) ? v[0] : v);
}

/** Sorts a delivery by its headers and shape, and reads the pushes out of it. */
export function parseDelivery(headers: Headers, body: unknown): ParsedDelivery {
  const gitHost = GIT_HOSTS.find((h) => header(headers, `x-${h}-event`) !== undefined);
  if (gitHost !== undefined) return parseGitDelivery(gitHost, headers, body);
  if (!isObject(body)) throw new PayloadError(400, 'the body is not a JSON object');
  if (Array.isArray(body.events)) return parseRegistryEnvelope(body.events);
  if (isObject(body.push_data) && isObject(body.repository)) return parseHubPayload(body);
  throw new PayloadError(
    422,
    'not a delivery hubctl knows: expected a registry notification ({"events":[...]}), a Docker Hub push payload (push_data, repository), or a git push event',
  );
}

function parseRegistryEnvelope(events: unknown[]): ParsedDelivery {
  const out: PushEvent[] = [];
  let ignored = 0;
  for (const e of events) {
    const push = registryPush(e);
    if (push) out.push(push);
    else ignored++;
  }
  return { source: 'registry', events: out, ignored };
}

/** A distribution event that pushed a manifest under a tag, as an image push; undefined for anything else. */
function registryPush(e: unknown): ImagePushEvent | undefined {
  if (!isObject(e) || e.action !== 'push' || !isObject(e.target)) return undefined;
  const id = str(e.id);
  const t = e.target;
  const repository = str(t.repository);
  const tag = str(t.tag);
  const digest = str(t.digest);
  if (!id || !repository || !tag || !isManifestType(str(t.mediaType))) return undefined;
  const host = (isObject(e.request) ? str(e.request.host) : undefined) ?? hostOfUrl(str(t.url));
  if (!host) return undefined;
  const image = normalizedImage(`${host}/${repository}:${tag}`);
  if (!image) return undefined;
  return { source: 'registry', id, image, ...(digest ? { digest } : {}), payload: e };
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function normalizedImage(text: string): string | undefined {
  try {
    return formatReference(parseReference(text));
  } catch {
    return undefined;
  }
}

function parseHubPayload(body: Record<string, unknown>): ParsedDelivery {
  const data = body.push_data as Record<string, unknown>;
  const repo = body.repository as Record<string, unknown>;
  const name = str(repo.repo_name) ?? (str(repo.namespace) && str(repo.name) ? `${repo.namespace}/${repo.name}` : undefined);
  const tag = str(data.tag);
  const image = name && tag ? normalizedImage(`docker.io/${name}:${tag}`) : undefined;
  if (!image) return { source: 'hub', events: [], ignored: 1 };
  const pushedAt = typeof data.pushed_at === 'number' || typeof data.pushed_at === 'string' ? String(data.pushed_at) : '';
  const id = `hub-${sha256(JSON.stringify([image, pushedAt, str(data.pusher) ?? ''])).slice(7, 39)}`;
  return { source: 'hub', events: [{ source: 'hub', id, image, payload: body }], ignored: 0 };
}

const ZERO_COMMIT = /^0+$/;

function parseGitDelivery(host: string, headers: Headers, body: unknown): ParsedDelivery {
  const event = header(headers, `x-${host}-event`);
  if (event !== 'push') return { source: 'git', events: [], ignored: 1 };
  if (!isObject(body)) throw new PayloadError(400, 'the push event is not a JSON object');
  const ref = str(body.ref);
  const commit = str(body.after);
  if (!ref || !commit) throw new PayloadError(422, 'the push event has no "ref" or "after"');
  // A deleted branch or tag: nothing to build.
  if (body.deleted === true || ZERO_COMMIT.test(commit)) return { source: 'git', events: [], ignored: 1 };
  const repo = isObject(body.repository) ? body.repository : {};
  const repository = str(repo.clone_url) ?? str(repo.html_url);
  const delivery = header(headers, `x-${host}-delivery`);
  const id = delivery ?? `${repository ?? 'git'}@${ref}:${commit}`;
  return {
    source: 'git',
    events: [{ source: 'git', id, host, ...(repository ? { repository } : {}), ref, commit, payload: body }],
    ignored: 0,
  };
}
