// Emulator handlers: authentication, repositories, tags, webhooks, build triggers, the user's organizations.
// Keys are the operations of hub-spec.mjs (`METHOD /template`); each returns { status, body?, headers? }.
import { randomUUID } from 'node:crypto';
import { repoInfo, repoSummary, tagObject, userOrg, webhookObject } from './hub-emulator-render.mjs';

/** @typedef {import('./hub-emulator-state.mjs').HubEmulatorState} State */
/** @typedef {import('./hub-emulator-state.mjs').Caller} Caller */
/** @typedef {{ method: string, url: URL, pathParams: Record<string, string>, query: Record<string, any>, body: any, caller: Caller | undefined, state: State, emu: any }} Ctx */
/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply */

const BAD_CREDENTIALS = { status: 401, body: { detail: 'Incorrect authentication credentials' } };
// the `error` schema (not_found) has errinfo; `Error` (NotFound, of the tag endpoints) has only detail and message
const notFound = (/** @type {string} */ ns, /** @type {string} */ repo, errinfo = false) => ({
  status: 404,
  body: errinfo ? { message: 'object not found', errinfo: { namespace: ns, repository: repo } } : { message: 'object not found' },
});
const forbidden = { status: 403, body: { detail: 'You do not have permission to perform this action.' } };

/** The repository and the caller's permission on it, or the 404 Hub gives when it cannot be seen. @param {Ctx} ctx */
function repoOf(ctx, errinfo = false) {
  const { namespace, repository } = ctx.pathParams;
  const repo = ctx.state.repos.get(`${namespace}/${repository}`);
  const perm = repo === undefined ? undefined : ctx.state.repoPermission(ctx.caller, repo);
  if (repo === undefined || perm === undefined) return { error: notFound(namespace ?? '', repository ?? '', errinfo) };
  return { repo, perm };
}

/** @param {Ctx} ctx @param {'write'|'admin'} need */
function repoWith(ctx, need) {
  const r = repoOf(ctx);
  if (r.error !== undefined) return r;
  if (need === 'admin' ? r.perm !== 'admin' : r.perm === 'read') return { error: forbidden };
  return r;
}

/** @param {Ctx} ctx @param {string} action @param {string} name @param {Record<string, string>} [data] */
function audit(ctx, action, name, data = {}) {
  const account = name.split('/')[0] ?? name;
  ctx.state.addAuditEvent({ account, action, name, actor: ctx.caller?.sub ?? '', data, action_description: `${action} ${name}` });
}

/** @param {Record<string, any>} page @param {(x: any) => unknown} render */
const mapPage = (page, render) =>
  page.error !== undefined ? page.error : { status: 200, body: { ...page, results: page.results.map(render) } };

/** hub-tool's ordering semantics on /v2/repositories/{ns}/{repo}/tags/ (see hub-undocumented.mjs) */
const TAG_ORDER = {
  last_updated: (/** @type {any} */ a, /** @type {any} */ b) => b.lastUpdated.localeCompare(a.lastUpdated),
  '-last_updated': (/** @type {any} */ a, /** @type {any} */ b) => a.lastUpdated.localeCompare(b.lastUpdated),
  '-name': (/** @type {any} */ a, /** @type {any} */ b) => a.name.localeCompare(b.name),
  name: (/** @type {any} */ a, /** @type {any} */ b) => b.name.localeCompare(a.name),
};

/** @param {string} name */
const slugOf = (name) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'hook';

