import { Types } from 'mongoose';
import type { Principal } from '../auth/principal';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketFilter } from '../tickets/ticket.query';
import type { TicketSearchIndex } from './ticket-index';

const ROUNDS = 4;

/**
 * `GET /api/tickets?q=`: the words from the index (team-scoped inside it), the tickets by their
 * unique number (`number: {$in}` uses the unique index; any other condition in the same query
 * would make the embedded store scan), the remaining filters checked here. A page reads at most
 * ROUNDS batches of candidates; when those run out before the page is full, the cursor still
 * points past the last candidate read, so paging goes on where it stopped.
 */
export class TicketSearch {
  constructor(
    private readonly Ticket: TicketModel,
    private readonly index: TicketSearchIndex,
    private readonly allTeams: () => Promise<string[]>,
  ) {}

  async list(filter: TicketFilter & { q: string }, principal: Principal): Promise<{ tickets: TicketDoc[]; nextCursor: string | null }> {
    const teams = filter.team ? [filter.team] : [...(principal.visibleTeams() ?? (await this.allTeams()))];
    const accept = predicate(filter, principal);
    let below: number | undefined;
    if (filter.cursor) {
      const at = await this.Ticket.findById(filter.cursor, { number: 1 }).lean();
      if (!at) return { tickets: [], nextCursor: null };
      below = at.number;
    }
    const found: TicketDoc[] = [];
    // `#123` or `123`: that ticket first, on the first page
    const asNumber = Number(filter.q.trim().replace(/^#/, ''));
    if (!filter.cursor && Number.isSafeInteger(asNumber) && asNumber > 0) {
      const t = await this.Ticket.findOne({ number: asNumber });
      if (t && accept(t)) found.push(t);
    }
    // without other filters nearly every candidate is shown: read a page and one, then more per round
    let batch = filter.limit + 1;
    let exhausted = false;
    for (let round = 0; round < ROUNDS && found.length <= filter.limit; round++, batch = Math.min(batch * 4, 400)) {
      const numbers = await this.index.search({ q: filter.q, teams, limit: batch, below, internal: true });
      if (numbers.length) {
        const docs = await this.Ticket.find({ number: { $in: numbers } });
        const byNumber = new Map(docs.map((d) => [d.number, d]));
        for (const n of numbers) {
          const t = byNumber.get(n);
          if (t && accept(t) && !found.some((f) => f.number === n)) found.push(t);
        }
        below = numbers[numbers.length - 1];
      }
      if (numbers.length < batch) {
        exhausted = true;
        break;
      }
    }
    const page = found.slice(0, filter.limit);
    if (found.length > filter.limit) return { tickets: page, nextCursor: String(page[page.length - 1]._id) };
    if (exhausted || below === undefined) return { tickets: page, nextCursor: null };
    // candidates left unread: continue after the last one read
    const last = await this.Ticket.findOne({ number: below }, { _id: 1 }).lean();
    return { tickets: page, nextCursor: last ? String(last._id) : null };
  }
}

/** The list filters besides words and paging, on a loaded ticket (team again: the index may lag a move). */
function predicate(filter: TicketFilter, principal: Principal): (t: TicketDoc) => boolean {
  const assignee = filter.assignee === 'me' ? principal.id : filter.assignee;
  return (t) => {
    if (filter.team ? t.team !== filter.team : !principal.canSeeTeam(t.team)) return false;
    if (filter.status?.length && !filter.status.includes(t.status)) return false;
    if (filter.channel && t.channel !== filter.channel) return false;
    if (assignee === 'none' && t.assigneeId) return false;
    if (assignee && assignee !== 'none' && String(t.assigneeId ?? '') !== assignee) return false;
    if (filter.customer && !new Types.ObjectId(filter.customer).equals(t.customerId as Types.ObjectId)) return false;
    return true;
  };
}
