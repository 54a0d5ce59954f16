import { Types } from 'mongoose';
import type { Principal } from '../auth/principal';
import type { QueueItem } from './queue-index';
import type { TicketDoc } from './ticket.model';
import { isLiveStatus, PRIORITY_RANK, type Priority } from './ticket.types';

export const SLA_STATES = ['breached', 'at_risk', 'on_track', 'none'] as const;
export type SlaState = (typeof SLA_STATES)[number];
export const SORTS = ['newest', 'oldest', 'updated', 'due', 'priority'] as const;
export type TicketSort = (typeof SORTS)[number];

/** A ticket due within this is "at risk" (the dashboard's figure too). */
export const AT_RISK_MS = 15 * 60 * 1000;

/** The list filters of `GET /api/tickets` and of saved views. */
export interface TicketFilter {
  status?: string[];
  team?: string;
  channel?: string[] | string;
  type?: string[];
  priority?: string[];
  assignee?: string;
  customer?: string;
  sla?: SlaState;
  createdFrom?: Date;
  createdTo?: Date;
  updatedFrom?: Date;
  updatedTo?: Date;
  q?: string;
  sort?: TicketSort;
  limit: number;
  cursor?: string;
  /** custom fields: `{key: value}` as given in the query string, matched as text, number or boolean */
  fields?: Record<string, string>;
}

const list = (v: string[] | string | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** Whether the filter asks only for live tickets: the live queue index in Redis can answer it without MongoDB. */
export function isLiveOnly(f: Pick<TicketFilter, 'status' | 'sla'>): boolean {
  if (f.sla === 'at_risk') return true;
  return !!f.status?.length && f.status.every(isLiveStatus);
}

/** The fields every filter and sort needs, whether a ticket document or a live queue summary. */
export interface Row {
  id: string;
  number: number;
  status: string;
  team: string;
  channel: string;
  type: string;
  priority: string;
  assigneeId: string | null;
  customerId: string;
  createdAt: number;
  updatedAt: number;
  dueAt: number | null;
  slaStatus: string | null;
}

export function rowOfItem(i: QueueItem): Row {
  return {
    id: i.id,
    number: i.number,
    status: i.status,
    team: i.team,
    channel: i.channel,
    type: i.type,
    priority: i.priority,
    assigneeId: i.assignee?.id ?? null,
    customerId: i.customer.id,
    createdAt: Date.parse(i.createdAt),
    updatedAt: Date.parse(i.updatedAt),
    dueAt: i.dueAt ? Date.parse(i.dueAt) : null,
    slaStatus: i.slaStatus,
  };
}

export function rowOfDoc(t: TicketDoc): Row {
  const targets = [t.sla?.firstResponse, t.sla?.nextResponse, t.sla?.resolution].filter((x) => x?.status);
  const running = targets.filter((x) => x!.dueAt && (x!.status === 'active' || x!.status === 'breached')).map((x) => x!.dueAt!.getTime());
  return {
    id: String(t._id),
    number: t.number,
    status: t.status,
    team: t.team,
    channel: t.channel,
    type: t.type,
    priority: t.priority,
    assigneeId: t.assigneeId ? String(t.assigneeId) : null,
    customerId: String(t.customerId),
    createdAt: t.createdAt.getTime(),
    updatedAt: t.updatedAt.getTime(),
    dueAt: running.length ? Math.min(...running) : null,
    slaStatus: targets.some((x) => x!.status === 'breached') ? 'breached' : (targets[0]?.status ?? null),
  };
}

/** The filter as a predicate over rows (the live path, and the word search's candidates). */
export function rowMatcher(f: TicketFilter, principal: Principal, now: number): (r: Row) => boolean {
  const assignee = f.assignee === 'me' ? principal.id : f.assignee;
  const channels = list(f.channel);
  return (r) => {
    if (f.team ? r.team !== f.team : !principal.canSeeTeam(r.team)) return false;
    if (f.status?.length && !f.status.includes(r.status)) return false;
    if (channels?.length && !channels.includes(r.channel)) return false;
    if (f.type?.length && !f.type.includes(r.type)) return false;
    if (f.priority?.length && !f.priority.includes(r.priority)) return false;
    if (assignee === 'none' && r.assigneeId) return false;
    if (assignee && assignee !== 'none' && r.assigneeId !== assignee) return false;
    if (f.customer && r.customerId !== f.customer) return false;
    if (f.createdFrom && r.createdAt < f.createdFrom.getTime()) return false;
    if (f.createdTo && r.createdAt >= f.createdTo.getTime()) return false;
    if (f.updatedFrom && r.updatedAt < f.updatedFrom.getTime()) return false;
    if (f.updatedTo && r.updatedAt >= f.updatedTo.getTime()) return false;
    if (f.sla && slaStateOf(r, now) !== f.sla) return false;
    return true;
  };
}

/** The same predicate over loaded ticket documents (the word search checks its candidates with it). */
export function docMatcher(f: TicketFilter, principal: Principal, now: number): (t: TicketDoc) => boolean {
  const match = rowMatcher(f, principal, now);
  return (t) => match(rowOfDoc(t));
}

export function slaStateOf(r: Row, now: number): SlaState {
  if (r.slaStatus === 'breached') return 'breached';
  if (r.dueAt === null) return r.slaStatus ? 'on_track' : 'none';
  return r.dueAt - now <= AT_RISK_MS ? 'at_risk' : 'on_track';
}

/**
 * The MongoDB form of the filter (the path for solved and closed tickets and for "every status").
 * Only `at_risk` has none: it is a question about live tickets, answered from the live index.
 */
export function mongoFilter(f: TicketFilter, principal: Principal): Record<string, unknown>[] {
  const and: Record<string, unknown>[] = [];
  const scope = principal.teamScope(f.team);
  if (scope.team) and.push(scope);
  if (f.status?.length) and.push({ status: { $in: f.status } });
  const channels = list(f.channel);
  if (channels?.length) and.push({ channel: { $in: channels } });
  if (f.type?.length) and.push({ type: { $in: f.type } });
  if (f.priority?.length) and.push({ priority: { $in: f.priority } });
  if (f.assignee === 'none') and.push({ assigneeId: null });
  else if (f.assignee) and.push({ assigneeId: new Types.ObjectId(f.assignee === 'me' ? principal.id : f.assignee) });
  if (f.customer) and.push({ customerId: new Types.ObjectId(f.customer) });
  for (const [key, value] of Object.entries(f.fields ?? {})) and.push({ [`fields.${key}`]: { $in: fieldForms(value) } });
  const range = (field: string, from?: Date, to?: Date) => {
    if (from || to) and.push({ [field]: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } });
  };
  range('createdAt', f.createdFrom, f.createdTo);
  range('updatedAt', f.updatedFrom, f.updatedTo);
  const breached = ['firstResponse', 'nextResponse', 'resolution'].map((t) => ({ [`sla.${t}.status`]: 'breached' }));
  if (f.sla === 'breached') and.push({ $or: breached });
  if (f.sla === 'none') and.push({ $or: [{ sla: null }, { 'sla.policyId': null }] });
  if (f.sla === 'on_track') and.push({ 'sla.policyId': { $ne: null } }, { $nor: breached });
  return and;
}

