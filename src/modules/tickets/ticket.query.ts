import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Principal } from '../auth/principal';
import type { MessageModel } from './message.model';
import type { QueueIndex } from './queue-index';
import {
  compareKeys,
  decodeCursor,
  encodeCursor,
  isLiveOnly,
  mongoFilter,
  rowMatcher,
  rowOfDoc,
  rowOfItem,
  sortKey,
  type Row,
  type TicketFilter,
  type TicketSort,
} from './ticket.filter';
import type { TicketDoc, TicketModel } from './ticket.model';

export type { TicketFilter } from './ticket.filter';

/** Ticket ids of matching messages checked against the scoped filter at a time (an `_id: {$in}` read uses the key). */
const ID_BATCH = 2000;

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Search by words (`q`), answered from the search index instead of MongoDB. */
export interface TicketTextSearch {
  list(filter: TicketFilter & { q: string }, principal: Principal): Promise<{ tickets: TicketDoc[]; nextCursor: string | null }>;
}

/** Counting a view that is not answered from the live index stops here: the console shows "1000+". */
export const COUNT_CAP = 1000;

export interface ListResult {
  tickets: TicketDoc[];
  nextCursor: string | null;
  /** the order the page is in: `due` and `priority` need live tickets and fall back to `newest` otherwise */
  sort: TicketSort;
  /** where the page came from, for the bench and for the curious: `live` (Redis index), `store` (MongoDB), `words` (search index) */
  source: 'live' | 'store' | 'words';
}

/**
 * Listing, filtering and search over tickets (CONTRACT.md's filters, and those of saved views).
 *
 * Three paths, chosen by the filter:
 * - live statuses only (the common views: my open tickets, unassigned, breached, at risk): the live
 *   queue index in Redis holds a summary of every live ticket, so the filter and the order run over
 *   the summaries of the principal's teams and only the page's tickets are read from MongoDB, by
 *   `_id`. No scan of the tickets collection; the cost grows with the live tickets of those teams.
 * - words (`q`): the search index, then the other filters on the candidates.
 * - anything else (solved and closed tickets, every status): a bounded MongoDB query, newest first,
 *   `limit + 1` documents. On real MongoDB the indexes serve it; on the embedded store it scans the
 *   collection (mongo-java-server ignores non-unique indexes): bench/ticket-list.ts measures it.
 */
export class TicketQuery {
  private text: TicketTextSearch | null = null;

  constructor(
    private readonly Ticket: TicketModel,
    private readonly Message: MessageModel,
    private readonly index: Pick<QueueIndex, 'items'> | null = null,
    private readonly clock: Clock = { now: () => new Date() },
    /** every team's key, for those who see all teams (the teams collection: a handful of rows) */
    private readonly allTeams: () => Promise<string[]> = async () => [],
  ) {}

  /** Set by the search module: `q` then goes through its index (words, team-scoped inside the query). */
  useTextSearch(text: TicketTextSearch): void {
    this.text = text;
  }

  async list(filter: TicketFilter, principal: Principal): Promise<ListResult> {
    if (filter.q?.trim() && this.text) return { ...(await this.text.list({ ...filter, q: filter.q }, principal)), sort: 'newest', source: 'words' };
    if (this.index && isLiveOnly(filter) && !filter.q && !filter.fields) return this.fromLive(filter, principal);
    return this.fromStore(filter, principal);
  }

  /** How many tickets a filter finds: exact from the live index, else up to COUNT_CAP (`capped`). */
  async count(filter: Omit<TicketFilter, 'limit' | 'cursor'>, principal: Principal, live?: Row[]): Promise<{ count: number; capped: boolean }> {
    if (this.index && isLiveOnly(filter) && !filter.q && !filter.fields) {
      const rows = live ?? (await this.liveRows(filter, principal));
      const match = rowMatcher({ ...filter, limit: 0 }, principal, this.clock.now().getTime());
      return { count: rows.filter(match).length, capped: false };
    }
    if (filter.q?.trim() && this.text) {
      const { tickets } = await this.text.list({ ...filter, q: filter.q, limit: 100 } as TicketFilter & { q: string }, principal);
      return { count: tickets.length, capped: tickets.length >= 100 };
    }
    const and = mongoFilter({ ...filter, limit: 0 }, principal);
    if (filter.q) and.push(await this.interimText(filter.q));
    const ids = await this.Ticket.find(and.length ? { $and: and } : {}, { _id: 1 }).limit(COUNT_CAP).lean();
    return { count: ids.length, capped: ids.length >= COUNT_CAP };
  }

