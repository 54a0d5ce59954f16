import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Actor } from '../../core/types';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { MessageDoc, MessageModel } from './message.model';
import type { Received, TicketMessages } from './ticket.messages';
import type { TicketDoc, TicketModel } from './ticket.model';
import { leanTicket } from './lean-ticket';
import type { TicketEvents } from './ticket.observers';
import { previewOf, type AttachmentRef, type NewMessageInput, type TicketStore } from './ticket.store';
import type { TicketStatus } from './ticket.types';

export interface MessageBatcherDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  store: Pick<TicketStore, 'messageFields' | 'list'>;
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
 * bulkWrite, one re-read — instead of four round trips each (and, since chat4, a batch's round
 * trips overlap the observers of the batch before it: drain). Each caller still gets its answer
 * only once its own message is stored and observed. Messages that change the ticket's status (a reopen, a
 * closed ticket) take the ordinary path.
 */
export class CustomerMessageBatcher {
  private queue: Pending[] = [];
  private running = false;
  /** wakes the drain waiting for a message it may store (see drain) */
  private wake: (() => void) | null = null;

  constructor(
    private readonly d: MessageBatcherDeps,
    private readonly maxBatch = 250,
  ) {}

  /** `opts.visitorId`: the chat's visitor, for the linked ticket a message after a closed chat opens. */
  receive(number: number, input: NewMessageInput, author: Actor, opts: { visitorId?: string | null } = {}): Promise<Received> {
    return new Promise((resolve, reject) => {
      this.queue.push({ number, input, author, opts, resolve, reject });
      if (!this.running) void this.drain();
      else this.wake?.();
    });
  }

  /**
   * Batches in a pipeline of two stages: a batch's store round trips (read, insert, update) run
   * while the batch before it runs its observers, on the store's core instead of after them. A
   * batch takes no message of a ticket whose observers are still running, so per ticket the
   * messages are stored and observed in order, and its read sees what those observers wrote; the
   * observers of one batch at a time.
   */
  private async drain(): Promise<void> {
    this.running = true;
    // One tick lets the messages of the same event-loop turn join the first batch.
    await new Promise((r) => setImmediate(r));
    let observing: { numbers: Set<number>; done: Promise<void>; over: boolean } | null = null;
    for (;;) {
      if (observing?.over) observing = null;
      if (!this.queue.length && !observing) break;
      const batch = this.take(observing?.numbers);
      if (!batch.length && observing) {
        // nothing to store until those observers finish or another ticket's message comes
        await Promise.race([observing.done, new Promise<void>((r) => (this.wake = r))]);
        this.wake = null;
        continue;
      }
      let observe: () => Promise<void>;
      try {
        observe = await this.store(batch);
      } catch (err) {
        this.failed(batch, err);
        continue;
      }
      if (observing) await observing.done;
      const next: { numbers: Set<number>; done: Promise<void>; over: boolean } = { numbers: new Set(batch.map((p) => p.number)), done: Promise.resolve(), over: false };
      next.done = observe()
        .catch((err: unknown) => this.failed(batch, err))
        .then(() => {
          next.over = true;
        });
      observing = next;
    }
    this.running = false;
  }

