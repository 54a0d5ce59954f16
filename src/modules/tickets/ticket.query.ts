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
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Search by words (`q`), answered from the search index instead of MongoDB. */
export interface TicketTextSearch {
  list(filter: TicketFilter & { q: string }, principal: Principal): Promise<{ tickets: TicketDoc[]; nextCursor: string | null }>;
}

/** Listing and search over tickets: filters of CONTRACT.md, cursor paging by _id (newest first). */
export class TicketQuery {
  private text: TicketTextSearch | null = null;

  constructor(
    private readonly Ticket: TicketModel,
    private readonly Message: MessageModel,
  ) {}

  /** Set by the search module: `q` then goes through its index (words, team-scoped inside the query). */
  useTextSearch(text: TicketTextSearch): void {
    this.text = text;
  }

  async list(filter: TicketFilter, principal: Principal): Promise<{ tickets: TicketDoc[]; nextCursor: string | null }> {
    if (filter.q?.trim() && this.text) return this.text.list({ ...filter, q: filter.q }, principal);
    const and: Record<string, unknown>[] = [];
    const scope = principal.teamScope(filter.team);
    if (scope.team) and.push(scope);
    if (filter.status?.length) and.push({ status: { $in: filter.status } });
    if (filter.channel) and.push({ channel: filter.channel });
    if (filter.assignee === 'none') and.push({ assigneeId: null });
    else if (filter.assignee) and.push({ assigneeId: new Types.ObjectId(filter.assignee === 'me' ? principal.id : filter.assignee) });
    if (filter.customer) and.push({ customerId: new Types.ObjectId(filter.customer) });
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
