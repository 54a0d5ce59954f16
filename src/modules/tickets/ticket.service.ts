import { Types } from 'mongoose';
import { SYSTEM, type Actor, type Channel } from '../../core/types';
import { NotFoundError, ValidationError } from '../../errors';
import type { AuditLog } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { SequenceBatcher, type CounterModel } from '../counters/counter.model';
import type { Clock } from '../../infra/clock';
import { ByIdReader } from '../../infra/by-id-reader';
import { GroupCommit } from '../../infra/group-commit';
import { insertDoc } from '../../infra/insert-doc';
import type { CustomerDoc } from '../customers/customer.model';
import type { CustomerInput, CustomerService } from '../customers/customer.service';
import type { MessageDoc, MessageFields, MessageModel } from './message.model';
import type { TicketDoc, TicketFields, TicketModel } from './ticket.model';
import type { TicketEvents } from './ticket.observers';
import type { TicketWriteGuard } from './ticket.guard';
import type { MessageList } from './message-list';
import { metaAddToSet, previewOf, type MetaLists, type NewMessageInput, type TicketStore } from './ticket.store';
import type { Priority, TicketType } from './ticket.types';

export interface CreateTicketInput {
  channel: Channel;
  subject: string;
  customer: CustomerInput;
  /** the customer the caller already found or created from `customer` (saves a second lookup) */
  customerId?: Types.ObjectId;
  team: string;
  type?: TicketType;
  priority?: Priority;
  tags?: string[];
  product?: { model?: string; serial?: string };
  /** the unit the ticket is about; `product` then names its model and serial */
  unitId?: Types.ObjectId | null;
  linkedFrom?: number | null;
  visitorId?: string | null;
  /** makes creation idempotent: a second create with the same key returns the first ticket */
  dedupeKey?: string;
  assigneeId?: string | null;
  meta?: Record<string, unknown>;
  /** custom fields, validated by the write guard for the ticket's type and team */
  fields?: Record<string, unknown>;
  /** the first message; absent for a ticket opened without words (a missed call is an event) */
  message?: NewMessageInput & { author: Actor };
  /**
   * A message the system sends the customer on its own about the new ticket (a mail's
   * acknowledgement), asked for once the number and the customer are known and stored with the
   * first message (one insert command, the ticket already counting both: no second write); null:
   * none. Not asked when the caller passes `customerId`, or when there is no first message.
   */
  autoReply?: (ticket: { _id: Types.ObjectId; number: number; subject: string }, customer: CustomerDoc) => Promise<Omit<NewMessageInput, 'id'> | null>;
}

export interface TicketServiceDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  Counter: CounterModel;
  customers: Pick<CustomerService, 'findOrCreate'>;
  teams: { exists(key: string): Promise<boolean> };
  audit: AuditLog;
  store: TicketStore;
  /** a ticket's messages, read by `_id` */
  list: MessageList;
  events: TicketEvents;
  clock: Clock;
  guard: TicketWriteGuard;
}

/** Tickets: finding them, and registering a new one (number, customer, first message, audit, observers). */
export class TicketService {
  /** ticket numbers: concurrent creations share one increment */
  private readonly numbers: SequenceBatcher;
  /** new tickets of concurrent creations share insert commands */
  private readonly inserts: GroupCommit;
  /** reads by _id of concurrent jobs share one query (a mail's ticket, a delivery's message and ticket) */
  private readonly tickets: ByIdReader<TicketFields>;
  private readonly messagesById: ByIdReader<MessageFields>;

  constructor(private readonly d: TicketServiceDeps) {
    this.numbers = new SequenceBatcher(d.Counter, 'ticket');
    this.inserts = new GroupCommit(d.Ticket, 500, { prepared: true });
    this.tickets = new ByIdReader(d.Ticket);
    this.messagesById = new ByIdReader(d.Message);
  }

