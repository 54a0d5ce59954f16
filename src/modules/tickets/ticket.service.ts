import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { CustomerInput, CustomerService } from '../customers/customer.service';
import type { CounterModel } from '../counters/counter.model';
import { nextSequence } from '../counters/counter.model';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { TicketChanges, TicketObserver } from './ticket.observer';
import type { Actor, Channel, Priority, TicketStatus, TicketType } from './ticket.types';
import type { AuditLog } from '../audit/audit.service';

export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  hash: string;
  inline?: boolean;
  cid?: string;
}

export interface NewMessageInput {
  body: string;
  fullBody?: string | null;
  html?: string | null;
  internal?: boolean;
  automatic?: boolean;
  channel: Channel;
  kind?: 'message' | 'event';
  event?: { type: string; data?: unknown };
  attachments?: AttachmentRef[];
  mail?: { messageId?: string | null; inReplyTo?: string | null; references?: string[]; from?: string | null; to?: string[] };
  clientId?: string | null;
  dedupeKey?: string;
  delivery?: 'none' | 'received' | 'queued';
}

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
  linkedFrom?: number | null;
  visitorId?: string | null;
  /** makes creation idempotent: a second create with the same key returns the first ticket */
  dedupeKey?: string;
  assigneeId?: string | null;
  meta?: Record<string, unknown>;
  /** the first message; absent for a ticket opened without words (a missed call is an event) */
  message?: NewMessageInput & { author: Actor };
}

export interface TicketPatch {
  status?: TicketStatus;
  priority?: Priority;
  type?: TicketType;
  team?: string;
  assignee?: string | null;
  subject?: string;
  tags?: string[];
}

/** What a delivery adapter is asked to do with an agent's reply; set by the composition root. */
export type Deliver = (ticket: TicketDoc, message: MessageDoc) => Promise<void>;
/** Refuses (throws an AppError) a reply the channel cannot deliver now, before it is stored (WeChat's 48-hour window). */
export type ReplyGuard = (ticket: TicketDoc, channel: Channel) => Promise<void>;

const PREVIEW_CHARS = 160;

