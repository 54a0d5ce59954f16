import { Types } from 'mongoose';
import type { Actor, Channel } from '../../core/types';
import { NotFoundError, ValidationError } from '../../errors';
import type { AuditLog } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { nextSequence, type CounterModel } from '../counters/counter.model';
import type { CustomerInput, CustomerService } from '../customers/customer.service';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { TicketEvents } from './ticket.observers';
import type { NewMessageInput, TicketStore } from './ticket.store';
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
  /** the first message; absent for a ticket opened without words (a missed call is an event) */
  message?: NewMessageInput & { author: Actor };
}

export interface TicketServiceDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  Counter: CounterModel;
  customers: Pick<CustomerService, 'findOrCreate'>;
  teams: { exists(key: string): Promise<boolean> };
  audit: AuditLog;
  store: TicketStore;
  events: TicketEvents;
}

/** Tickets: finding them, and registering a new one (number, customer, first message, audit, observers). */
export class TicketService {
  constructor(private readonly d: TicketServiceDeps) {}

  async byNumber(number: number): Promise<TicketDoc> {
    const t = await this.d.Ticket.findOne({ number });
    if (!t) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  async byId(id: string | Types.ObjectId): Promise<TicketDoc | null> {
    return this.d.Ticket.findById(id);
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

  async messages(ticket: Pick<TicketDoc, '_id'>, opts: { includeInternal: boolean; after?: string; limit?: number }): Promise<MessageDoc[]> {
    const filter: Record<string, unknown> = { ticketId: ticket._id };
    if (!opts.includeInternal) filter.internal = false;
    if (opts.after && Types.ObjectId.isValid(opts.after)) filter._id = { $gt: new Types.ObjectId(opts.after) };
    return this.d.Message.find(filter).sort({ _id: 1 }).limit(opts.limit ?? 1000);
  }

  message(id: string | Types.ObjectId): Promise<MessageDoc | null> {
    return this.d.Message.findById(id);
  }

  /** The message stored under a dedupe key (a mail's, a chat client's, an event's), if any. */
  messageByKey(dedupeKey: string): Promise<MessageDoc | null> {
    return this.d.store.messageByKey(dedupeKey);
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
   */
  async create(input: CreateTicketInput, actor: Actor): Promise<{ ticket: TicketDoc; message: MessageDoc | null; created: boolean }> {
    const { Ticket, store, events } = this.d;
    if (input.dedupeKey) {
      const existing = await Ticket.findOne({ dedupeKey: input.dedupeKey });
      if (existing) return { ticket: existing, message: null, created: false };
    }
    if (!(await this.d.teams.exists(input.team))) throw new ValidationError(`Unknown team ${input.team}`);
    const customerId = input.customerId ?? (await this.d.customers.findOrCreate(input.customer))._id;
    const number = await nextSequence(this.d.Counter, 'ticket');
    // the first message's id is known before it is stored, so the journal entry names it for a re-drive
    const firstId = input.message ? new Types.ObjectId() : undefined;
    const entry = events.entry('created', { actor, messageId: firstId });
    let ticket: TicketDoc;
    try {
      ticket = await Ticket.create({
        number,
        subject: input.subject.trim().slice(0, 500) || '(no subject)',
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
        effects: [entry],
        ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const existing = await Ticket.findOne({ dedupeKey: input.dedupeKey });
        if (existing) return { ticket: existing, message: null, created: false };
      }
      throw err;
    }
    await this.d.audit.record(ticket, actor, 'created', { channel: input.channel, team: input.team });
    let message: MessageDoc | null = null;
    let first: MessageDoc | null = null;
    if (input.message) {
      const stored = await store.insertMessage(ticket, { ...input.message, id: firstId }, input.message.author);
      message = stored.message;
      // the first message is part of the creation: its observers hear of it as `created`
      if (!stored.duplicate) {
        first = message;
        ticket = (await store.touch(ticket, message)) ?? ticket;
      }
    }
    ticket = await events.created(ticket, entry, first);
    return { ticket, message, created: true };
  }
}
