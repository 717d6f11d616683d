import { internalError, usageError } from '../errors.js';
import { segment } from './names.js';
import { HubList, numberedPages, type ListOptions } from './paging.js';
import type { HubTransport } from './transport.js';
import type { HubAuditLogEvent } from './types.js';

export interface ListAuditLogsOptions extends ListOptions {
  /** One action, e.g. `repo.tag.push` (see listAuditLogActions). */
  action?: string;
  /** Repository, organization or team member name the events are about. */
  name?: string;
  /** The user who caused them. */
  actor?: string;
  /** From this time on (inclusive). */
  from?: Date | string;
  /** Up to this time. */
  to?: Date | string;
}

function time(v: Date | string | undefined, what: string): string | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime()))
    throw usageError('INVALID_HUB_TIME', `invalid ${what} time "${String(v)}"`, { hint: 'give a date or an RFC 3339 time' });
  return d.toISOString();
}

/**
 * `GET /v2/auditlogs/{account}?action=&name=&actor=&from=&to=&page=&page_size=` (documented:
 * AuditLogs_ListAuditLogs). The answer is `{logs}` without a next link, so pages are asked by number
 * until one comes back short.
 */
export function listAuditLogs(t: HubTransport, account: string, o: ListAuditLogsOptions = {}): HubList<HubAuditLogEvent> {
  const from = time(o.from, 'start');
  const to = time(o.to, 'end');
  if (from !== undefined && to !== undefined && from > to) throw usageError('INVALID_HUB_TIME', 'the start time is after the end time');
  const what = `list the audit log of ${account}`;
  const pages = numberedPages<HubAuditLogEvent>(
    t,
    {
      method: 'GET',
      path: `v2/auditlogs/${segment(account, 'account')}`,
      query: { action: o.action, name: o.name, actor: o.actor, from, to },
      what,
      auth: 'required',
    },
    (body) => {
      const logs = (body as { logs?: unknown } | undefined)?.logs ?? [];
      if (!Array.isArray(logs)) throw internalError('HUB_INVALID_ANSWER', `${what}: Docker Hub's answer has no "logs" list`);
      return logs as HubAuditLogEvent[];
    },
  );
  return new HubList(pages, o);
}

/** `GET /v2/auditlogs/{account}/actions` (documented): the action names, grouped. */
export async function listAuditLogActions(
  t: HubTransport,
  account: string,
): Promise<Record<string, { label?: string; actions?: { name?: string; description?: string; label?: string }[] }>> {
  const res = await t.request({
    method: 'GET',
    path: `v2/auditlogs/${segment(account, 'account')}/actions`,
    what: `list audit log actions of ${account}`,
    auth: 'required',
  });
  const actions = (res.body as { actions?: unknown } | undefined)?.actions;
  return actions !== null && typeof actions === 'object' ? (actions as Record<string, never>) : {};
}