/** @type {Record<string, (ctx: Ctx) => Reply>} */
export const REPO_ROUTES = {
  'POST /v2/auth/token'(ctx) {
    const { identifier, secret } = ctx.body;
    const { state, emu } = ctx;
    const user = state.users.get(identifier);
    if (user !== undefined && user.password === secret && user.twoFactorCode === undefined) {
      return { status: 200, body: { access_token: emu.issueJwt({ sub: identifier, kind: 'password', scopes: null }) } };
    }
    const pat = [...state.pats.values()].find((p) => p.owner === identifier && p.token === secret);
    if (pat?.active && (pat.expiresAt === undefined || Date.parse(pat.expiresAt) > emu.now())) {
      pat.lastUsed = state.iso();
      return { status: 200, body: { access_token: emu.issueJwt({ sub: identifier, kind: 'pat', scopes: pat.scopes }) } };
    }
    const oat = state.orgs.get(identifier)?.tokens.get(secret);
    if (oat?.active === true)
      return { status: 200, body: { access_token: emu.issueJwt({ sub: identifier, kind: 'oat', scopes: ['repo:admin'] }) } };
    return BAD_CREDENTIALS;
  },
  'POST /v2/users/login'(ctx) {
    const { username, password } = ctx.body;
    const user = ctx.state.users.get(username);
    const pat = [...ctx.state.pats.values()].find((p) => p.owner === username && p.token === password && p.active);
    if (pat !== undefined) return { status: 200, body: { token: ctx.emu.issueJwt({ sub: username, kind: 'pat', scopes: pat.scopes }) } };
    if (user === undefined || user.password !== password) return BAD_CREDENTIALS;
    if (user.twoFactorCode === undefined)
      return { status: 200, body: { token: ctx.emu.issueJwt({ sub: username, kind: 'password', scopes: null }) } };
    const loginToken = randomUUID();
    ctx.emu.pending2fa.set(loginToken, { username, exp: ctx.emu.now() + 300_000 });
    return { status: 401, body: { detail: 'Require secondary authentication on MFA enabled account', login_2fa_token: loginToken } };
  },
  'POST /v2/users/2fa-login'(ctx) {
    const { login_2fa_token: loginToken, code } = ctx.body;
    const pending = ctx.emu.pending2fa.get(loginToken);
    ctx.emu.pending2fa.delete(loginToken);
    const user = pending === undefined || pending.exp < ctx.emu.now() ? undefined : ctx.state.users.get(pending.username);
    if (user === undefined || user.twoFactorCode !== code) return BAD_CREDENTIALS;
    return { status: 200, body: { token: ctx.emu.issueJwt({ sub: user.username, kind: 'password', scopes: null }) } };
  },

  'GET /v2/namespaces/{namespace}/repositories'(ctx) {
    const ns = ctx.pathParams.namespace ?? '';
    const { state, query } = ctx;
    const all = [...state.repos.values()].filter((r) => r.namespace === ns);
    if (all.length === 0 && !state.users.has(ns) && !state.orgs.has(ns))
      return { status: 404, body: { message: 'object not found', errinfo: { namespace: ns } } };
    let visible = all.filter((r) => state.repoPermission(ctx.caller, r) !== undefined);
    if (query.name !== undefined) visible = visible.filter((r) => r.name.includes(String(query.name)));
    const ordering = String(query.ordering ?? 'name');
    const field = ordering.replace(/^-/, '');
    const key = (/** @type {any} */ r) =>
      field === 'name' ? r.name : field === 'pull_count' ? String(r.pullCount).padStart(15, '0') : r.lastUpdated;
    visible.sort((a, b) => key(a).localeCompare(key(b)) * (ordering.startsWith('-') ? -1 : 1));
    return mapPage(ctx.emu.page(ctx, visible), repoSummary);
  },
  'POST /v2/namespaces/{namespace}/repositories'(ctx) {
    const ns = ctx.pathParams.namespace ?? '';
    const b = ctx.body;
    if (b.namespace !== ns)
      return { status: 400, body: { fields: { namespace: ['must be the namespace of the URL'] }, text: 'Invalid namespace' } };
    if (!ctx.state.canCreateIn(ctx.caller, ns)) return forbidden;
    // CreateRepository documents no 409: a duplicate is a 400 like Django REST framework's unique-together check
    if (ctx.state.repos.has(`${ns}/${b.name}`))
      return {
        status: 400,
        body: { message: 'Repository with this Name and Namespace already exists.', errinfo: { namespace: ns, repository: b.name } },
      };
    const repo = ctx.state.addRepository(`${ns}/${b.name}`, {
      private: b.is_private === true,
      description: b.description,
      fullDescription: b.full_description,
    });
    audit(ctx, 'repo.create', `${ns}/${b.name}`);
    return { status: 201, body: repoInfo(repo, 'admin') };
  },
  'GET /v2/namespaces/{namespace}/repositories/{repository}'(ctx) {
    const r = repoOf(ctx, true);
    return r.error ?? { status: 200, body: repoInfo(r.repo, r.perm) };
  },
  'HEAD /v2/namespaces/{namespace}/repositories/{repository}'(ctx) {
    const r = repoOf(ctx);
    return r.error ?? { status: 200, body: repoInfo(r.repo, r.perm) };
  },
  'PATCH /v2/repositories/{namespace}/{repository}/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    if (ctx.body.description !== undefined) r.repo.description = ctx.body.description;
    if (ctx.body.full_description !== undefined) r.repo.fullDescription = ctx.body.full_description;
    r.repo.lastUpdated = ctx.state.iso();
    audit(ctx, 'repo.update', `${r.repo.namespace}/${r.repo.name}`);
    return { status: 200, body: repoInfo(r.repo, r.perm) };
  },
  'POST /v2/repositories/{namespace}/{repository}/privacy'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    r.repo.isPrivate = ctx.body.is_private;
    audit(ctx, 'repo.change_privacy', `${r.repo.namespace}/${r.repo.name}`, { is_private: String(ctx.body.is_private) });
    return { status: 200, body: repoInfo(r.repo, r.perm) };
  },
  'DELETE /v2/repositories/{namespace}/{repository}/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    ctx.state.repos.delete(`${r.repo.namespace}/${r.repo.name}`);
    audit(ctx, 'repo.delete', `${r.repo.namespace}/${r.repo.name}`);
    return { status: 202 };
  },

  'GET /v2/namespaces/{namespace}/repositories/{repository}/tags'(ctx) {
    const r = repoOf(ctx);
    if (r.error !== undefined) return r.error;
    const tags = [...r.repo.tags.values()].sort(TAG_ORDER.last_updated);
    return mapPage(ctx.emu.page(ctx, tags), (t) => tagObject(r.repo, t));
  },
  'HEAD /v2/namespaces/{namespace}/repositories/{repository}/tags'(ctx) {
    const r = repoOf(ctx);
    return r.error ?? (r.repo.tags.size > 0 ? { status: 200 } : notFound(r.repo.namespace, r.repo.name));
  },
  'GET /v2/namespaces/{namespace}/repositories/{repository}/tags/{tag}'(ctx) {
    const r = repoOf(ctx);
    if (r.error !== undefined) return r.error;
    const t = r.repo.tags.get(ctx.pathParams.tag ?? '');
    return t === undefined ? { status: 404, body: { message: 'tag not found' } } : { status: 200, body: tagObject(r.repo, t) };
  },
  'HEAD /v2/namespaces/{namespace}/repositories/{repository}/tags/{tag}'(ctx) {
    const r = repoOf(ctx);
    return r.error ?? (r.repo.tags.has(ctx.pathParams.tag ?? '') ? { status: 200 } : { status: 404 });
  },
  'GET /v2/repositories/{namespace}/{repository}/tags/'(ctx) {
    const r = repoOf(ctx);
    if (r.error !== undefined) return r.error;
    const order = TAG_ORDER[/** @type {keyof typeof TAG_ORDER} */ (ctx.query.ordering ?? 'last_updated')];
    return mapPage(ctx.emu.page(ctx, [...r.repo.tags.values()].sort(order)), (t) => tagObject(r.repo, t));
  },
  'DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    const tag = ctx.pathParams.tag ?? '';
    if (!r.repo.tags.delete(tag)) return { status: 404, body: { message: 'tag not found', errinfo: { tag } } };
    audit(ctx, 'repo.tag.delete', `${r.repo.namespace}/${r.repo.name}`, { tag });
    return { status: 204 };
  },

  'GET /v2/repositories/{namespace}/{repository}/webhook_pipeline/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    return mapPage(ctx.emu.page(ctx, [...r.repo.webhooks.values()]), webhookObject);
  },
  'POST /v2/repositories/{namespace}/{repository}/webhook_pipeline/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    const slug = slugOf(ctx.body.name);
    if (r.repo.webhooks.has(slug))
      return { status: 400, body: { fields: { name: ['a webhook with this name already exists'] }, text: 'Invalid webhook' } };
    const at = ctx.state.iso();
    const hooks = ctx.body.webhooks.map((/** @type {any} */ h) => ({ name: h.name, hook_url: h.hook_url, created: at, last_updated: at }));
    const hook = { name: ctx.body.name, slug, hooks, created: at, last_updated: at };
    r.repo.webhooks.set(slug, hook);
    return { status: 201, body: webhookObject(hook) };
  },
  'DELETE /v2/repositories/{namespace}/{repository}/webhook_pipeline/{slug}/'(ctx) {
    const r = repoWith(ctx, 'admin');
    if (r.error !== undefined) return r.error;
    if (!r.repo.webhooks.delete(ctx.pathParams.slug ?? '')) return { status: 404, body: { detail: 'Not found.' } };
    return { status: 204 };
  },

  'POST /api/build/v1/source/{source}/trigger/{token}/call/'(ctx) {
    const trigger = ctx.state.triggers.get(`${ctx.pathParams.source}/${ctx.pathParams.token}`);
    if (trigger === undefined) return { status: 404, body: { detail: 'Not found.' } };
    const b = ctx.body ?? {};
    if ((b.source_type === undefined) !== (b.source_name === undefined))
      return { status: 400, body: { detail: 'source_type and source_name go together' } };
    trigger.calls.push({ body: b, at: ctx.state.iso() });
    return { status: 202 };
  },

  'GET /v2/user/orgs/'(ctx) {
    const c = ctx.caller;
    if (c === undefined || c.kind === 'oat') return forbidden;
    const orgs = [...ctx.state.orgs.values()].filter((o) => o.members.has(c.sub)).sort((a, b) => a.name.localeCompare(b.name));
    return mapPage(ctx.emu.page(ctx, orgs), userOrg);
  },
};
