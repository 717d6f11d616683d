/**
 * Docker Hub API objects with the API's own field names (the CLI prints them as they are with
 * `--format json`). Shapes follow Docker's OpenAPI description (hub-openapi.yaml, 2-beta) with the
 * corrections its README and the maintained clients document: `tag.images` is an array, `tag.v2` a
 * boolean, `next`/`previous` are null at the ends. Fields Hub may omit are optional.
 */

/** One page of a Django-style list: `{count, next, previous, results}`. */
export interface HubPage<T> {
  count?: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

export interface RepositoryPermissions {
  read: boolean;
  write: boolean;
  admin: boolean;
}

export interface RepositoryCategory {
  name: string;
  slug: string;
}

/** An entry of `GET /v2/namespaces/{namespace}/repositories` (`repository_list_entry`). */
export interface HubRepositorySummary {
  name: string;
  namespace: string;
  repository_type?: string | null;
  status?: number;
  status_description?: string;
  description?: string | null;
  is_private: boolean;
  star_count?: number;
  pull_count?: number;
  last_updated?: string | null;
  last_modified?: string | null;
  date_registered?: string;
  affiliation?: string;
  media_types?: string[];
  content_types?: string[];
  categories?: RepositoryCategory[];
  storage_size?: number;
}

/** One repository (`repository_info`): GET, create, and the PATCH that sets descriptions. */
export interface HubRepository {
  user: string;
  name: string;
  namespace: string;
  repository_type?: string | null;
  status: number;
  status_description: string;
  description: string;
  is_private: boolean;
  is_automated: boolean;
  star_count: number;
  pull_count: number;
  last_updated: string;
  last_modified?: string | null;
  date_registered: string;
  collaborator_count: number;
  affiliation?: string | null;
  hub_user?: string | null;
  has_starred: boolean;
  full_description?: string | null;
  permissions: RepositoryPermissions;
  media_types: (string | null)[];
  content_types: string[];
  categories: RepositoryCategory[];
  immutable_tags_settings: { enabled: boolean; rules: string[] };
  storage_size?: number | null;
  source?: string | null;
}

/** One platform image of a tag (`image`). */
export interface HubTagImage {
  architecture?: string;
  features?: string;
  variant?: string;
  digest?: string | null;
  layers?: { digest?: string | null; size?: number; instruction?: string }[];
  os?: string;
  os_features?: string;
  os_version?: string;
  size?: number;
  status?: 'active' | 'inactive';
  last_pulled?: string | null;
  last_pushed?: string | null;
}

/** A repository tag (`tag`). */
export interface HubTag {
  id?: number;
  images?: HubTagImage[];
  creator?: number;
  last_updated?: string | null;
  last_updater?: number;
  last_updater_username?: string;
  name: string;
  repository?: number;
  full_size?: number;
  v2?: boolean;
  status?: 'active' | 'inactive';
  tag_status?: string;
  tag_last_pulled?: string | null;
  tag_last_pushed?: string | null;
  digest?: string;
  media_type?: string;
  content_type?: string;
}

/** An organization the user belongs to (`GET /v2/user/orgs/`, as docker/hub-tool reads it). */
export interface HubOrg {
  id?: string;
  orgname: string;
  full_name?: string;
  company?: string;
  location?: string;
  type?: string;
  date_joined?: string;
  gravatar_email?: string;
  gravatar_url?: string;
  profile_url?: string;
}

/** A Docker ID as member lists show it (`user`, `group_member`). */
export interface HubAccount {
  id?: string;
  username: string;
  full_name?: string;
  company?: string;
  date_joined?: string;
  gravatar_email?: string;
  gravatar_url?: string;
  location?: string;
  profile_url?: string;
  type?: 'User' | 'Org';
  email?: string;
}

/** A member of an organization (`org_member`). */
export interface HubOrgMember extends HubAccount {
  role?: 'Owner' | 'Editor' | 'Member' | 'Invitee';
  groups?: string[];
  is_guest?: boolean;
  primary_email?: string;
  last_logged_in_at?: string;
  last_seen_at?: string;
  last_desktop_version?: string;
}

/** A team, called a group in the API (`org_group`). */
export interface HubTeam {
  id: number;
  uuid?: string;
  name: string;
  description?: string;
  member_count?: number;
}

/** A member of a team (`group_member`). */
export type HubTeamMember = HubAccount;

/** A team's permission on a repository (`RepositoryGroup`). */
export interface HubRepositoryTeamPermission {
  group_name?: string;
  permission?: HubRepositoryPermission;
  group_id?: number;
}

export type HubRepositoryPermission = 'read' | 'write' | 'admin';

/** An organization invite (`invite`). */
export interface HubInvite {
  id?: string;
  inviter_username?: string;
  invitee?: string;
  org?: string;
  team?: string;
  created_at?: string;
}

/** One line of a bulk invite answer: `status` is `invited` or why not. */
export interface HubInviteResult {
  invitee?: string;
  status?: string;
  invite?: HubInvite;
}

/** A personal access token (`accessToken`). `token` holds the secret only in the answer to create. */
export interface HubAccessToken {
  uuid: string;
  client_id?: string;
  creator_ip?: string;
  creator_ua?: string;
  created_at?: string;
  last_used?: string | null;
  generated_by?: string;
  is_active: boolean;
  token?: string;
  token_label?: string;
  scopes?: string[];
  expires_at?: string;
}

export type HubAccessTokenScope = 'repo:admin' | 'repo:write' | 'repo:read' | 'repo:public_read';

/** A hook of a webhook pipeline. */
export interface HubWebhookHook {
  name: string;
  hook_url: string;
  created?: string;
  last_updated?: string;
}

/** A repository webhook (a "webhook pipeline" in the API: a name, a slug and its hooks). */
export interface HubWebhook {
  name: string;
  slug?: string;
  expect_final_callback?: boolean;
  webhooks: HubWebhookHook[];
  created?: string;
  last_updated?: string;
}

/** An audit log event (`AuditLog`). */
export interface HubAuditLogEvent {
  account?: string;
  action?: string;
  name?: string;
  actor?: string;
  data?: Record<string, string>;
  timestamp?: string;
  action_description?: string;
}

/** Docker Hub's pull rate limit as the registry reports it on a HEAD of `ratelimitpreview/test`. */
export interface PullRateLimit {
  /** Pulls allowed per window; undefined when the registry sent no limit (unlimited plans). */
  limit: number | undefined;
  remaining: number | undefined;
  /** The window in seconds (`w=` of the header), e.g. 21600 for six hours. */
  windowSeconds: number | undefined;
  /** `docker-ratelimit-source`: the IP address or account the limit is counted against. */
  source: string | undefined;
  /** Whether the probe was made with the stored credential (false: anonymous). */
  authenticated: boolean;
  /** The header values as sent. */
  headers: { 'ratelimit-limit'?: string; 'ratelimit-remaining'?: string; 'docker-ratelimit-source'?: string };
}
