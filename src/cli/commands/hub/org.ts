/** `hubctl hub org ls|members|invite|rm` (declared in declare-org.ts). */
import { usageError } from '../../../errors.js';
import { listLimit, oneOf, type ListFlags } from './args.js';
import { confirmDestructive } from './confirm.js';
import type { ForceFlags, FormatFlags } from './declare-common.js';
import { showList } from './output.js';
import { str, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface InviteFlags {
  team?: string;
  role: string;
}

const ORG_VIEW: View = {
  columns: [
    { header: 'NAMESPACE', value: (i) => str(i, 'orgname') },
    { header: 'NAME', value: (i) => str(i, 'full_name') },
    { header: 'COMPANY', value: (i) => str(i, 'company') },
    { header: 'LOCATION', value: (i) => str(i, 'location') },
  ],
  fields: ['orgname', 'full_name', 'company', 'location', 'type', 'date_joined', 'profile_url'],
};

const MEMBER_VIEW: View = {
  columns: [
    { header: 'USERNAME', value: (i) => str(i, 'username') },
    { header: 'FULL NAME', value: (i) => str(i, 'full_name') },
    { header: 'ROLE', value: (i) => str(i, 'role') },
    { header: 'TEAMS', value: (i) => (Array.isArray(i.groups) ? i.groups.join(',') : '') },
    { header: 'EMAIL', value: (i) => str(i, 'email') },
  ],
  fields: ['username', 'full_name', 'role', 'groups', 'email', 'type', 'date_joined', 'last_logged_in_at', 'is_guest'],
};

export async function orgLs(rt: HubRuntime, flags: ListFlags & FormatFlags): Promise<void> {
  const opts = listLimit(flags);
  await withHub(rt, (hub) => showList(rt, hub.listOrgs(opts), flags.format, ORG_VIEW, 'organizations'));
}

export async function orgMembers(rt: HubRuntime, org: string, flags: ListFlags & FormatFlags): Promise<void> {
  const opts = listLimit(flags);
  await withHub(rt, (hub) => showList(rt, hub.listOrgMembers(org, opts), flags.format, MEMBER_VIEW, 'members'));
}

export async function orgInvite(rt: HubRuntime, org: string, invitees: string[], flags: InviteFlags): Promise<void> {
  const role = oneOf(flags.role, ['member', 'editor', 'owner'] as const, '--role');
  await withHub(rt, async (hub) => {
    const results = await hub.inviteToOrg(org, invitees, { role, ...(flags.team !== undefined ? { team: flags.team } : {}) });
    let failed = 0;
    for (const r of results) {
      const who = r.invitee ?? '?';
      if (r.status === undefined || r.status === 'invited') rt.out.data(`Invited: ${who}`);
      else {
        failed++;
        rt.out.info(`Error: ${who}: ${r.status}`);
      }
    }
    if (failed > 0) {
      throw usageError('INVITE_FAILED', `${failed} of ${results.length} invitations were not sent (see above)`, {
        hint: 'a user may already be a member or have a pending invite (hubctl hub org members)',
      });
    }
  });
}

export async function orgRm(rt: HubRuntime, org: string, user: string, flags: ForceFlags): Promise<void> {
  await confirmDestructive(rt, `remove ${user} from the organization ${org} and all its teams`, flags.force);
  await withHub(rt, async (hub) => {
    await hub.removeOrgMember(org, user);
    rt.out.data(`Removed: ${user}`);
  });
}
