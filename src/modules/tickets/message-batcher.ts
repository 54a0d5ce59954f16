import type { Actor } from '../../core/types';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { MessageDoc, MessageModel } from './message.model';
import type { Received, TicketMessages } from './ticket.messages';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { TicketEvents } from './ticket.observers';
import { previewOf, type NewMessageInput, type TicketStore } from './ticket.store';
import type { TicketStatus } from './ticket.types';

export interface MessageBatcherDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  store: Pick<TicketStore, 'messageFields'>;
  events: Pick<TicketEvents, 'messageAdded'>;
  /** the ordinary path, for messages that reopen a solved ticket or follow a closed one */
  timeline: Pick<TicketMessages, 'receiveFromCustomer'>;
  clock: Clock;
  log: Logger;
}

interface Pending {
  number: number;
  input: NewMessageInput;
  author: Actor;
  opts: { visitorId?: string | null };
  resolve: (r: Received) => void;
  reject: (err: unknown) => void;
}

/** Statuses a customer message leaves as they are: no reopen, no new linked ticket. */
const UNCHANGED: readonly TicketStatus[] = ['new', 'open', 'on_hold'];

/**
 * Group commit for customer messages on open tickets (live chat): messages that arrive while a
 * write is in flight are stored together — one read of their tickets, one insertMany, one
 * bulkWrite, one re-read — instead of four round trips each. Each caller still gets its answer
 * only once its own message is stored. Messages that change the ticket's status (a reopen, a
 * closed ticket) take the ordinary path.
 */
export class CustomerMessageBatcher {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly d: MessageBatcherDeps,
    private readonly maxBatch = 250,
  ) {}

  /** `opts.visitorId`: the chat's visitor, for the linked ticket a message after a closed chat opens. */
  receive(number: number, input: NewMessageInput, author: Actor, opts: { visitorId?: string | null } = {}): Promise<Received> {
    return new Promise((resolve, reject) => {
      this.queue.push({ number, input, author, opts, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    // One tick lets the messages of the same event-loop turn join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch);
      } catch (err) {
        this.d.log.error({ err, size: batch.length }, 'message batch failed');
        for (const p of batch) p.reject(err);
      }
    }
    this.running = false;
  }

  private async write(batch: Pending[]): Promise<void> {
    const numbers = [...new Set(batch.map((p) => p.number))];
    // Only what routing a message needs; the re-read below is what observers see.
    const found = await this.d.Ticket.find({ number: { $in: numbers } }, { _id: 1, number: 1, status: 1, customerId: 1 }).lean();
    const byNumber = new Map(found.map((t) => [t.number, t as unknown as Head]));
    const fast: { p: Pending; ticket: Head; doc: MessageDoc }[] = [];
    const slow: { p: Pending; ticket: Head }[] = [];
    for (const p of batch) {
      const ticket = byNumber.get(p.number);
      if (!ticket) p.reject(new NotFoundError(`Ticket #${p.number}`));
      else if (UNCHANGED.includes(ticket.status as TicketStatus)) fast.push({ p, ticket, doc: new this.d.Message(this.d.store.messageFields(ticket, p.input, customer(p.author, ticket))) });
      else slow.push({ p, ticket });
    }
    const now = this.d.clock.now();
    for (const f of fast) f.doc.set({ createdAt: now, updatedAt: now }); // a lean insertMany sets no timestamps
    const duplicates = await this.insert(fast.map((f) => f.doc));
    const stored = fast.filter((_, i) => !duplicates.has(i));
    if (stored.length) await this.touchTickets(stored);
    const fresh = stored.length ? new Map((await this.d.Ticket.find({ _id: { $in: [...new Set(stored.map((s) => s.ticket._id))] } })).map((t) => [String(t._id), t])) : new Map<string, TicketDoc>();
    // Observers per ticket in message order; tickets side by side.
    const perTicket = new Map<string, typeof stored>();
    for (const s of stored) perTicket.set(String(s.ticket._id), [...(perTicket.get(String(s.ticket._id)) ?? []), s]);
    await Promise.all(
      [...perTicket.entries()].map(async ([id, items]) => {
        const ticket = fresh.get(id);
        if (!ticket) {
          for (const { p } of items) p.reject(new NotFoundError(`Ticket #${p.number}`)); // deleted meanwhile
          return;
        }
        let current = ticket;
        for (const { p, doc } of items) {
          current = await this.d.events.messageAdded(current, doc);
          p.resolve({ ticket: current, message: doc, outcome: 'added' });
        }
      }),
    );
    for (const i of duplicates) {
      const { p, ticket } = fast[i];
      const dup = await this.d.Message.findOne({ dedupeKey: p.input.dedupeKey });
      const full = dup && (await this.d.Ticket.findById(ticket._id));
      if (dup && full) p.resolve({ ticket: full, message: dup, outcome: 'duplicate' });
      else p.reject(new Error('duplicate message vanished'));
    }
    for (const { p, ticket } of slow) {
      const full = await this.d.Ticket.findById(ticket._id);
      if (!full) p.reject(new NotFoundError(`Ticket #${p.number}`));
      else await this.d.timeline.receiveFromCustomer(full, p.input, customer(p.author, full), p.opts).then(p.resolve, p.reject);
    }
  }

  /** insertMany, unordered: a repeated dedupeKey fails alone and marks that message a duplicate. */
  private async insert(docs: MessageDoc[]): Promise<Set<number>> {
    const duplicates = new Set<number>();
    if (!docs.length) return duplicates;
    try {
      await this.d.Message.insertMany(docs.map((d) => d.toObject()), { ordered: false, lean: true });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
      if (!writeErrors?.length) throw err;
      for (const e of writeErrors) {
        if ((e.code ?? e.err?.code) !== 11000) throw err;
        duplicates.add(e.index);
      }
    }
    return duplicates;
  }

  private async touchTickets(stored: { ticket: Head; doc: MessageDoc }[]): Promise<void> {
    const now = this.d.clock.now();
    const last = new Map<string, { count: number; doc: MessageDoc }>();
    for (const s of stored) {
      const id = String(s.ticket._id);
      last.set(id, { count: (last.get(id)?.count ?? 0) + 1, doc: s.doc });
    }
    await this.d.Ticket.bulkWrite(
      [...last.entries()].map(([id, { count, doc }]) => ({
        updateOne: {
          filter: { _id: id },
          update: { $set: { lastMessageAt: now, lastCustomerMessageAt: now, lastMessageId: String(doc._id), preview: previewOf(doc.body) }, $inc: { messageCount: count } },
        },
      })),
      { ordered: false },
    );
  }
}

/** The fields of a ticket that routing a message needs. */
type Head = Pick<TicketDoc, '_id' | 'number' | 'status' | 'customerId'>;

/** A customer author is the ticket's customer unless the caller says otherwise. */
function customer(author: Actor, ticket: Head): Actor {
  return author.type === 'customer' && !author.id ? { ...author, id: String(ticket.customerId) } : author;
}
