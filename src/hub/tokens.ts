import { usageError } from '../errors.js';
import { segment } from './names.js';
import { HubList, linkedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubAccessToken, HubAccessTokenScope } from './types.js';

export const ACCESS_TOKEN_SCOPES: readonly HubAccessTokenScope[] = ['repo:admin', 'repo:write', 'repo:read', 'repo:public_read'];

export interface CreateAccessTokenOptions {
  /** `token_label`, 1-100 characters. */
  label: string;
  /** Default: repo:read. One scope implies the lower ones (repo:write includes repo:read). */
  scopes?: readonly HubAccessTokenScope[];
  /** When it stops working; absent = never. */
  expiresAt?: Date | string;
}

function checkLabel(label: string): void {
  if (label.trim() === '' || label.length > 100)
    throw usageError('INVALID_HUB_TOKEN_LABEL', 'a token label has 1 to 100 characters', { hint: 'give --label' });
}

/** `GET /v2/access-tokens` (documented): the user's personal access tokens, without their secrets. */
export function listAccessTokens(t: HubTransport, o: ListOptions = {}): HubList<HubAccessToken> {
  return new HubList(
    linkedPages<HubAccessToken>(t, { method: 'GET', path: 'v2/access-tokens', what: 'list access tokens', auth: 'required' }),
    o,
  );
}

/**
 * `POST /v2/access-tokens {token_label, scopes, expires_at?}` (documented). The answer's `token` is the
 * secret, shown this once; it is added to the client's redaction list at once.
 */
export async function createAccessToken(t: HubTransport, o: CreateAccessTokenOptions): Promise<HubAccessToken> {
  checkLabel(o.label);
  const scopes = [...(o.scopes ?? ['repo:read'])];
  for (const s of scopes) {
    if (!ACCESS_TOKEN_SCOPES.includes(s))
      throw usageError('INVALID_HUB_SCOPE', `invalid scope "${s}"`, { hint: `give one of ${ACCESS_TOKEN_SCOPES.join(', ')}` });
  }
  const json: Record<string, unknown> = { token_label: o.label, scopes };
  if (o.expiresAt !== undefined) {
    const at = o.expiresAt instanceof Date ? o.expiresAt : new Date(o.expiresAt);
    if (Number.isNaN(at.getTime()))
      throw usageError('INVALID_HUB_EXPIRY', `invalid expiry date "${String(o.expiresAt)}"`, { hint: 'give a date like 2027-01-31' });
    if (at.getTime() <= t.now())
      throw usageError('INVALID_HUB_EXPIRY', `the expiry date ${at.toISOString()} has passed`, { hint: 'give a date in the future' });
    json.expires_at = at.toISOString();
  }
  const res = await t.request({
    method: 'POST',
    path: 'v2/access-tokens',
    json,
    what: `create access token "${o.label}"`,
    auth: 'required',
  });
  const created = res.body as HubAccessToken;
  t.redactor.add(created.token);
  return created;
}

/** `GET /v2/access-tokens/{uuid}` (documented; `token` comes back empty). */
export async function getAccessToken(t: HubTransport, uuid: string): Promise<HubAccessToken> {
  return (
    await t.request({
      method: 'GET',
      path: `v2/access-tokens/${segment(uuid, 'token id')}`,
      what: `show access token ${uuid}`,
      auth: 'required',
    })
  ).body as HubAccessToken;
}

/** `PATCH /v2/access-tokens/{uuid} {token_label?, is_active?}` (documented): rename, enable or disable. */
export async function updateAccessToken(t: HubTransport, uuid: string, o: { label?: string; isActive?: boolean }): Promise<HubAccessToken> {
  const json: Record<string, unknown> = {};
  if (o.label !== undefined) {
    checkLabel(o.label);
    json.token_label = o.label;
  }
  if (o.isActive !== undefined) json.is_active = o.isActive;
  if (Object.keys(json).length === 0) throw usageError('HUB_NOTHING_TO_UPDATE', `nothing to change on access token ${uuid}`);
  const what = o.isActive === undefined ? `update access token ${uuid}` : `${o.isActive ? 'enable' : 'disable'} access token ${uuid}`;
  return (await t.request({ method: 'PATCH', path: `v2/access-tokens/${segment(uuid, 'token id')}`, json, what, auth: 'required' }))
    .body as HubAccessToken;
}

/** `DELETE /v2/access-tokens/{uuid}` (documented): permanent. */
export async function deleteAccessToken(t: HubTransport, uuid: string): Promise<void> {
  await t.request({
    method: 'DELETE',
    path: `v2/access-tokens/${segment(uuid, 'token id')}`,
    what: `delete access token ${uuid}`,
    auth: 'required',
  });
}
