// The emulator's objects in the Hub API's shapes (hub-openapi.yaml schemas, as corrected by the overlay).
// Every answer is validated against the spec before it is sent, so these cannot drift unnoticed.

/** @typedef {import('./hub-emulator-state.mjs').EmuRepo} EmuRepo */
/** @typedef {import('./hub-emulator-state.mjs').EmuTag} EmuTag */
/** @typedef {import('./hub-emulator-state.mjs').EmuUser} EmuUser */
/** @typedef {import('./hub-emulator-state.mjs').EmuPat} EmuPat */
/** @typedef {import('./hub-emulator-state.mjs').EmuOrg} EmuOrg */
/** @typedef {import('./hub-emulator-state.mjs').EmuTeam} EmuTeam */
/** @typedef {import('./hub-emulator-state.mjs').EmuInvite} EmuInvite */
/** @typedef {import('./hub-emulator-state.mjs').EmuWebhook} EmuWebhook */

const MEDIA = 'application/vnd.oci.image.index.v1+json';

/** Fields `repository_list_entry` and `repository_info` share. @param {EmuRepo} r */
function repoCommon(r) {
  const tagged = r.tags.size > 0;
  return {
    name: r.name,
    namespace: r.namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: r.description,
    is_private: r.isPrivate,
    star_count: r.starCount,
    pull_count: r.pullCount,
    last_updated: r.lastUpdated,
    last_modified: r.lastUpdated,
    date_registered: r.registered,
    media_types: tagged ? [MEDIA] : [],
    content_types: tagged ? ['image'] : [],
    categories: [],
    storage_size: [...r.tags.values()].reduce((n, t) => n + t.size, 0),
  };
}

/** `repository_list_entry` @param {EmuRepo} r */
export function repoSummary(r) {
  return { ...repoCommon(r), affiliation: '' };
}

/** `repository_info` @param {EmuRepo} r @param {'read'|'write'|'admin'|undefined} perm */
export function repoInfo(r, perm) {
  return {
    user: r.namespace,
    ...repoCommon(r),
    is_automated: false,
    collaborator_count: 0,
    affiliation: null,
    hub_user: r.namespace,
    has_starred: false,
    full_description: r.fullDescription,
    permissions: { read: perm !== undefined, write: perm === 'write' || perm === 'admin', admin: perm === 'admin' },
    immutable_tags_settings: { enabled: false, rules: [] },
    source: null,
  };
}

/** `tag` @param {EmuRepo} r @param {EmuTag} t */
export function tagObject(r, t) {
  return {
    id: hashId(`${r.namespace}/${r.name}:${t.name}`),
    images: t.images.map((i) => ({
      architecture: i.architecture,
      features: '',
      ...(i.variant ? { variant: i.variant } : {}),
      digest: i.digest,
      os: i.os,
      os_features: '',
      os_version: '',
      size: i.size,
      status: 'active',
      last_pulled: null,
      last_pushed: t.lastUpdated,
    })),
    creator: 1,
    last_updated: t.lastUpdated,
    last_updater: 1,
    last_updater_username: t.updater,
    name: t.name,
    repository: r.id,
    full_size: t.size,
    v2: true,
    status: 'active',
    tag_status: 'active',
    tag_last_pulled: null,
    tag_last_pushed: t.lastUpdated,
    digest: t.digest,
    media_type: MEDIA,
    content_type: 'image',
  };
}

/** @param {string} s */
function hashId(s) {
  let h = 7;
  for (const c of s) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 2_000_000_011;
  return h;
}

/** `HubUserOrg` (hub-tool's hubOrganizationResult) @param {EmuOrg} o */
export function userOrg(o) {
  return {
    id: o.id,
    orgname: o.name,
    full_name: o.fullName,
    company: '',
    location: '',
    type: 'Organization',
    date_joined: o.joined,
    gravatar_email: '',
    gravatar_url: '',
    profile_url: '',
  };
}

/** @param {EmuUser | undefined} u @param {string} username */
function userFields(u, username) {
  return {
    id: u?.id ?? '0'.repeat(32),
    username,
    full_name: u?.fullName ?? username,
    company: '',
    date_joined: u?.joined ?? new Date(0).toISOString(),
    gravatar_email: '',
    gravatar_url: '',
    location: '',
    profile_url: '',
    type: 'User',
  };
}

/** `org_member` @param {EmuOrg} o @param {string} username @param {EmuUser | undefined} u */
export function orgMember(o, username, u) {
  const role = o.members.get(username) ?? 'member';
  return {
    ...userFields(u, username),
    email: u?.email ?? '',
    role: role === 'owner' ? 'Owner' : role === 'editor' ? 'Editor' : 'Member',
    groups: [...o.teams.values()].filter((t) => t.members.has(username)).map((t) => t.name),
    is_guest: false,
  };
}

/** `org_group` @param {EmuTeam} t */
export function teamObject(t) {
  return { id: t.id, uuid: t.uuid, name: t.name, description: t.description, member_count: t.members.size };
}

/** `group_member` @param {string} username @param {EmuUser | undefined} u */
export function teamMember(username, u) {
  return { ...userFields(u, username), email: u?.email ?? '' };
}

/** `accessToken` (the secret only when `withSecret`) @param {EmuPat} p @param {boolean} withSecret */
export function accessToken(p, withSecret) {
  return {
    uuid: p.uuid,
    client_id: 'HUB',
    creator_ip: '127.0.0.1',
    creator_ua: 'hub-emulator',
    created_at: p.createdAt,
    last_used: p.lastUsed,
    generated_by: 'manual',
    is_active: p.active,
    token: withSecret ? p.token : '',
    token_label: p.label,
    scopes: p.scopes,
    ...(p.expiresAt !== undefined ? { expires_at: p.expiresAt } : {}),
  };
}

/** `invite` @param {EmuInvite} i */
export function inviteObject(i) {
  return { id: i.id, inviter_username: i.inviter, invitee: i.invitee, org: i.org, team: i.team, created_at: i.createdAt };
}

/** `HubWebhookPipeline` @param {EmuWebhook} w */
export function webhookObject(w) {
  return {
    name: w.name,
    slug: w.slug,
    expect_final_callback: false,
    webhooks: w.hooks.map((h) => ({ ...h })),
    created: w.created,
    last_updated: w.last_updated,
  };
}
