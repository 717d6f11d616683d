import * as audit from './audit.js';
import * as builds from './builds.js';
import { pullRateLimit } from './limits.js';
import type { HubClientOptions, HubCredential } from './options.js';
import * as orgs from './orgs.js';
import type { HubList, ListOptions } from './paging.js';
import * as repos from './repositories.js';
import * as tags from './tags.js';
import * as teams from './teams.js';
import * as tokens from './tokens.js';
import { HubTransport } from './transport.js';
import type {
  HubAccessToken,
  HubAuditLogEvent,
  HubInvite,
  HubInviteResult,
  HubOrg,
  HubOrgMember,
  HubRepository,
  HubRepositoryPermission,
  HubRepositorySummary,
  HubRepositoryTeamPermission,
  HubTag,
  HubTeam,
  HubTeamMember,
  HubWebhook,
  PullRateLimit,
} from './types.js';
import * as webhooks from './webhooks.js';

/**
 * A typed client of Docker Hub's REST API, one method per operation. Lists are HubLists: async
 * iterables that follow Hub's `next` links (`for await (const r of hub.listRepositories('alice'))`,
 * or `await list.collect()` with a `limit`). Close it when done.
 *
 * Documented operations come from Docker's OpenAPI description (hub-openapi.yaml, 2-beta); the others
 * are called as maintained clients call them, each cited where it is implemented.
 */
export class HubClient {
  /** The transport (auth, retries, errors); exposed for the operations' modules and tests. */
  readonly transport: HubTransport;

  constructor(options: HubClientOptions = {}) {
    this.transport = new HubTransport(options);
  }

  /** The API URL in use. */
  get baseUrl(): string {
    return this.transport.baseUrl.href;
  }

  /** The credential the client was given (after asking the provider), or undefined for anonymous use. */
  credential(): Promise<HubCredential | undefined> {
    return this.transport.auth.getCredential();
  }

  /** Exchanges the credential for a JWT now (checks it); false when there is no credential. */
  async authenticate(): Promise<boolean> {
    return (await this.transport.auth.bearer(true)) !== undefined;
  }

  // ---- repositories
  listRepositories(namespace: string, o?: repos.ListRepositoriesOptions): HubList<HubRepositorySummary> {
    return repos.listRepositories(this.transport, namespace, o);
  }
  getRepository(namespace: string, name: string): Promise<HubRepository> {
    return repos.getRepository(this.transport, namespace, name);
  }
  createRepository(namespace: string, name: string, o?: repos.CreateRepositoryOptions): Promise<HubRepository> {
    return repos.createRepository(this.transport, namespace, name, o);
  }
  updateRepository(namespace: string, name: string, o: repos.UpdateRepositoryOptions): Promise<HubRepository> {
    return repos.updateRepository(this.transport, namespace, name, o);
  }
  setRepositoryPrivacy(namespace: string, name: string, isPrivate: boolean): Promise<void> {
    return repos.setRepositoryPrivacy(this.transport, namespace, name, isPrivate);
  }
  deleteRepository(namespace: string, name: string): Promise<void> {
    return repos.deleteRepository(this.transport, namespace, name);
  }

  // ---- tags
  listTags(namespace: string, name: string, o?: tags.ListTagsOptions): HubList<HubTag> {
    return tags.listTags(this.transport, namespace, name, o);
  }
  getTag(namespace: string, name: string, tag: string): Promise<HubTag> {
    return tags.getTag(this.transport, namespace, name, tag);
  }
  deleteTag(namespace: string, name: string, tag: string): Promise<void> {
    return tags.deleteTag(this.transport, namespace, name, tag);
  }

  // ---- organizations and members
  listOrgs(o?: ListOptions): HubList<HubOrg> {
    return orgs.listOrgs(this.transport, o);
  }
  listOrgMembers(org: string, o?: orgs.ListOrgMembersOptions): HubList<HubOrgMember> {
    return orgs.listOrgMembers(this.transport, org, o);
  }
  removeOrgMember(org: string, username: string): Promise<void> {
    return orgs.removeOrgMember(this.transport, org, username);
  }
  updateOrgMemberRole(org: string, username: string, role: orgs.OrgRole): Promise<HubOrgMember> {
    return orgs.updateOrgMemberRole(this.transport, org, username, role);
  }
  listOrgInvites(org: string): Promise<HubInvite[]> {
    return orgs.listOrgInvites(this.transport, org);
  }
  inviteToOrg(org: string, invitees: readonly string[], o?: orgs.InviteOptions): Promise<HubInviteResult[]> {
    return orgs.inviteToOrg(this.transport, org, invitees, o);
  }
  cancelInvite(id: string): Promise<void> {
    return orgs.cancelInvite(this.transport, id);
  }

