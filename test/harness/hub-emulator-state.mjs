// In-memory state of the Hub emulator: accounts, tokens, organizations, teams, repositories, tags,
// webhooks, build triggers and audit events, with a seeding API. Objects are rendered to the API's
// shapes by hub-emulator-render.mjs; access rules live here (who may read, write, administer what).
import { randomBytes, randomUUID } from 'node:crypto';

/** @typedef {{ username: string, password: string, twoFactorCode?: string, email: string, fullName: string, id: string, joined: string }} EmuUser */
/** @typedef {{ uuid: string, owner: string, token: string, label: string, scopes: string[], active: boolean, expiresAt?: string, createdAt: string, lastUsed: string | null }} EmuPat */
/** @typedef {{ id: number, uuid: string, name: string, description: string, members: Set<string> }} EmuTeam */
/** @typedef {{ id: string, inviter: string, invitee: string, org: string, team: string, role: string, createdAt: string }} EmuInvite */
/** @typedef {{ name: string, fullName: string, id: string, joined: string, members: Map<string, 'owner'|'editor'|'member'>, teams: Map<string, EmuTeam>, invites: EmuInvite[], tokens: Map<string, { label: string, active: boolean }> }} EmuOrg */
/** @typedef {{ name: string, digest: string, size: number, lastUpdated: string, updater: string, images: { architecture: string, os: string, variant?: string, digest: string, size: number }[] }} EmuTag */
/** @typedef {{ name: string, slug: string, hooks: { name: string, hook_url: string, created: string, last_updated: string }[], created: string, last_updated: string }} EmuWebhook */
/** @typedef {{ id: number, namespace: string, name: string, description: string, fullDescription: string, isPrivate: boolean, registered: string, lastUpdated: string, pullCount: number, starCount: number, tags: Map<string, EmuTag>, webhooks: Map<string, EmuWebhook>, teamPermissions: Map<number, 'read'|'write'|'admin'> }} EmuRepo */
/** @typedef {{ account: string, action: string, name: string, actor: string, data: Record<string, string>, timestamp: string, action_description: string }} EmuAuditEvent */
/** @typedef {{ sub: string, kind: 'password'|'pat'|'oat', scopes: string[] | null }} Caller */

const ROLE_ORDER = { member: 0, editor: 1, owner: 2 };
const PERM_ORDER = { read: 0, write: 1, admin: 2 };

export class HubEmulatorState {
  /** @param {() => number} now */
  constructor(now) {
    this.now = now;
    /** @type {Map<string, EmuUser>} */ this.users = new Map();
    /** @type {Map<string, EmuPat>} */ this.pats = new Map();
    /** @type {Map<string, EmuOrg>} */ this.orgs = new Map();
    /** @type {Map<string, EmuRepo>} */ this.repos = new Map();
    /** @type {Map<string, { repo: string, calls: { body: unknown, at: string }[] }>} */ this.triggers = new Map();
    /** @type {EmuAuditEvent[]} */ this.audit = [];
    this.seq = 1000;
  }

  iso(ms = this.now()) {
    return new Date(ms).toISOString();
  }

  nextId() {
    return ++this.seq;
  }

  // ---------- seeding
  /** @param {string} username @param {string} password @param {{ twoFactorCode?: string, email?: string, fullName?: string }} [o] */
  addUser(username, password, o = {}) {
    const user = {
      username,
      password,
      twoFactorCode: o.twoFactorCode,
      email: o.email ?? `${username}@example.test`,
      fullName: o.fullName ?? username,
      id: randomBytes(16).toString('hex'),
      joined: this.iso(),
    };
    this.users.set(username, user);
    return user;
  }

  /** @param {string} owner @param {{ label?: string, scopes?: string[], active?: boolean, expiresAt?: string, token?: string }} [o] */
  addAccessToken(owner, o = {}) {
    if (!this.users.has(owner)) throw new Error(`hub emulator: no user ${owner}`);
    const pat = {
      uuid: randomUUID(),
      owner,
      token: o.token ?? `dckr_pat_${randomBytes(20).toString('base64url')}`,
      label: o.label ?? 'token',
      scopes: o.scopes ?? ['repo:admin'],
      active: o.active ?? true,
      expiresAt: o.expiresAt,
      createdAt: this.iso(),
      lastUsed: null,
    };
    this.pats.set(pat.uuid, pat);
    return pat;
  }

  /** @param {string} name @param {{ owners?: string[], members?: Record<string, 'owner'|'editor'|'member'>, fullName?: string }} [o] */
  addOrg(name, o = {}) {
    /** @type {EmuOrg} */
    const org = {
      name,
      fullName: o.fullName ?? name,
      id: randomBytes(16).toString('hex'),
      joined: this.iso(),
      members: new Map(),
      teams: new Map(),
      invites: [],
      tokens: new Map(),
    };
    this.orgs.set(name, org);
    const owners = this.addTeam(name, 'owners', { description: 'Owners of the organization' });
    for (const u of o.owners ?? []) {
      org.members.set(u, 'owner');
      owners.members.add(u);
    }
    for (const [u, role] of Object.entries(o.members ?? {})) {
      org.members.set(u, role);
      if (role === 'owner') owners.members.add(u);
    }
    return org;
  }

  /** @param {string} org @param {{ label?: string, token?: string, active?: boolean }} [o] */
  addOrgAccessToken(org, o = {}) {
    const token = o.token ?? `dckr_oat_${randomBytes(20).toString('base64url')}`;
    this.org(org).tokens.set(token, { label: o.label ?? 'org token', active: o.active ?? true });
    return token;
  }