  /** The summaries of every live ticket of the teams a filter may cover (one read serves many view counts). */
  async liveRows(filter: Pick<TicketFilter, 'team'>, principal: Principal): Promise<Row[]> {
    if (!this.index) return [];
    if (filter.team) principal.assertTeam(filter.team);
    const teams = filter.team ? [filter.team] : [...(principal.visibleTeams() ?? (await this.allTeams()))];
    return (await this.index.items(teams)).map(rowOfItem);
  }

  private async fromLive(filter: TicketFilter, principal: Principal): Promise<ListResult> {
    const sort = filter.sort ?? 'newest';
    const after = decodeCursor(filter.cursor);
    const match = rowMatcher(filter, principal, this.clock.now().getTime());
    const rows = (await this.liveRows(filter, principal)).filter(match).map((r) => ({ r, key: sortKey(sort, r) }));
    rows.sort((a, b) => compareKeys(a.key, b.key));
    const rest = after ? rows.filter((x) => compareKeys(x.key, after) > 0) : rows;
    const page = rest.slice(0, filter.limit);
    const docs = page.length ? await this.Ticket.find({ _id: { $in: page.map((x) => new Types.ObjectId(x.r.id)) } }) : [];
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    const tickets = page.map((x) => byId.get(x.r.id)).filter((t): t is TicketDoc => !!t);
    const last = page[page.length - 1];
    return { tickets, nextCursor: rest.length > filter.limit && last ? encodeCursor(last.key) : null, sort, source: 'live' };
  }

  private async fromStore(filter: TicketFilter, principal: Principal): Promise<ListResult> {
    const sort: TicketSort = filter.sort === 'oldest' || filter.sort === 'updated' ? filter.sort : 'newest';
    const and = mongoFilter(filter, principal);
    if (filter.q) and.push(await this.interimText(filter.q));
    const key = decodeCursor(filter.cursor);
    if (sort === 'newest' && filter.cursor && /^[0-9a-f]{24}$/.test(filter.cursor)) and.push({ _id: { $lt: new Types.ObjectId(filter.cursor) } });
    if (sort === 'oldest' && key) and.push({ _id: { $gt: new Types.ObjectId(String(key[1])) } });
    if (sort === 'updated' && key) {
      const at = new Date(-Number(key[0]));
      const id = new Types.ObjectId(String(key[1]));
      and.push({ $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $gt: id } }] });
    }
    const order: Record<string, 1 | -1> = sort === 'oldest' ? { _id: 1 } : sort === 'updated' ? { updatedAt: -1, _id: 1 } : { _id: -1 };
    const found = await this.Ticket.find(and.length ? { $and: and } : {}).sort(order).limit(filter.limit + 1);
    const page = found.slice(0, filter.limit);
    const last = page[page.length - 1];
    const more = found.length > filter.limit && last;
    const nextCursor = !more ? null : sort === 'newest' ? String(last._id) : encodeCursor(sortKey(sort, rowOfDoc(last)));
    return { tickets: page, nextCursor, sort, source: 'store' };
  }

  /**
   * Text search before the word index is wired (a store without the search module): subject,
   * number, or a public message containing the text. Bounded: at most 5000 matching messages.
   */
  private async interimText(q: string): Promise<Record<string, unknown>> {
    const rx = new RegExp(escapeRegex(q.trim()), 'i');
    const or: Record<string, unknown>[] = [{ subject: rx }];
    const asNumber = Number(q.replace(/^#/, ''));
    if (Number.isInteger(asNumber) && asNumber > 0) or.push({ number: asNumber });
    const hits = await this.Message.find({ internal: false, kind: 'message', $or: [{ body: rx }, { fullBody: rx }] }, { ticketId: 1 }).limit(5000).lean();
    if (hits.length) or.push({ _id: { $in: [...new Set(hits.map((h) => String(h.ticketId)))].map((id) => new Types.ObjectId(id)) } });
    return { $or: or };
  }
}