  /** The next batch in arrival order, leaving in the queue (in order) the messages of the tickets in `busy`. */
  private take(busy?: Set<number>): Pending[] {
    if (!busy?.size) return this.queue.splice(0, this.maxBatch);
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.queue) (batch.length < this.maxBatch && !busy.has(p.number) ? batch : rest).push(p);
    this.queue = rest;
    return batch;
  }

  private failed(batch: Pending[], err: unknown): void {
    this.d.log.error({ err, size: batch.length }, 'message batch failed');
    for (const p of batch) p.reject(err); // (those answered already stay answered)
  }

  /** The batch's round trips to the store; answers the rest of its way (observers, duplicates, the ordinary path), to run next. */
  private async store(batch: Pending[]): Promise<() => Promise<void>> {
    const numbers = [...new Set(batch.map((p) => p.number))];
    // One read of the tickets, lean and through the driver (no mongoose query, no document): what
    // routing a message needs, and (with the update below applied to it) what observers see. No
    // mongoose documents are built for the insert either.
    const found = (await this.d.Ticket.collection.find({ number: { $in: numbers } }, { projection: BATCH_TICKET_PROJECTION }).toArray()) as unknown as LeanTicket[];
    const byNumber = new Map(found.map((t) => [t.number, t]));
    const now = this.d.clock.now();
    const fast: Fast[] = [];
    const slow: { p: Pending; ticket: LeanTicket }[] = [];
    for (const p of batch) {
      const ticket = byNumber.get(p.number);
      if (!ticket) p.reject(new NotFoundError(`Ticket #${p.number}`));
      else if (UNCHANGED.includes(ticket.status as TicketStatus)) fast.push({ p, ticket, doc: messageRecord(this.d.store.messageFields(ticket, p.input, customer(p.author, ticket)), now) });
      else slow.push({ p, ticket });
    }
    const duplicates = await this.insert(fast.map((f) => f.doc));
    const stored = fast.filter((_, i) => !duplicates.has(i));
    const touched = stored.length ? await this.touchTickets(stored, now) : new Map<string, LeanTicket>();
    return () => this.observe(stored, touched, duplicates.size ? fast.filter((_, i) => duplicates.has(i)) : [], slow);
  }

  private async observe(stored: Fast[], touched: Map<string, LeanTicket>, duplicates: Fast[], slow: { p: Pending; ticket: LeanTicket }[]): Promise<void> {
    // Observers per ticket in message order; tickets side by side.
    const perTicket = new Map<string, typeof stored>();
    for (const s of stored) {
      const id = String(s.ticket._id);
      const list = perTicket.get(id);
      if (list) list.push(s);
      else perTicket.set(id, [s]);
    }
    await Promise.all(
      [...perTicket.entries()].map(async ([id, items]) => {
        const lean = touched.get(id);
        if (!lean) {
          for (const { p } of items) p.reject(new NotFoundError(`Ticket #${p.number}`)); // deleted meanwhile
          return;
        }
        // Lean: observers read fields; one that writes through a document builds it (ticketDocument).
        let current = leanTicket(lean, () => this.d.Ticket.hydrate(lean) as TicketDoc);
        for (const { p, doc } of items) {
          // The stored record itself, not a document: observers and the channel read a message's
          // fields only, and hydrating one costs as much as the rest of its way (see BENCHMARKS.md).
          const message = doc as unknown as MessageDoc;
          current = await this.d.events.messageAdded(current, message);
          p.resolve({ ticket: current, message, outcome: 'added' });
        }
      }),
    );
    for (const { p, ticket } of duplicates) {
      const dup = await this.d.Message.findOne({ dedupeKey: p.input.dedupeKey });
      if (dup) await this.d.store.list(dup); // its first attempt may have stopped before the ticket's write
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
  private async insert(docs: MessageRecord[]): Promise<Set<number>> {
    const duplicates = new Set<number>();
    if (!docs.length) return duplicates;
    try {
      await this.d.Message.insertMany(docs, { ordered: false, lean: true });
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

  /**
   * The tickets' last-message fields and counts, one bulkWrite for the batch; answers each ticket
   * as the read above with the same update applied (what a re-read would show, without the round trip).
   */
  private async touchTickets(stored: { ticket: LeanTicket; doc: MessageRecord }[], now: Date): Promise<Map<string, LeanTicket>> {
    const last = new Map<string, { ticket: LeanTicket; count: number; doc: MessageRecord; ids: Types.ObjectId[] }>();
    for (const s of stored) {
      const id = String(s.ticket._id);
      const ids = last.get(id)?.ids ?? [];
      ids.push(s.doc._id);
      last.set(id, { ticket: s.ticket, count: ids.length, doc: s.doc, ids });
    }
    const updates = [...last.values()].map(({ ticket, count, doc, ids }) => ({
      ticket,
      count,
      ids,
      set: { lastMessageAt: now, lastCustomerMessageAt: now, lastMessageId: String(doc._id), preview: previewOf(doc.body), updatedAt: now },
    }));
    // Through the driver: every value is already of its stored type (the ids as read, dates, a
    // string, a count), so mongoose's casting of each operation (a tenth of a batch's write) is left out.
    await this.d.Ticket.collection.bulkWrite(
      updates.map((u) => ({ updateOne: { filter: { _id: u.ticket._id }, update: { $set: u.set, $inc: { messageCount: u.count }, $addToSet: { messageIds: { $each: u.ids } } } } })),
      { ordered: false },
    );
    return new Map(updates.map((u) => [String(u.ticket._id), { ...u.ticket, ...u.set, messageCount: (u.ticket.messageCount ?? 0) + u.count }]));
  }
}

/**
 * What the batch reads of its tickets: all but the list of message ids (MessageList's, never read
 * with the ticket; `select: false` in the schema, which the driver does not know) and the effects
 * journal (the sweeper's; a message's chain writes its entry by id without reading it). The rest
 * is read on this path: observers read the ticket as a whole (the SLA rewrites `sla` whole, rules
 * match and change any field and may save it, time rules read `clockImplied` after a rule's
 * change, the inbound contract `dedupeKey`), and the agents' view and queue entry read most of it.
 */
export const BATCH_TICKET_PROJECTION = { messageIds: 0, effects: 0 } as const;

/** A message of the batch on the batched path, with its ticket as read and its record. */
type Fast = { p: Pending; ticket: LeanTicket; doc: MessageRecord };

/** A ticket as the batch read it (lean). */
type LeanTicket = Pick<TicketDoc, '_id' | 'number' | 'status' | 'customerId' | 'messageCount'> & Record<string, unknown>;

/** A message as stored: the fields with every default of the schema (message.model.ts) filled, as a document would have them. */
export type MessageRecord = Omit<ReturnType<TicketStore['messageFields']>, 'event'> & {
  _id: Types.ObjectId;
  delivery: { status: string; error: null; attempts: number };
  event: { type?: string; data?: unknown };
  dedupeKey: string;
  createdAt: Date;
  updatedAt: Date;
};

/** What `new Message(fields).toObject()` stores, built without a document (the unit test holds the two equal). */
export function messageRecord(fields: ReturnType<TicketStore['messageFields']>, now: Date): MessageRecord {
  return {
    ...fields,
    _id: (fields._id as Types.ObjectId | undefined) ?? new Types.ObjectId(),
    delivery: { status: fields.delivery.status, error: null, attempts: 0 },
    attachments: fields.attachments.map(attachmentRecord),
    event: fields.event ? { ...fields.event } : {},
    dedupeKey: fields.dedupeKey ?? `m:${randomUUID()}`,
    createdAt: now,
    updatedAt: now,
  };
}

/** An attachment's schema fields (a document drops the others and the undefined ones). */
function attachmentRecord(a: AttachmentRef): AttachmentRef {
  const from = a as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['id', 'filename', 'contentType', 'size', 'hash', 'inline', 'cid', 'removedAt']) if (from[k] !== undefined) out[k] = from[k];
  return out as unknown as AttachmentRef;
}

/** A customer author is the ticket's customer unless the caller says otherwise. */
function customer(author: Actor, ticket: Pick<TicketDoc, 'customerId'>): Actor {
  return author.type === 'customer' && !author.id ? { ...author, id: String(ticket.customerId) } : author;
}