  async byNumber(number: number): Promise<TicketDoc> {
    const t = await this.d.Ticket.findOne({ number });
    if (!t) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  async byId(id: string | Types.ObjectId): Promise<TicketDoc | null> {
    return this.tickets.get(id);
  }

  /**
   * The ticket if the principal may see it; 404 both when it does not exist and when it is another
   * team's, so that numbers do not tell which tickets exist (every route addressing a ticket by number).
   */
  async visible(number: number, principal: Principal): Promise<TicketDoc> {
    const t = await this.d.Ticket.findOne({ number });
    if (!t || !principal.canSeeTeam(t.team)) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  /**
   * A ticket's messages oldest first, read by `_id` from the ticket's list (MessageList): the first
   * `limit` (1000) after `after`, or the last `limit` with `newest`; `messagesOnly` leaves out the
   * timeline's events.
   */
  async messages(ticket: Pick<TicketDoc, '_id'>, opts: { includeInternal: boolean; after?: string; limit?: number; messagesOnly?: boolean; newest?: boolean }): Promise<MessageDoc[]> {
    return this.d.list.read(ticket._id as Types.ObjectId, { publicOnly: !opts.includeInternal, messagesOnly: opts.messagesOnly, after: opts.after, limit: opts.limit ?? 1000, newest: opts.newest });
  }

  message(id: string | Types.ObjectId): Promise<MessageDoc | null> {
    return this.messagesById.get(id);
  }

  /**
   * Adds to the ticket's `meta` lists what they lack (a repeat of a contact whose first attempt
   * stopped before its write): one `$addToSet`, none when nothing is missing.
   */
  async addToMeta(ticket: TicketDoc, lists: MetaLists | undefined): Promise<TicketDoc> {
    const meta = (ticket.meta ?? {}) as Record<string, unknown>;
    const missing = Object.fromEntries(Object.entries(lists ?? {}).map(([k, v]) => [k, v.filter((x) => !(Array.isArray(meta[k]) && (meta[k] as unknown[]).includes(x)))]));
    const add = metaAddToSet(missing);
    if (!Object.keys(add).length) return ticket;
    return (await this.d.Ticket.findOneAndUpdate({ _id: ticket._id }, { $addToSet: add }, { new: true })) ?? ticket;
  }

  /** The message stored under a dedupe key (a mail's, a chat client's, an event's), if any. */
  messageByKey(dedupeKey: string): Promise<MessageDoc | null> {
    return this.d.store.messageByKey(dedupeKey);
  }

  /**
   * The customer's latest tickets the principal may see (all of them for the customer themselves:
   * null, the portal), newest first, read by `_id` from the ids the customer record keeps
   * (`recentTickets`); a ticket moved to another customer meanwhile is left out.
   */
  async recentOf(customer: { _id: unknown; recentTickets?: unknown[] | null }, principal: Principal | null, limit: number): Promise<TicketDoc[]> {
    const ids = [...new Set((customer.recentTickets ?? []).slice(-200).map(String))];
    if (!ids.length) return [];
    const found = await this.d.Ticket.find({ _id: { $in: ids } });
    return found
      .filter((t) => String(t.customerId) === String(customer._id) && (!principal || principal.canSeeTeam(t.team)))
      .sort((a, b) => (String(a._id) < String(b._id) ? 1 : -1))
      .slice(0, limit);
  }

  /** The customer's open (not solved or closed) ticket on a channel, newest first. */
  async openTicketOf(customerId: Types.ObjectId | string, channels?: Channel[]): Promise<TicketDoc | null> {
    const filter: Record<string, unknown> = { customerId, status: { $in: ['new', 'open', 'pending', 'on_hold'] } };
    if (channels) filter.channel = { $in: channels };
    return this.d.Ticket.findOne(filter).sort({ _id: -1 });
  }

  /**
   * Registers a ticket. With a dedupeKey a second create returns the first ticket (`created: false`).
   * The returned ticket is as the observers left it (its SLA applied, a chat perhaps assigned).
   *
   * Few round trips (issue #23): no look-up before the insert (the unique dedupeKey answers a
   * repeat), the teams from the cache, the number from a shared increment, the ticket stored
   * already touched by its first message (no second write), the audit entry and the message
   * written side by side, and what was read handed to the observers.
   */
  async create(input: CreateTicketInput, actor: Actor): Promise<{ ticket: TicketDoc; message: MessageDoc | null; created: boolean; customer?: CustomerDoc | null; autoReply?: MessageDoc | null }> {
    const { Ticket, store, events } = this.d;
    if (!(await this.d.teams.exists(input.team))) throw new ValidationError(`Unknown team ${input.team}`);
    const given = input.fields && Object.keys(input.fields).length ? await this.d.guard.fields(input.fields, { type: input.type ?? 'inquiry', team: input.team, fields: {} }) : {};
    const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
    // the id is chosen first, so that a new customer record names the ticket from the start
    const ticketId = new Types.ObjectId();
    const customer = input.customerId ? null : await this.d.customers.findOrCreate(input.customer, { team: input.team, ticketId });
    const customerId = input.customerId ?? customer!._id;
    const number = await this.numbers.next();
    // the first message's id is known before it is stored, so the journal entry names it for a re-drive
    const firstId = input.message ? new Types.ObjectId() : undefined;
    const entry = events.entry('created', { actor, messageId: firstId });
    const subject = input.subject.trim().slice(0, 500) || '(no subject)';
    const auto = input.autoReply && input.message && customer ? await input.autoReply({ _id: ticketId, number, subject }, customer) : null;
    // after the first message's id, so that it sorts after it on the timeline
    const autoId = auto ? new Types.ObjectId() : undefined;
    const now = this.d.clock.now();
    const first = input.message
      ? {
          messageCount: auto ? 2 : 1,
          messageIds: auto ? [firstId, autoId] : [firstId],
          lastMessageAt: now,
          lastMessageId: String(autoId ?? firstId),
          ...(input.message.internal ? {} : { preview: previewOf(input.message.body) }),
          ...(input.message.author.type === 'customer' ? { lastCustomerMessageAt: now } : {}),
        }
      : {};
    const draft = { priority: input.priority ?? 'normal', type: input.type ?? 'inquiry', channel: input.channel, team: input.team, status: 'new', createdAt: now };
    // what observers decide before the insert (the SLA), stored with the ticket rather than written after it
    const prepared = await events.prepare(draft);
    let ticket: TicketDoc;
    try {
      ticket = await insertDoc(Ticket, {
        ...prepared,
        _id: ticketId,
        createdAt: now,
        number,
        subject,
        channel: input.channel,
        priority: input.priority ?? 'normal',
        type: input.type ?? 'inquiry',
        team: input.team,
        customerId,
        tags: input.tags ?? [],
        product: input.product ?? {},
        unitId: input.unitId ?? null,
        linkedFrom: input.linkedFrom ?? null,
        visitorId: input.visitorId ?? null,
        assigneeId: input.assigneeId ?? null,
        meta: input.meta ?? {},
        fields,
        effects: [entry],
        ...first,
        ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
      }, this.inserts);
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const existing = await Ticket.findOne({ dedupeKey: input.dedupeKey });
        if (existing) return { ticket: existing, message: await this.repairFirst(existing, input), created: false };
      }
      throw err;
    }
    let message: MessageDoc | null = null;
    let autoReply: MessageDoc | null = null;
    const audited = this.d.audit.record(ticket, actor, 'created', { channel: input.channel, team: input.team });
    if (input.message) {
      // side by side: one insert command for both
      const [stored, replied] = await Promise.all([
        store.insertMessage(ticket, { ...input.message, id: firstId }, input.message.author),
        auto ? store.insertMessage(ticket, { ...auto, id: autoId }, SYSTEM) : null,
      ]);
      message = stored.message;
      autoReply = replied && !replied.duplicate ? replied.message : null;
      // a racing copy stored this message first (on another ticket): this one has none after all
      if (stored.duplicate) ticket = (await Ticket.findOneAndUpdate({ _id: ticket._id }, { $set: { messageCount: autoReply ? 1 : 0, messageIds: autoReply ? [autoId] : [], lastMessageId: autoReply ? String(autoId) : null, preview: '' } }, { new: true })) ?? ticket;
    }
    await audited;
    // the first message is part of the creation: its observers hear of it as `created`
    ticket = await events.created(ticket, entry, message && String(message._id) === String(firstId) ? message : null, { customer });
    if (autoReply) ticket = await events.messageAdded(ticket, autoReply);
    return { ticket, message, created: true, customer, autoReply };
  }

  /**
   * A repeat of a creation whose first attempt stopped between the ticket and its first message
   * (a crash): the ticket names the message it was stored for; it is stored now, under that id.
   */
  private async repairFirst(existing: TicketDoc, input: CreateTicketInput): Promise<MessageDoc | null> {
    if (!input.message) return null;
    // the creation's journal entry names it until the observers ran; a ticket that holds only its first message names it last
    const named = (existing.effects ?? []).find((e) => e.event === 'created' && e.messageId)?.messageId ?? (existing.messageCount === 1 ? existing.lastMessageId : null);
    if (!named || !Types.ObjectId.isValid(String(named))) return null;
    const id = new Types.ObjectId(String(named));
    if (await this.d.Message.exists({ _id: id })) return null;
    return (await this.d.store.insertMessage(existing, { ...input.message, id }, input.message.author)).message;
  }
}
