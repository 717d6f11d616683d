/** `hubctl hub audit-log ACCOUNT [--action A] [--since T] [--until T] [--all | --limit N]` (declared in declare.ts). */
import { usageError } from '../../../errors.js';
import { listLimit, parseTime, type ListFlags } from './args.js';
import type { FormatFlags } from './declare-common.js';
import { showList } from './output.js';
import { str, type View } from './print.js';
import { withHub, type HubRuntime } from './session.js';

export interface AuditFlags extends ListFlags, FormatFlags {
  action?: string;
  since?: string;
  until?: string;
}

const AUDIT_VIEW: View = {
  columns: [
    { header: 'TIME', value: (i) => str(i, 'timestamp') },
    { header: 'ACTOR', value: (i) => str(i, 'actor') },
    { header: 'ACTION', value: (i) => str(i, 'action') },
    { header: 'OBJECT', value: (i) => str(i, 'name') },
    { header: 'DESCRIPTION', value: (i) => str(i, 'action_description') },
  ],
  fields: ['account', 'action', 'name', 'actor', 'data', 'timestamp', 'action_description'],
};

export async function auditLog(rt: HubRuntime, account: string, flags: AuditFlags): Promise<void> {
  const from = flags.since === undefined ? undefined : parseTime(flags.since, '--since');
  const to = flags.until === undefined ? undefined : parseTime(flags.until, '--until');
  if (from && to && from > to) throw usageError('INVALID_FLAG', '--since is later than --until');
  await withHub(rt, async (hub) => {
    const list = hub.listAuditLogs(account, {
      ...(flags.action !== undefined ? { action: flags.action } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...listLimit(flags),
    });
    await showList(rt, list, flags.format, AUDIT_VIEW, 'events');
  });
}
