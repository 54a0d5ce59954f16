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

/** Ticket ids of matching messages checked against the scoped filter at a time (an `_id: {$in}` read uses the key). */
const ID_BATCH = 2000;

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
    if (!filter.q) {
      const tickets = await this.Ticket.find(and.length ? { $and: and } : {}).sort({ _id: -1 }).limit(filter.limit + 1);
      return this.page(tickets, filter.limit);
    }
    // Interim text search (the search module replaces it with a word index): tickets whose subject or
    // number match, and tickets with a matching public message. Every candidate goes through the
    // scoped filter above; nothing is capped before that, so another team's matches cannot crowd
    // out the agent's own.
    const rx = new RegExp(escapeRegex(filter.q.trim()), 'i');
    const or: Record<string, unknown>[] = [{ subject: rx }];
    const asNumber = Number(filter.q.replace(/^#/, ''));
    if (Number.isInteger(asNumber) && asNumber > 0) or.push({ number: asNumber });
    const newest = (extra: Record<string, unknown>) => this.Ticket.find({ $and: [...and, extra] }).sort({ _id: -1 }).limit(filter.limit + 1);
    const found = new Map<string, TicketDoc>();
    const keep = (list: TicketDoc[]) => {
      for (const t of list) found.set(String(t._id), t);
    };
    keep(await newest({ $or: or }));
    const hits = this.Message.aggregate<{ _id: Types.ObjectId }>([{ $match: { internal: false, kind: 'message', $or: [{ body: rx }, { fullBody: rx }] } }, { $group: { _id: '$ticketId' } }]).cursor({ batchSize: ID_BATCH });
    let batch: Types.ObjectId[] = [];
    for await (const h of hits) {
      batch.push(h._id);
      if (batch.length === ID_BATCH) {
        keep(await newest({ _id: { $in: batch } }));
        batch = [];
      }
    }
    if (batch.length) keep(await newest({ _id: { $in: batch } }));
    const tickets = [...found.values()].sort((x, y) => (String(y._id) < String(x._id) ? -1 : String(y._id) > String(x._id) ? 1 : 0));
    return this.page(tickets, filter.limit);
  }

  private page(tickets: TicketDoc[], limit: number): { tickets: TicketDoc[]; nextCursor: string | null } {
    const page = tickets.slice(0, limit);
    return { tickets: page, nextCursor: tickets.length > limit ? String(page[page.length - 1]._id) : null };
  }
}