// ---- order and paging -----------------------------------------------------------------------

/** The sort key of a row: compared as a tuple, ascending; the id breaks ties, so the order is total. */
export function sortKey(sort: TicketSort, r: Row): (number | string)[] {
  switch (sort) {
    case 'oldest':
      return [r.createdAt, r.id];
    case 'updated':
      return [-r.updatedAt, r.id];
    case 'due':
      return [r.dueAt ?? Number.MAX_SAFE_INTEGER, -PRIORITY_RANK[r.priority as Priority], r.id];
    case 'priority':
      return [-PRIORITY_RANK[r.priority as Priority], r.dueAt ?? Number.MAX_SAFE_INTEGER, r.id];
    default:
      return [-r.createdAt, r.id];
  }
}

export function compareKeys(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** A cursor is the last row's sort key, opaque to clients (base64url JSON). */
export function encodeCursor(key: (number | string)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): (number | string)[] | null {
  if (!cursor) return null;
  if (/^[0-9a-f]{24}$/.test(cursor)) return null; // an `_id` cursor of the plain newest-first listing
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string') ? (v as (number | string)[]) : null;
  } catch {
    return null;
  }
}

/** The stored forms a query-string value of a custom field may have: the text, and the number or boolean it spells. */
function fieldForms(value: string): unknown[] {
  const forms: unknown[] = [value];
  if (value.trim() !== '' && Number.isFinite(Number(value))) forms.push(Number(value));
  if (value === 'true' || value === 'false') forms.push(value === 'true');
  return forms;
}
