import { Types } from 'mongoose';
import type { Logger } from '../../logger';
import type { CounterModel } from '../counters/counter.model';
import { updateEach } from '../../infra/batches';
import { idsBy, oncePerDatabase } from '../counters/migration';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketModel } from './ticket.model';

const BACKFILL_MARK = 'migration:ticket-message-ids';
/** ids fetched per `_id: {$in}` query */
const CHUNK = 200;

export interface MessageListQuery {
  /** only public messages (no internal notes, no internal events) */
  publicOnly?: boolean;
  /** only what someone wrote or said (no timeline events) */
  messagesOnly?: boolean;
  /** only messages after this id */
  after?: string;
  limit: number;
  /** the last `limit` (still answered oldest first) instead of the first */
  newest?: boolean;
}

/**
 * A ticket's messages, read by `_id`: the ticket keeps the ids of its messages (`messageIds`,
 * written by the same update that records each message on the ticket, see TicketStore.touch and
 * the chat batcher), so opening a ticket, replaying a chat or checking a reply against a stale
 * view costs lookups by key, not a scan of every message of every ticket (on the embedded store a
 * filter by `ticketId` scans the collection: MONGO-SUBSET.md, issue #23). Tickets stored before
 * the list existed get it once per database (`backfill`); until then they are read by `ticketId`.
 */
export class MessageList {
  private migrated = false;

  constructor(private readonly d: { Ticket: TicketModel; Message: MessageModel; Counter: CounterModel; log: Logger }) {}

  /** The ids of the ticket's messages, oldest first; null for a ticket stored before the list (not yet backfilled). */
  async ids(ticketId: Types.ObjectId | string): Promise<string[] | null> {
    const row = await this.d.Ticket.findById(ticketId).select('messageIds').lean<{ messageIds?: Types.ObjectId[] }>();
    if (!row) return [];
    if (!row.messageIds) return this.migrated || (await this.isMigrated()) ? [] : null;
    // ObjectIds of equal length sort as their hex strings; a merge or backfill may have appended out of order
    return [...new Set(row.messageIds.map(String))].sort();
  }

  /** The ticket's messages that match `q`, oldest first (by `_id`). */
  async read(ticketId: Types.ObjectId | string, q: MessageListQuery): Promise<MessageDoc[]> {
    const all = await this.ids(ticketId);
    if (all === null) return this.scan(ticketId, q);
    let ids = q.after && Types.ObjectId.isValid(q.after) ? all.filter((id) => id > q.after!.toLowerCase()) : all;
    const out: MessageDoc[] = [];
    // chunks from the wanted end until `limit` messages match
    if (q.newest) ids = ids.reverse();
    for (let i = 0; i < ids.length && out.length < q.limit; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const found = new Map((await this.d.Message.find({ _id: { $in: chunk } })).map((m) => [String(m._id), m]));
      for (const id of chunk) {
        const m = found.get(id);
        if (m && String(m.ticketId) === String(ticketId) && this.matches(m, q)) out.push(m);
        if (out.length >= q.limit) break;
      }
    }
    return q.newest ? out.reverse() : out;
  }

  private matches(m: MessageDoc, q: MessageListQuery): boolean {
    return !(q.publicOnly && m.internal) && !(q.messagesOnly && m.kind !== 'message');
  }

  /** How a ticket without the list is read: by `ticketId` (a scan on the embedded store). */
  private async scan(ticketId: Types.ObjectId | string, q: MessageListQuery): Promise<MessageDoc[]> {
    const filter: Record<string, unknown> = { ticketId: new Types.ObjectId(String(ticketId)) };
    if (q.publicOnly) filter.internal = false;
    if (q.messagesOnly) filter.kind = 'message';
    if (q.after && Types.ObjectId.isValid(q.after)) filter._id = { $gt: new Types.ObjectId(q.after) };
    const found = await this.d.Message.find(filter).sort({ _id: q.newest ? -1 : 1 }).limit(q.limit);
    return q.newest ? found.reverse() : found;
  }

  private async isMigrated(): Promise<boolean> {
    this.migrated = !!(await this.d.Counter.exists({ _id: BACKFILL_MARK }));
    return this.migrated;
  }

  /**
   * Once per database: tickets stored before the list existed get the ids of their messages. A
   * union ($addToSet), so a message recorded meanwhile, or a second process doing the same, loses nothing.
   */
  async backfill(): Promise<number> {
    if (await this.isMigrated()) return 0;
    const done = await oncePerDatabase(this.d.Counter, BACKFILL_MARK, async () => {
      const groups = await idsBy(this.d.Message, 'ticketId');
      await updateEach(this.d.Ticket, groups, (g) => ({ filter: { _id: g._id }, update: { $addToSet: { messageIds: { $each: g.ids } } }, timestamps: false }));
      return groups.length;
    });
    this.migrated = true;
    if (done) this.d.log.info({ tickets: done }, 'tickets\' message lists backfilled');
    return done;
  }
}