export function previewOf(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

/** The ticket lifecycle: registration, messages from every side, status rules, assignment. */
export class TicketService {
  private deliver: Deliver = async () => undefined;
  private replyGuard: ReplyGuard = async () => undefined;
  private readonly observers: TicketObserver[] = [];
  private readonly duplicates = new WeakSet<MessageDoc>();

  constructor(
    private readonly Ticket: TicketModel,
    private readonly Message: MessageModel,
    private readonly Counter: CounterModel,
    private readonly Agent: AgentModel,
    private readonly customers: CustomerService,
    private readonly audit: AuditLog,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  observe(observer: TicketObserver): void {
    this.observers.push(observer);
  }

  useDelivery(deliver: Deliver, guard?: ReplyGuard): void {
    this.deliver = deliver;
    if (guard) this.replyGuard = guard;
  }

  // ---- reading -------------------------------------------------------------------------------

  async byNumber(number: number): Promise<TicketDoc> {
    const t = await this.Ticket.findOne({ number });
    if (!t) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  async byId(id: string | Types.ObjectId): Promise<TicketDoc | null> {
    return this.Ticket.findById(id);
  }

  /**
   * The ticket if the principal may see it; 404 both when it does not exist and when it is another
   * team's, so that numbers do not tell which tickets exist (every route addressing a ticket by number).
   */
  async visible(number: number, principal: Principal): Promise<TicketDoc> {
    const t = await this.Ticket.findOne({ number });
    if (!t || !principal.canSeeTeam(t.team)) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  async messages(ticket: TicketDoc, opts: { includeInternal: boolean; after?: string; limit?: number }): Promise<MessageDoc[]> {
    const filter: Record<string, unknown> = { ticketId: ticket._id };
    if (!opts.includeInternal) filter.internal = false;
    if (opts.after && Types.ObjectId.isValid(opts.after)) filter._id = { $gt: new Types.ObjectId(opts.after) };
    return this.Message.find(filter).sort({ _id: 1 }).limit(opts.limit ?? 1000);
  }

  async message(id: Types.ObjectId | string): Promise<MessageDoc | null> {
    return this.Message.findById(id);
  }

  /** The customer's open (not solved or closed) ticket on a channel, newest first. */
  async openTicketOf(customerId: Types.ObjectId | string, channels?: Channel[]): Promise<TicketDoc | null> {
    const filter: Record<string, unknown> = { customerId, status: { $in: ['new', 'open', 'pending', 'on_hold'] } };
    if (channels) filter.channel = { $in: channels };
    return this.Ticket.findOne(filter).sort({ _id: -1 });
  }

  // ---- registration --------------------------------------------------------------------------

  async create(input: CreateTicketInput, actor: Actor): Promise<{ ticket: TicketDoc; message: MessageDoc | null; created: boolean }> {
    if (input.dedupeKey) {
      const existing = await this.Ticket.findOne({ dedupeKey: input.dedupeKey });
      if (existing) return { ticket: existing, message: null, created: false };
    }
    if (!(await this.teams.exists(input.team))) throw new ValidationError(`Unknown team ${input.team}`);
    const customerId = input.customerId ?? (await this.customers.findOrCreate(input.customer))._id;
    const number = await nextSequence(this.Counter, 'ticket');
    let ticket: TicketDoc;
    try {
      ticket = await this.Ticket.create({
        number,
        subject: input.subject.trim().slice(0, 500) || '(no subject)',
        channel: input.channel,
        priority: input.priority ?? 'normal',
        type: input.type ?? 'inquiry',
        team: input.team,
        customerId,
        tags: input.tags ?? [],
        product: input.product ?? {},
        linkedFrom: input.linkedFrom ?? null,
        visitorId: input.visitorId ?? null,
        assigneeId: input.assigneeId ?? null,
        meta: input.meta ?? {},
        ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const existing = await this.Ticket.findOne({ dedupeKey: input.dedupeKey });
        if (existing) return { ticket: existing, message: null, created: false };
      }
      throw err;
    }
    await this.audit.record(ticket, actor, 'created', { channel: input.channel, team: input.team });
    let message: MessageDoc | null = null;
    if (input.message) {
      message = await this.storeMessage(ticket, input.message, input.message.author);
      ticket = (await this.touch(ticket, message)) ?? ticket;
    }
    await this.notify('created', (o) => o.created?.(ticket, message));
    return { ticket, message, created: true };
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * A message from the customer: on a solved ticket it reopens it, on a closed one it opens a new
   * ticket linked to the old. Returns the ticket the message landed on.
   */
  async receiveFromCustomer(ticket: TicketDoc, input: NewMessageInput, author: Actor): Promise<{ ticket: TicketDoc; message: MessageDoc; duplicate: boolean }> {
    if (input.dedupeKey) {
      const dup = await this.Message.findOne({ dedupeKey: input.dedupeKey });
      if (dup) return { ticket: (await this.byId(dup.ticketId as Types.ObjectId)) ?? ticket, message: dup, duplicate: true };
    }
    if (ticket.status === 'closed') {
      const customer = await this.customers.get(String(ticket.customerId));
      const { ticket: fresh, message } = await this.create(
        {
          channel: input.channel,
          subject: ticket.subject,
          team: ticket.team,
          type: ticket.type as TicketType,
          priority: ticket.priority as Priority,
          customer: { name: customer.name, email: customer.emails[0], phone: customer.phones[0] },
          linkedFrom: ticket.number,
          product: ticket.product?.model ? { model: ticket.product.model, serial: ticket.product.serial ?? undefined } : undefined,
          message: { ...input, author },
        },
        author,
      );
      return { ticket: fresh, message: message!, duplicate: false };
    }
    const message = await this.storeMessage(ticket, input, author);
    if (this.duplicates.has(message)) {
      this.duplicates.delete(message);
      return { ticket: (await this.byId(message.ticketId as Types.ObjectId)) ?? ticket, message, duplicate: true };
    }
    const before = ticket.status as TicketStatus;
    const statusAfter: TicketStatus | undefined = before === 'solved' || before === 'pending' ? 'open' : undefined;
    const set: Record<string, unknown> = {};
    const inc: Record<string, number> = {};
    if (statusAfter) set.status = statusAfter;
    if (before === 'solved') {
      inc.reopenCount = 1;
      set.solvedAt = null;
    }
    const updated = (await this.touch(ticket, message, set, inc)) ?? ticket;
    if (statusAfter) {
      await this.audit.record(updated, author, before === 'solved' ? 'reopened' : 'status', { status: [before, statusAfter] });
      await this.notify('changed', (o) => o.changed?.(updated, { status: [before, statusAfter] }, author));
    }
    return { ticket: updated, message, duplicate: false };
  }

  /** An agent's reply or internal note. A reply written on a stale view (someone else wrote meanwhile) is refused with 409. */
  async reply(
    number: number,
    principal: Principal,
    input: { body: string; internal?: boolean; status?: TicketStatus; expectedLastMessageId?: string | null; channel?: Channel },
  ): Promise<{ ticket: TicketDoc; message: MessageDoc }> {
    const ticket = await this.visible(number, principal);
    if (ticket.status === 'closed' && !input.internal) throw new ConflictError('This ticket is closed; the customer\'s next message opens a new one', 'ticket_closed');
    if (input.expectedLastMessageId !== undefined && input.expectedLastMessageId !== (ticket.lastMessageId ?? null)) {
      const newer = await this.messages(ticket, { includeInternal: true, after: input.expectedLastMessageId ?? undefined, limit: 20 });
      throw new ConflictError('Someone else wrote on this ticket since you opened it; read the new messages first', 'stale_view', {
        newMessages: newer.filter((m) => String(m.author.id) !== principal.id).map((m) => ({ id: String(m._id), author: m.author.name, body: m.body.slice(0, 200) })),
      });
    }
    const author: Actor = { type: 'agent', id: principal.id, name: principal.name };
    const internal = !!input.internal;
    // a reply may go out on another channel than the ticket's (SMS or mail when WeChat's window is shut)
    const channel = input.channel ?? (ticket.channel as Channel);
    if (!internal) await this.replyGuard(ticket, channel);
    const message = await this.storeMessage(ticket, { body: input.body, channel, internal, delivery: internal ? 'none' : 'queued' }, author);
    const now = this.clock.now();
    const set: Record<string, unknown> = {};
    const changes: TicketChanges = {};
    if (!internal) {
      set.lastAgentReplyAt = now;
      if (!ticket.firstResponseAt) set.firstResponseAt = now;
      if (!ticket.assigneeId) {
        set.assigneeId = new Types.ObjectId(principal.id);
        changes.assignee = [null, principal.id];
      }
      const next = input.status ?? (ticket.status === 'new' ? 'open' : undefined);
      if (next && next !== ticket.status) {
        this.assertTransition(ticket.status as TicketStatus, next);
        Object.assign(set, this.statusFields(next, principal.id));
        changes.status = [ticket.status, next];
      }
    }
    const updated = (await this.touch(ticket, message, set)) ?? ticket;
    if (Object.keys(changes).length) {
      await this.audit.record(updated, author, 'reply', changes);
      await this.notify('changed', (o) => o.changed?.(updated, changes, author));
    }
    if (!internal) {
      try {
        await this.deliver(updated, message);
      } catch (err) {
        this.log.error({ ticket: number, err }, 'delivery could not be queued');
        await this.setDelivery(message, 'failed', (err as Error).message);
      }
    }
    return { ticket: updated, message };
  }

  /** A system line on the timeline (call logged, bounce, survey answered). */
  async addEvent(ticket: TicketDoc, type: string, body: string, data?: unknown, opts: { internal?: boolean } = {}): Promise<MessageDoc> {
    const message = await this.storeMessage(ticket, { body, channel: ticket.channel as Channel, kind: 'event', event: { type, data }, internal: opts.internal ?? true }, { type: 'system', name: 'Aftercare' });
    await this.touch(ticket, message, {}, {}, { preview: false });
    return message;
  }

  /**
   * A message the system sends the customer on its own (an acknowledgement): on the timeline and
   * delivered like a reply, but `automatic`, so it never counts as a response. Idempotent on dedupeKey.
   */
  async addAutomatic(ticket: TicketDoc, input: { body: string; dedupeKey: string }): Promise<{ message: MessageDoc; duplicate: boolean }> {
    const dup = await this.Message.findOne({ dedupeKey: input.dedupeKey });
    if (dup) return { message: dup, duplicate: true };
    const message = await this.storeMessage(ticket, { body: input.body, channel: ticket.channel as Channel, automatic: true, delivery: 'queued', dedupeKey: input.dedupeKey }, { type: 'system', name: 'Aftercare' });
    if (this.duplicates.delete(message)) return { message, duplicate: true };
    await this.touch(ticket, message, {}, {}, { preview: false });
    return { message, duplicate: false };
  }

  async setDelivery(message: MessageDoc, status: 'queued' | 'sent' | 'failed' | 'none', error?: string | null): Promise<void> {
    await this.Message.updateOne(
      { _id: message._id },
      { $set: { 'delivery.status': status, 'delivery.error': error ?? null, 'delivery.at': this.clock.now() }, ...(status === 'failed' || status === 'sent' ? { $inc: { 'delivery.attempts': 1 } } : {}) },
    );
    const ticket = await this.byId(message.ticketId as Types.ObjectId);
    if (ticket) {
      const fresh = await this.Message.findById(message._id);
      if (fresh) await this.notify('messageAdded', (o) => o.messageAdded?.(ticket, fresh));
    }
  }

  /** Channel state on the ticket (`meta.<key>`: the WeChat openid a reply goes to). */
  async setMeta(ticket: TicketDoc, key: string, value: unknown): Promise<void> {
    await this.Ticket.updateOne({ _id: ticket._id }, { $set: { [`meta.${key}`]: value } });
  }

  /** Tells the observers (live view) that a stored message changed, e.g. an attachment fetched later. */
  async messageChanged(messageId: Types.ObjectId | string): Promise<void> {
    const fresh = await this.Message.findById(messageId);
    const ticket = fresh ? await this.byId(fresh.ticketId as Types.ObjectId) : null;
    if (fresh && ticket) await this.notify('messageAdded', (o) => o.messageAdded?.(ticket, fresh));
  }

  // ---- changes -------------------------------------------------------------------------------

  async update(number: number, patch: TicketPatch, principal: Principal | null, actor?: Actor): Promise<TicketDoc> {
    const ticket = principal ? await this.visible(number, principal) : await this.byNumber(number);
    const who: Actor = actor ?? (principal ? { type: 'agent', id: principal.id, name: principal.name } : { type: 'system', name: 'Aftercare' });
    const set: Record<string, unknown> = {};
    const changes: TicketChanges = {};
    if (patch.status && patch.status !== ticket.status) {
      this.assertTransition(ticket.status as TicketStatus, patch.status);
      Object.assign(set, this.statusFields(patch.status, principal?.id));
      if (ticket.status === 'solved' && patch.status !== 'closed') set.reopenCount = ticket.reopenCount + 1;
      changes.status = [ticket.status, patch.status];
    }
    for (const f of ['priority', 'type', 'subject'] as const) {
      if (patch[f] !== undefined && patch[f] !== ticket[f]) {
        set[f] = patch[f];
        changes[f] = [ticket[f], patch[f]];
      }
    }
    if (patch.tags) set.tags = [...new Set(patch.tags)];
    if (patch.team !== undefined && patch.team !== ticket.team) {
      if (principal && !principal.canReassign(ticket.team) && !principal.canSeeTeam(patch.team)) throw new ForbiddenError('You cannot move tickets to that team');
      if (!(await this.teams.exists(patch.team))) throw new ValidationError(`Unknown team ${patch.team}`);
      set.team = patch.team;
      changes.team = [ticket.team, patch.team];
      if (patch.assignee === undefined && ticket.assigneeId) {
        const a = await this.Agent.findById(ticket.assigneeId);
        if (a && !a.teams.includes(patch.team)) (set.assigneeId = null), (changes.assignee = [String(ticket.assigneeId), null]);
      }
    }
    if (patch.assignee !== undefined && String(patch.assignee) !== String(ticket.assigneeId ?? null)) {
      const team = (set.team as string) ?? ticket.team;
      if (patch.assignee !== null) {
        if (!Types.ObjectId.isValid(patch.assignee)) throw new ValidationError('assignee is not an agent id');
        const a = await this.Agent.findById(patch.assignee);
        if (!a || !a.active) throw new ValidationError('No such active agent');
        if (!a.teams.includes(team) && !['manager', 'director', 'admin'].includes(a.role)) throw new ValidationError(`${a.name} does not work in team ${team}`);
      }
      const claimingSelf = principal && patch.assignee === principal.id && !ticket.assigneeId;
      if (principal && !claimingSelf && !principal.canReassign(ticket.team)) throw new ForbiddenError('Only a supervisor or manager can reassign tickets');
      set.assigneeId = patch.assignee ? new Types.ObjectId(patch.assignee) : null;
      changes.assignee = [ticket.assigneeId ? String(ticket.assigneeId) : null, patch.assignee];
    }
    if (!Object.keys(set).length) return ticket;
    const updated = await this.Ticket.findOneAndUpdate({ _id: ticket._id }, { $set: set }, { new: true });
    if (!updated) throw new NotFoundError(`Ticket #${number}`);
    if (Object.keys(changes).length) {
      await this.audit.record(updated, who, 'updated', changes);
      if (changes.status) {
        await this.addEvent(updated, 'status_changed', `${who.name}: ${changes.status[0]} → ${changes.status[1]}`, { from: changes.status[0], to: changes.status[1] });
      }
      await this.notify('changed', (o) => o.changed?.(updated, changes, who));
    }
    return (await this.byId(updated._id)) ?? updated;
  }

  /**
   * Routing: gives the first ticket matching `filter` (in `sort` order) that has no assignee to the
   * agent, in one conditional update, so two processes never assign one ticket twice. Null when none.
   */
  async assignIfUnassigned(filter: Record<string, unknown>, agentId: string, actor: Actor, sort: Record<string, 1 | -1> = { createdAt: 1 }): Promise<TicketDoc | null> {
    const updated = await this.Ticket.findOneAndUpdate({ ...filter, assigneeId: null }, { $set: { assigneeId: new Types.ObjectId(agentId) } }, { sort, new: true });
    if (!updated) return null;
    const changes: TicketChanges = { assignee: [null, agentId] };
    await this.audit.record(updated, actor, 'updated', changes);
    await this.notify('changed', (o) => o.changed?.(updated, changes, actor));
    return updated;
  }

  /** Moves every ticket of customer `from` to `into` (a merge); answers the tickets moved, as they were. */
  async moveCustomer(from: Types.ObjectId, into: Types.ObjectId): Promise<TicketDoc[]> {
    const moved = await this.Ticket.find({ customerId: from });
    await this.Ticket.updateMany({ customerId: from }, { $set: { customerId: into } });
    return moved;
  }

  // ---- internals -----------------------------------------------------------------------------

  private assertTransition(from: TicketStatus, to: TicketStatus): void {
    if (from === 'closed') throw new ConflictError('A closed ticket cannot change; the customer\'s next message opens a new one', 'ticket_closed');
    if (to === 'new') throw new ValidationError('A ticket cannot go back to new');
    if (to === 'closed' && from !== 'solved') throw new ConflictError('Only a solved ticket can be closed', 'invalid_transition');
  }

  private statusFields(to: TicketStatus, agentId?: string): Record<string, unknown> {
    const now = this.clock.now();
    if (to === 'solved') return { status: to, solvedAt: now, solvedBy: agentId ? new Types.ObjectId(agentId) : null };
    if (to === 'closed') return { status: to, closedAt: now };
    return { status: to, solvedAt: null };
  }

  /** The stored shape of a message (the batcher inserts many of these at once). */
  messageFields(ticket: Pick<TicketDoc, '_id' | 'number'>, input: NewMessageInput, author: Actor) {
    return {
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      kind: input.kind ?? 'message',
      author: { type: author.type, id: author.id ?? null, name: author.name },
      body: input.body,
      fullBody: input.fullBody ?? null,
      html: input.html ?? null,
      internal: !!input.internal,
      automatic: !!input.automatic,
      channel: input.channel,
      delivery: { status: input.delivery ?? (author.type === 'customer' ? 'received' : 'none') },
      mail: { messageId: input.mail?.messageId ?? null, inReplyTo: input.mail?.inReplyTo ?? null, references: input.mail?.references ?? [], from: input.mail?.from ?? null, to: input.mail?.to ?? [] },
      attachments: input.attachments ?? [],
      event: input.event ?? undefined,
      clientId: input.clientId ?? null,
      ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
    };
  }

  private async storeMessage(ticket: TicketDoc, input: NewMessageInput, author: Actor): Promise<MessageDoc> {
    const doc = this.messageFields(ticket, input, author);
    try {
      return await this.Message.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const dup = await this.Message.findOne({ dedupeKey: input.dedupeKey });
        if (dup) {
          this.duplicates.add(dup); // lost a race with the same message: the caller must not count it twice
          return dup;
        }
      }
      throw err;
    }
  }

  /** Records a new message on the ticket: counters, preview, last-activity times; one atomic update. */
  private async touch(ticket: TicketDoc, message: MessageDoc, set: Record<string, unknown> = {}, inc: Record<string, number> = {}, opts = { preview: true }): Promise<TicketDoc | null> {
    const now = this.clock.now();
    const fields: Record<string, unknown> = { ...set, lastMessageAt: now, lastMessageId: String(message._id) };
    if (opts.preview && !message.internal) fields.preview = previewOf(message.body);
    if (message.author.type === 'customer') fields.lastCustomerMessageAt = now;
    const updated = await this.Ticket.findOneAndUpdate({ _id: ticket._id }, { $set: fields, $inc: { messageCount: 1, ...inc } }, { new: true });
    if (updated) await this.notify('messageAdded', (o) => o.messageAdded?.(updated, message));
    return updated;
  }

  /** Runs the observers for a message stored outside this class (the batcher). */
  async notifyMessageAdded(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    await this.notify('messageAdded', (o) => o.messageAdded?.(ticket, message));
  }

  private async notify(what: string, call: (o: TicketObserver) => Promise<void> | undefined): Promise<void> {
    for (const o of this.observers) {
      try {
        await call(o);
      } catch (err) {
        this.log.error({ observer: o.name, what, err }, 'ticket observer failed');
      }
    }
  }
}
