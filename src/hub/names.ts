import { usageError } from '../errors.js';

/** A Hub repository named as `NAMESPACE/NAME`. */
export interface HubRepositoryName {
  namespace: string;
  name: string;
}

/** Repository names as Hub creates them (`repo_creation_request.name`): lowercase, 2-255 characters. */
export const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Tags as the distribution reference grammar allows them. */
export const TAG_NAME = /^[\w][\w.-]{0,127}$/;

/**
 * Checks one path segment (namespace, repository, team, user, token id) and encodes it for a URL.
 * Refuses what would change the path: empty, `/`, `.`/`..`, whitespace and control characters.
 */
export function segment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..' || /[/\\\s\u0000-\u001f\u007f?#%]/.test(value)) {
    throw usageError('INVALID_HUB_NAME', `invalid ${what} "${value}"`, {
      hint: `give the ${what} as Docker Hub shows it (no slashes or spaces)`,
    });
  }
  return encodeURIComponent(value);
}

/** `namespace/name` -> parts; a bare `name` takes `defaultNamespace` (the logged-in user) when given. */
export function parseHubRepository(text: string, defaultNamespace?: string): HubRepositoryName {
  const parts = text.split('/');
  if (parts.length === 1 && defaultNamespace !== undefined && parts[0] !== '') return checked(defaultNamespace, parts[0]!, text);
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw usageError('INVALID_HUB_REPOSITORY', `invalid repository "${text}": expected NAMESPACE/NAME`, {
      hint: 'name the repository as on Docker Hub, e.g. alice/app (official images are library/NAME)',
    });
  }
  return checked(parts[0]!, parts[1]!, text);
}

function checked(namespace: string, name: string, text: string): HubRepositoryName {
  segment(namespace, 'namespace');
  if (!REPOSITORY_NAME.test(name)) {
    throw usageError('INVALID_HUB_REPOSITORY', `invalid repository name in "${text}"`, {
      hint: 'repository names are lowercase letters and digits, separated by single ".", "_" or "-"',
    });
  }
  return { namespace, name };
}

/** `namespace/name:tag` -> parts (the tag is required). */
export function parseHubTagReference(text: string, defaultNamespace?: string): HubRepositoryName & { tag: string } {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw usageError('INVALID_HUB_TAG', `invalid tag reference "${text}": expected NAMESPACE/NAME:TAG`, { hint: 'e.g. alice/app:1.0' });
  }
  const tag = text.slice(colon + 1);
  if (!TAG_NAME.test(tag)) {
    throw usageError('INVALID_HUB_TAG', `invalid tag "${tag}"`, {
      hint: 'tags are up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
    });
  }
  return { ...parseHubRepository(text.slice(0, colon), defaultNamespace), tag };
}

/** `org/team` -> parts. */
export function parseHubTeam(text: string): { org: string; team: string } {
  const parts = text.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw usageError('INVALID_HUB_TEAM', `invalid team "${text}": expected ORG/TEAM`, { hint: 'e.g. acme/developers' });
  }
  segment(parts[0]!, 'organization');
  segment(parts[1]!, 'team');
  return { org: parts[0]!, team: parts[1]! };
}

/** `/v2/repositories/{ns}/{repo}` path part, encoded. */
export function repoPath(namespace: string, name: string): string {
  return `${segment(namespace, 'namespace')}/${segment(name, 'repository')}`;
}