  // ---- teams (groups)
  listTeams(org: string, o?: teams.ListTeamsOptions): HubList<HubTeam> {
    return teams.listTeams(this.transport, org, o);
  }
  getTeam(org: string, team: string): Promise<HubTeam> {
    return teams.getTeam(this.transport, org, team);
  }
  createTeam(org: string, name: string, o?: { description?: string }): Promise<HubTeam> {
    return teams.createTeam(this.transport, org, name, o);
  }
  deleteTeam(org: string, team: string): Promise<void> {
    return teams.deleteTeam(this.transport, org, team);
  }
  listTeamMembers(org: string, team: string, o?: ListOptions & { search?: string }): HubList<HubTeamMember> {
    return teams.listTeamMembers(this.transport, org, team, o);
  }
  addTeamMember(org: string, team: string, username: string): Promise<void> {
    return teams.addTeamMember(this.transport, org, team, username);
  }
  removeTeamMember(org: string, team: string, username: string): Promise<void> {
    return teams.removeTeamMember(this.transport, org, team, username);
  }
  grantTeamRepository(
    org: string,
    team: string,
    namespace: string,
    name: string,
    permission: HubRepositoryPermission,
  ): Promise<HubRepositoryTeamPermission> {
    return teams.grantTeamRepository(this.transport, org, team, namespace, name, permission);
  }

  // ---- personal access tokens
  listAccessTokens(o?: ListOptions): HubList<HubAccessToken> {
    return tokens.listAccessTokens(this.transport, o);
  }
  createAccessToken(o: tokens.CreateAccessTokenOptions): Promise<HubAccessToken> {
    return tokens.createAccessToken(this.transport, o);
  }
  getAccessToken(uuid: string): Promise<HubAccessToken> {
    return tokens.getAccessToken(this.transport, uuid);
  }
  updateAccessToken(uuid: string, o: { label?: string; isActive?: boolean }): Promise<HubAccessToken> {
    return tokens.updateAccessToken(this.transport, uuid, o);
  }
  setAccessTokenActive(uuid: string, isActive: boolean): Promise<HubAccessToken> {
    return tokens.updateAccessToken(this.transport, uuid, { isActive });
  }
  deleteAccessToken(uuid: string): Promise<void> {
    return tokens.deleteAccessToken(this.transport, uuid);
  }

  // ---- webhooks, builds
  listWebhooks(namespace: string, name: string, o?: ListOptions): HubList<HubWebhook> {
    return webhooks.listWebhooks(this.transport, namespace, name, o);
  }
  addWebhook(namespace: string, name: string, hookName: string, hookUrl: string): Promise<HubWebhook> {
    return webhooks.addWebhook(this.transport, namespace, name, hookName, hookUrl);
  }
  /** Removes the webhook with this name (or slug); resolves with what was removed. */
  removeWebhook(namespace: string, name: string, hookName: string): Promise<HubWebhook> {
    return webhooks.removeWebhook(this.transport, namespace, name, hookName);
  }
  triggerBuild(triggerUrl: string, o?: builds.TriggerBuildOptions): Promise<{ status: number }> {
    return builds.triggerBuild(this.transport, triggerUrl, o);
  }

  // ---- audit log, limits
  listAuditLogs(account: string, o?: audit.ListAuditLogsOptions): HubList<HubAuditLogEvent> {
    return audit.listAuditLogs(this.transport, account, o);
  }
  listAuditLogActions(account: string): ReturnType<typeof audit.listAuditLogActions> {
    return audit.listAuditLogActions(this.transport, account);
  }
  /** Docker Hub's pull rate limit as the registry reports it (see limits.ts). */
  pullRateLimit(): Promise<PullRateLimit> {
    return pullRateLimit(this.transport);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** A HubClient; close it when done. */
export function createHubClient(options: HubClientOptions = {}): HubClient {
  return new HubClient(options);
}