  /** @param {string} org @param {string} name @param {{ description?: string, members?: string[] }} [o] */
  addTeam(org, name, o = {}) {
    const team = { id: this.nextId(), uuid: randomUUID(), name, description: o.description ?? '', members: new Set(o.members ?? []) };
    const g = this.org(org);
    g.teams.set(name, team);
    for (const m of team.members) if (!g.members.has(m)) g.members.set(m, 'member');
    return team;
  }

  /** @param {string} full `ns/name` @param {{ private?: boolean, description?: string, fullDescription?: string, pullCount?: number }} [o] */
  addRepository(full, o = {}) {
    const [namespace, name] = full.split('/');
    if (namespace === undefined || name === undefined) throw new Error(`hub emulator: repository ${full} is not ns/name`);
    const at = this.iso();
    /** @type {EmuRepo} */
    const repo = {
      id: this.nextId(),
      namespace,
      name,
      description: o.description ?? '',
      fullDescription: o.fullDescription ?? '',
      isPrivate: o.private ?? false,
      registered: at,
      lastUpdated: at,
      pullCount: o.pullCount ?? 0,
      starCount: 0,
      tags: new Map(),
      webhooks: new Map(),
      teamPermissions: new Map(),
    };
    this.repos.set(full, repo);
    return repo;
  }

  /** @param {string} full @param {string} tag @param {{ lastUpdated?: string | Date, size?: number, digest?: string, updater?: string, platforms?: string[] }} [o] */
  addTag(full, tag, o = {}) {
    const repo = this.repo(full);
    const digest = o.digest ?? `sha256:${randomBytes(32).toString('hex')}`;
    const size = o.size ?? 1024;
    const images = (o.platforms ?? ['linux/amd64']).map((p) => {
      const [os = 'linux', architecture = 'amd64', variant] = p.split('/');
      return { os, architecture, ...(variant ? { variant } : {}), digest: `sha256:${randomBytes(32).toString('hex')}`, size };
    });
    const lastUpdated = o.lastUpdated === undefined ? this.iso() : new Date(o.lastUpdated).toISOString();
    repo.tags.set(tag, { name: tag, digest, size, lastUpdated, updater: o.updater ?? repo.namespace, images });
    if (lastUpdated > repo.lastUpdated) repo.lastUpdated = lastUpdated;
    return repo.tags.get(tag);
  }

  /** @param {string} full — a build trigger of the repository; returns its source and token */
  addBuildTrigger(full) {
    this.repo(full);
    const source = randomUUID();
    const token = randomUUID();
    this.triggers.set(`${source}/${token}`, { repo: full, calls: [] });
    return { source, token };
  }

  /** @param {Partial<EmuAuditEvent> & { account: string, action: string }} e */
  addAuditEvent(e) {
    this.audit.push({ name: '', actor: '', data: {}, timestamp: this.iso(), action_description: e.action, ...e });
  }

  // ---------- lookups
  /** @param {string} name */
  org(name) {
    const o = this.orgs.get(name);
    if (o === undefined) throw new Error(`hub emulator: no organization ${name}`);
    return o;
  }

  /** @param {string} full */
  repo(full) {
    const r = this.repos.get(full);
    if (r === undefined) throw new Error(`hub emulator: no repository ${full}`);
    return r;
  }

  // ---------- access rules
  /** The caller's role in an organization, or undefined. @param {Caller | undefined} c @param {string} org */
  orgRole(c, org) {
    const o = this.orgs.get(org);
    if (c === undefined || o === undefined) return undefined;
    if (c.kind === 'oat') return c.sub === org ? 'owner' : undefined;
    return o.members.get(c.sub);
  }

  /** @param {Caller | undefined} c @param {string} org @param {'member'|'editor'|'owner'} need */
  hasOrgRole(c, org, need) {
    const role = this.orgRole(c, org);
    return role !== undefined && ROLE_ORDER[role] >= ROLE_ORDER[need];
  }

  /**
   * The caller's permission on a repository: 'admin' | 'write' | 'read' | undefined, PAT scopes applied.
   * @param {Caller | undefined} c @param {EmuRepo} repo
   */
  repoPermission(c, repo) {
    /** @type {'read'|'write'|'admin'|undefined} */
    let perm = repo.isPrivate ? undefined : 'read';
    if (c !== undefined) {
      if (c.kind !== 'oat' && c.sub === repo.namespace) perm = 'admin';
      const role = this.orgRole(c, repo.namespace);
      if (role === 'owner' || role === 'editor') perm = 'admin';
      const org = this.orgs.get(repo.namespace);
      if (org !== undefined && c.kind !== 'oat') {
        for (const [teamId, p] of repo.teamPermissions) {
          const team = [...org.teams.values()].find((t) => t.id === teamId);
          if (team?.members.has(c.sub) && (perm === undefined || PERM_ORDER[p] > PERM_ORDER[perm])) perm = p;
        }
      }
      if (c.scopes !== null && perm !== undefined) {
        const granted = c.scopes.includes('repo:admin')
          ? 'admin'
          : c.scopes.includes('repo:write')
            ? 'write'
            : c.scopes.includes('repo:read')
              ? 'read'
              : undefined;
        if (granted === undefined) perm = repo.isPrivate ? undefined : 'read';
        else if (PERM_ORDER[granted] < PERM_ORDER[perm]) perm = granted;
      }
    }
    return perm;
  }

  /** @param {Caller | undefined} c @param {string} namespace — may create repositories there */
  canCreateIn(c, namespace) {
    if (c === undefined) return false;
    if (c.scopes !== null && !c.scopes.some((s) => s === 'repo:admin' || s === 'repo:write')) return false;
    return (c.kind !== 'oat' && c.sub === namespace) || this.hasOrgRole(c, namespace, 'editor');
  }
}
