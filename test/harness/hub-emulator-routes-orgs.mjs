// Emulator handlers: organization members, invites, teams (groups) and their repository permissions,
// personal access tokens, audit logs.
import { randomUUID } from 'node:crypto';
import { accessToken, inviteObject, orgMember, teamMember, teamObject } from './hub-emulator-render.mjs';

/** @typedef {import('./hub-emulator-routes.mjs').Ctx} Ctx */
/** @typedef {import('./hub-emulator-routes.mjs').Reply} Reply */

const forbidden = { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
const SCOPES = new Set(['repo:admin', 'repo:write', 'repo:read', 'repo:public_read']);

/** The organization if the caller has `need` in it; else the answer. @param {Ctx} ctx @param {'member'|'owner'} need */
function orgWith(ctx, need) {
  const name = ctx.pathParams.org_name ?? '';
  const org = ctx.state.orgs.get(name);
  if (org === undefined) return { error: { status: 404, body: { detail: `organization ${name} not found` } } };
  if (!ctx.state.hasOrgRole(ctx.caller, name, need)) return { error: forbidden };
  return { org };
}

/** @param {Ctx} ctx @param {string} account @param {string} action @param {string} name */
function audit(ctx, account, action, name) {
  ctx.state.addAuditEvent({ account, action, name, actor: ctx.caller?.sub ?? '', action_description: `${action} ${name}` });
}

/** @param {Record<string, any>} page @param {(x: any) => unknown} render */
const mapPage = (page, render) =>
  page.error !== undefined ? page.error : { status: 200, body: { ...page, results: page.results.map(render) } };

/** The caller's own tokens (users only). @param {Ctx} ctx */
function ownTokens(ctx) {
  const c = ctx.caller;
  if (c === undefined || c.kind === 'oat') return undefined;
  return [...ctx.state.pats.values()].filter((p) => p.owner === c.sub);
}

/** @type {Record<string, (ctx: Ctx) => Reply>} */
export const ORG_ROUTES = {
  'GET /v2/orgs/{org_name}/members'(ctx) {
    const g = orgWith(ctx, 'member');
    if (g.error !== undefined) return g.error;
    const q = ctx.query;
    let names = [...g.org.members.keys()].sort();
    if (q.role !== undefined) names = names.filter((n) => g.org.members.get(n) === q.role);
    if (q.search !== undefined) {
      const s = String(q.search).toLowerCase();
      names = names.filter((n) => n.includes(s) || (ctx.state.users.get(n)?.email ?? '').includes(s));
    }
    if (q.type === 'invitee') names = [];
    return mapPage(ctx.emu.page(ctx, names), (n) => orgMember(g.org, n, ctx.state.users.get(n)));
  },
  'PUT /v2/orgs/{org_name}/members/{username}'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    const user = ctx.pathParams.username ?? '';
    if (!g.org.members.has(user)) return { status: 404, body: { detail: `${user} is not a member` } };
    g.org.members.set(user, ctx.body.role);
    const owners = g.org.teams.get('owners');
    if (ctx.body.role === 'owner') owners?.members.add(user);
    else owners?.members.delete(user);
    audit(ctx, g.org.name, 'org.member.role.change', user);
    return { status: 200, body: orgMember(g.org, user, ctx.state.users.get(user)) };
  },
  'DELETE /v2/orgs/{org_name}/members/{username}'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    const user = ctx.pathParams.username ?? '';
    if (!g.org.members.has(user)) return { status: 404, body: { detail: `${user} is not a member` } };
    const owners = [...g.org.members.values()].filter((r) => r === 'owner').length;
    if (g.org.members.get(user) === 'owner' && owners === 1) return { status: 400, body: { detail: 'cannot remove the last owner' } };
    g.org.members.delete(user);
    for (const t of g.org.teams.values()) t.members.delete(user);
    audit(ctx, g.org.name, 'org.member.remove', user);
    return { status: 204 };
  },
  'GET /v2/orgs/{org_name}/invites'(ctx) {
    const g = orgWith(ctx, 'owner');
    return g.error ?? { status: 200, body: { data: g.org.invites.map(inviteObject) } };
  },
  'POST /v2/invites/bulk'(ctx) {
    const b = ctx.body;
    const org = ctx.state.orgs.get(b.org);
    if (org === undefined) return { status: 400, body: { detail: `organization ${b.org} not found` } };
    if (!ctx.state.hasOrgRole(ctx.caller, b.org, 'owner')) return forbidden;
    const team = b.team ?? 'members';
    if (b.team !== undefined && !org.teams.has(b.team)) return { status: 400, body: { detail: `team ${b.team} not found` } };
    const invitees = b.invitees.map((/** @type {string} */ who) => {
      if (org.members.has(who)) return { invitee: who, status: 'existing_org_member' };
      if (!who.includes('@') && !ctx.state.users.has(who)) return { invitee: who, status: 'invalid_email_or_docker_id' };
      if (org.invites.some((i) => i.invitee === who)) return { invitee: who, status: 'already_invited' };
      const invite = {
        id: randomUUID(),
        inviter: ctx.caller?.sub ?? '',
        invitee: who,
        org: org.name,
        team,
        role: b.role ?? 'member',
        createdAt: ctx.state.iso(),
      };
      if (b.dry_run !== true) {
        org.invites.push(invite);
        audit(ctx, org.name, 'org.member.invite.send', who);
      }
      return { invitee: who, status: 'invited', invite: inviteObject(invite) };
    });
    return { status: 202, body: { invitees } };
  },
  'DELETE /v2/invites/{id}'(ctx) {
    for (const org of ctx.state.orgs.values()) {
      const i = org.invites.findIndex((x) => x.id === ctx.pathParams.id);
      if (i < 0) continue;
      if (!ctx.state.hasOrgRole(ctx.caller, org.name, 'owner')) return forbidden;
      org.invites.splice(i, 1);
      return { status: 204 };
    }
    return { status: 404, body: { detail: 'invite not found' } };
  },

  'GET /v2/orgs/{org_name}/groups'(ctx) {
    const g = orgWith(ctx, 'member');
    if (g.error !== undefined) return g.error;
    let teams = [...g.org.teams.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (ctx.query.username !== undefined) teams = teams.filter((t) => t.members.has(String(ctx.query.username)));
    if (ctx.query.search !== undefined) teams = teams.filter((t) => t.name.includes(String(ctx.query.search)));
    return mapPage(ctx.emu.page(ctx, teams), teamObject);
  },
  'POST /v2/orgs/{org_name}/groups'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    if (g.org.teams.has(ctx.body.name)) return { status: 400, body: { detail: `a team named ${ctx.body.name} exists already` } };
    const team = ctx.state.addTeam(g.org.name, ctx.body.name, { description: ctx.body.description ?? '' });
    audit(ctx, g.org.name, 'org.team.create', team.name);
    return { status: 201, body: teamObject(team) };
  },
  'GET /v2/orgs/{org_name}/groups/{group_name}'(ctx) {
    const g = orgWith(ctx, 'member');
    if (g.error !== undefined) return g.error;
    const team = g.org.teams.get(ctx.pathParams.group_name ?? '');
    return team === undefined ? { status: 404, body: { detail: 'team not found' } } : { status: 200, body: teamObject(team) };
  },
  'DELETE /v2/orgs/{org_name}/groups/{group_name}'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    const name = ctx.pathParams.group_name ?? '';
    const team = g.org.teams.get(name);
    if (team === undefined) return { status: 404, body: { detail: 'team not found' } };
    if (name === 'owners') return forbidden;
    g.org.teams.delete(name);
    for (const r of ctx.state.repos.values()) if (r.namespace === g.org.name) r.teamPermissions.delete(team.id);
    audit(ctx, g.org.name, 'org.team.delete', name);
    return { status: 204 };
  },
  'GET /v2/orgs/{org_name}/groups/{group_name}/members'(ctx) {
    const g = orgWith(ctx, 'member');
    if (g.error !== undefined) return g.error;
    const team = g.org.teams.get(ctx.pathParams.group_name ?? '');
    if (team === undefined) return { status: 404, body: { detail: 'team not found' } };
    let names = [...team.members].sort();
    if (ctx.query.search !== undefined) names = names.filter((n) => n.includes(String(ctx.query.search)));
    return mapPage(ctx.emu.page(ctx, names), (n) => teamMember(n, ctx.state.users.get(n)));
  },
  'POST /v2/orgs/{org_name}/groups/{group_name}/members'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    const team = g.org.teams.get(ctx.pathParams.group_name ?? '');
    if (team === undefined) return { status: 404, body: { detail: 'team not found' } };
    const user = ctx.body.member;
    if (!ctx.state.users.has(user)) return { status: 404, body: { detail: `user ${user} not found` } };
    team.members.add(user);
    if (!g.org.members.has(user)) g.org.members.set(user, team.name === 'owners' ? 'owner' : 'member');
    audit(ctx, g.org.name, 'org.team.member.add', user);
    return { status: 200 };
  },
  'DELETE /v2/orgs/{org_name}/groups/{group_name}/members/{username}'(ctx) {
    const g = orgWith(ctx, 'owner');
    if (g.error !== undefined) return g.error;
    const team = g.org.teams.get(ctx.pathParams.group_name ?? '');
    if (team === undefined || !team.members.delete(ctx.pathParams.username ?? ''))
      return { status: 404, body: { detail: 'not a member of the team' } };
    audit(ctx, g.org.name, 'org.team.member.remove', ctx.pathParams.username ?? '');
    return { status: 204 };
  },
  'POST /v2/repositories/{namespace}/{repository}/groups'(ctx) {
    const full = `${ctx.pathParams.namespace}/${ctx.pathParams.repository}`;
    const repo = ctx.state.repos.get(full);
    if (repo === undefined || ctx.state.repoPermission(ctx.caller, repo) === undefined)
      return { status: 404, body: { detail: 'repository not found' } };
    const org = ctx.state.orgs.get(repo.namespace);
    if (org === undefined) return { status: 400, body: { detail: 'teams get access to repositories of organizations only' } };
    if (!ctx.state.hasOrgRole(ctx.caller, org.name, 'owner')) return { status: 403, body: { detail: 'only owners grant access' } };
    const team = [...org.teams.values()].find((t) => t.id === ctx.body.group_id);
    if (team === undefined) return { status: 400, body: { detail: `no team with id ${ctx.body.group_id} in ${org.name}` } };
    repo.teamPermissions.set(team.id, ctx.body.permission);
    return { status: 200, body: { group_name: team.name, permission: ctx.body.permission, group_id: team.id } };
  },

  'GET /v2/access-tokens'(ctx) {
    const mine = ownTokens(ctx);
    if (mine === undefined) return forbidden;
    const page = ctx.emu.page(ctx, mine);
    if (page.error !== undefined) return page.error;
    return {
      status: 200,
      body: {
        ...page,
        active_count: mine.filter((p) => p.active).length,
        results: page.results.map((/** @type {any} */ p) => accessToken(p, false)),
      },
    };
  },
  'POST /v2/access-tokens'(ctx) {
    const c = ctx.caller;
    if (c === undefined || c.kind === 'oat') return forbidden;
    const bad = ctx.body.scopes.filter((/** @type {string} */ s) => !SCOPES.has(s));
    if (bad.length > 0 || ctx.body.scopes.length === 0)
      return { status: 400, body: { fields: { scopes: [`invalid scopes: ${bad.join(', ') || 'none given'}`] }, text: 'Invalid scopes' } };
    const pat = ctx.state.addAccessToken(c.sub, { label: ctx.body.token_label, scopes: ctx.body.scopes, expiresAt: ctx.body.expires_at });
    return { status: 201, body: accessToken(pat, true) };
  },
  'GET /v2/access-tokens/{uuid}'(ctx) {
    const pat = ownTokens(ctx)?.find((p) => p.uuid === ctx.pathParams.uuid);
    return pat === undefined ? { status: 404, body: { detail: 'Not found.' } } : { status: 200, body: accessToken(pat, false) };
  },
  'PATCH /v2/access-tokens/{uuid}'(ctx) {
    const pat = ownTokens(ctx)?.find((p) => p.uuid === ctx.pathParams.uuid);
    if (pat === undefined) return { status: 404, body: { detail: 'Not found.' } };
    if (ctx.body.token_label !== undefined) pat.label = ctx.body.token_label;
    if (ctx.body.is_active !== undefined) pat.active = ctx.body.is_active;
    return { status: 200, body: accessToken(pat, false) };
  },
  'DELETE /v2/access-tokens/{uuid}'(ctx) {
    const pat = ownTokens(ctx)?.find((p) => p.uuid === ctx.pathParams.uuid);
    if (pat === undefined) return { status: 404, body: { detail: 'Not found.' } };
    ctx.state.pats.delete(pat.uuid);
    return { status: 204 };
  },

  'GET /v2/auditlogs/{account}'(ctx) {
    const account = ctx.pathParams.account ?? '';
    const c = ctx.caller;
    const allowed = c !== undefined && ((c.kind !== 'oat' && c.sub === account) || ctx.state.hasOrgRole(c, account, 'owner'));
    if (!allowed) return { status: 403, body: { detail: 'You do not have permission to see this audit log.' } };
    const q = ctx.query;
    const logs = ctx.state.audit
      .filter((e) => e.account === account)
      .filter((e) => q.action === undefined || e.action === q.action)
      .filter((e) => q.name === undefined || e.name === q.name)
      .filter((e) => q.actor === undefined || e.actor === q.actor)
      .filter((e) => q.from === undefined || e.timestamp >= new Date(String(q.from)).toISOString())
      .filter((e) => q.to === undefined || e.timestamp <= new Date(String(q.to)).toISOString())
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
    const size = Math.min(Number(q.page_size ?? 25), ctx.emu.knobs.maxPageSize, 100);
    const start = (Number(q.page ?? 1) - 1) * size;
    return { status: 200, body: { logs: logs.slice(start, start + size) } };
  },
  'GET /v2/auditlogs/{account}/actions'(ctx) {
    const account = ctx.pathParams.account ?? '';
    if (ctx.caller === undefined) return { status: 403, body: { detail: 'forbidden' } };
    const names = [...new Set(ctx.state.audit.filter((e) => e.account === account).map((e) => e.action))].sort();
    const groups = /** @type {Record<string, { actions: { name: string, description: string, label: string }[], label: string }>} */ ({});
    for (const n of names) {
      const [group = 'other', ...rest] = n.split('.');
      groups[group] ??= { actions: [], label: group };
      groups[group].actions.push({ name: rest.join('.'), description: n, label: n });
    }
    return { status: 200, body: { actions: groups } };
  },
};
