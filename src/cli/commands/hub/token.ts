/** `hubctl hub token ls|show|create|enable|disable|rm` (declared in declare-org.ts): personal access tokens. */
import { internalError } from '../../../errors.js';
import { timeAgo } from '../../time-ago.js';
import { listLimit, oneOf, parseExpiry, type ListFlags } from './args.js';
import { confirmDestructive } from './confirm.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { printOne, showList } from './output.js';
import { renderRecord, str, type Item, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface TokenCreateFlags {
  label: string;
  scope?: string;
  expires?: string;
}

export const TOKEN_SCOPES = ['repo:read', 'repo:write', 'repo:admin', 'repo:public_read'] as const;
/** Docker Hub's web form preselects "Read, Write, Delete", which is repo:admin. */
const DEFAULT_SCOPE = 'repo:admin';

const scopes = (i: Item) => (Array.isArray(i.scopes) ? i.scopes.join(',') : '');
const TOKEN_VIEW: View = {
  columns: [
    { header: 'UUID', value: (i) => str(i, 'uuid') },
    { header: 'LABEL', value: (i) => str(i, 'token_label') },
    { header: 'SCOPES', value: scopes },
    { header: 'ACTIVE', value: (i) => (i.is_active === true ? 'yes' : 'no') },
    { header: 'CREATED', value: (i) => timeAgo(str(i, 'created_at') || undefined) },
    { header: 'LAST USED', value: (i) => (str(i, 'last_used') ? timeAgo(str(i, 'last_used')) : 'never') },
    { header: 'EXPIRES', value: (i) => str(i, 'expires_at') || 'never' },
  ],
  fields: [
    'uuid',
    'token_label',
    'scopes',
    'is_active',
    'created_at',
    'last_used',
    'expires_at',
    'generated_by',
    'creator_ip',
    'creator_ua',
    'client_id',
  ],
};

export async function tokenLs(rt: HubRuntime, flags: ListFlags & FormatFlags): Promise<void> {
  const opts = listLimit(flags);
  await withHub(rt, (hub) => showList(rt, hub.listAccessTokens(opts), flags.format, TOKEN_VIEW, 'tokens'));
}

export async function tokenShow(rt: HubRuntime, uuid: string, flags: FormatFlags): Promise<void> {
  await withHub(rt, async (hub) => {
    const t = (await hub.getAccessToken(uuid)) as unknown as Item;
    if (printOne(rt, t, flags.format, TOKEN_VIEW.fields)) return;
    const labels = ['UUID', 'Label', 'Scopes', 'Active', 'Created', 'Last used', 'Expires'];
    for (const line of renderRecord(TOKEN_VIEW.columns.map((c, i) => [labels[i]!, c.value(t)] as const))) rt.out.data(line);
  });
}

/** Prints the new token alone on stdout, once; what it is goes to stderr. */
export async function tokenCreate(rt: HubRuntime, flags: TokenCreateFlags): Promise<void> {
  const scope = oneOf(flags.scope ?? DEFAULT_SCOPE, TOKEN_SCOPES, '--scope');
  const expiresAt = flags.expires === undefined ? undefined : parseExpiry(flags.expires);
  await withHub(rt, async (hub) => {
    const created = await hub.createAccessToken({ label: flags.label, scopes: [scope], ...(expiresAt ? { expiresAt } : {}) });
    if (typeof created.token !== 'string' || created.token === '') {
      throw internalError('HUB_NO_TOKEN', `Docker Hub created the access token ${created.uuid} but sent no secret`, {
        hint: `delete it (hubctl hub token rm ${created.uuid}) and try again`,
      });
    }
    rt.out.data(created.token);
    rt.out.info(
      `Created access token "${flags.label}" (${created.uuid}), scope ${scope}, ${expiresAt ? `expires ${expiresAt.toISOString()}` : 'no expiry'}. ` +
        'It is shown only this once: store it now.',
    );
  });
}

export async function tokenSetActive(rt: HubRuntime, uuid: string, active: boolean): Promise<void> {
  await withHub(rt, async (hub) => {
    await hub.setAccessTokenActive(uuid, active);
    rt.out.info(`${active ? 'Enabled' : 'Disabled'} access token ${uuid}`);
  });
}

export async function tokenRm(rt: HubRuntime, uuid: string, flags: ForceFlags): Promise<void> {
  await confirmDestructive(rt, `delete the access token ${uuid} (whatever uses it stops working)`, flags.force);
  await withHub(rt, async (hub) => {
    await hub.deleteAccessToken(uuid);
    rt.out.data(`Deleted: ${uuid}`);
  });
}
