export { HubClient, createHubClient } from './client.js';
export { DEFAULT_HUB_URL, DEFAULT_LIMITS_REGISTRY, parseHubBaseUrl, type HubClientOptions, type HubCredential } from './options.js';
export { HubList, collect, MAX_PAGE_SIZE, type ListOptions, type Collected } from './paging.js';
export { hubErrorText, hubStatusError } from './errors.js';
export { isAccessTokenSecret, jwtExpiry, JWT_REFRESH_MARGIN_MS } from './auth.js';
export { SecretRedactor, redactHubText } from './redact.js';
export {
  parseHubRepository,
  parseHubTagReference,
  parseHubTeam,
  REPOSITORY_NAME,
  TAG_NAME,
  type HubRepositoryName,
} from './names.js';
export {
  MAX_DESCRIPTION,
  MAX_FULL_DESCRIPTION,
  type RepositoryOrdering,
  type ListRepositoriesOptions,
  type CreateRepositoryOptions,
  type UpdateRepositoryOptions,
} from './repositories.js';
export { tagOrdering, type TagOrdering, type ListTagsOptions } from './tags.js';
export type { OrgRole, ListOrgMembersOptions, InviteOptions } from './orgs.js';
export type { ListTeamsOptions } from './teams.js';
export { ACCESS_TOKEN_SCOPES, type CreateAccessTokenOptions } from './tokens.js';
export { triggerBody, type TriggerBuildOptions } from './builds.js';
export type { ListAuditLogsOptions } from './audit.js';
export { parseRateLimitHeader, RATE_LIMIT_REPOSITORY } from './limits.js';
export type * from './types.js';
