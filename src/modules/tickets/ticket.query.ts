import { Types } from 'mongoose';
import type { Principal } from '../auth/principal';
import type { MessageModel } from './message.model';
import type { TicketDoc, TicketModel } from './ticket.model';

export interface TicketFilter {
  status?: string[];
  team?: string;
  channel?: string;
  assignee?: string;
  customer?: string;
  q?: string;
  limit: number;
  cursor?: string;
  /** custom fields: `{key: value}` as given in the query string, matched as text, number or boolean */
  fields?: Record<string, string>;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Listing and search over tickets: filters of CONTRACT.md, cursor paging by _id (newest first). */
export class TicketQuery {
  constructor(
    private readonly Ticket: TicketModel,
    private readonly Message: MessageModel,
  ) {}

  async list(filter: TicketFilter, principal: Principal): Promise<{ tickets: TicketDoc[]; nextCursor: string | null }> {
    const and: Record<string, unknown>[] = [];
    const scope = principal.teamScope(filter.team);
    if (scope.team) and.push(scope);
    if (filter.status?.length) and.push({ status: { $in: filter.status } });
    if (filter.channel) and.push({ channel: filter.channel });
    if (filter.assignee === 'none') and.push({ assigneeId: null });
    else if (filter.assignee) and.push({ assigneeId: new Types.ObjectId(filter.assignee === 'me' ? principal.id : filter.assignee) });
    if (filter.customer) and.push({ customerId: new Types.ObjectId(filter.customer) });
    for (const [key, value] of Object.entries(filter.fields ?? {})) and.push({ [`fields.${key}`]: { $in: fieldForms(value) } });
    if (filter.cursor) and.push({ _id: { $lt: new Types.ObjectId(filter.cursor) } });
    if (filter.q) {
      const rx = new RegExp(escapeRegex(filter.q.trim()), 'i');
      const or: Record<string, unknown>[] = [{ subject: rx }];
      const asNumber = Number(filter.q.replace(/^#/, ''));
      if (Number.isInteger(asNumber) && asNumber > 0) or.push({ number: asNumber });
      const hits = await this.Message.find({ internal: false, kind: 'message', $or: [{ body: rx }, { fullBody: rx }] }, { ticketId: 1 }).limit(5000).lean();
      if (hits.length) or.push({ _id: { $in: [...new Set(hits.map((h) => String(h.ticketId)))].map((id) => new Types.ObjectId(id)) } });
      and.push({ $or: or });
    }
    const tickets = await this.Ticket.find(and.length ? { $and: and } : {})
      .sort({ _id: -1 })
      .limit(filter.limit + 1);
    const page = tickets.slice(0, filter.limit);
    return { tickets: page, nextCursor: tickets.length > filter.limit ? String(page[page.length - 1]._id) : null };
  }
}

/** The stored forms a query-string value of a custom field may have: the text, and the number or boolean it spells. */
function fieldForms(value: string): unknown[] {
  const forms: unknown[] = [value];
  if (value.trim() !== '' && Number.isFinite(Number(value))) forms.push(Number(value));
  if (value === 'true' || value === 'false') forms.push(value === 'true');
  return forms;
}
