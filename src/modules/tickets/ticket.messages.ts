import { Types } from 'mongoose';
import type { Actor, Channel } from '../../core/types';
import { SYSTEM } from '../../core/types';
import { ConflictError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { AuditLog } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { CustomerService } from '../customers/customer.service';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketDoc } from './ticket.model';
import type { TicketChanges, TicketEvents } from './ticket.observers';
import { assertTransition, statusFields } from './ticket.rules';
import type { TicketWriteGuard } from './ticket.guard';
import type { TicketService } from './ticket.service';
import type { AttachmentRef, MetaLists, NewMessageInput, TicketStore } from './ticket.store';
import type { Priority, TicketStatus, TicketType } from './ticket.types';
import type { TimelineEvent } from './timeline.events';

/** What a delivery adapter does with an agent's reply (the channels' DeliveryRouter). */
export type Deliver = (ticket: TicketDoc, message: MessageDoc) => Promise<void>;
/** Refuses (throws an AppError) a reply that `channel` cannot deliver now, before it is stored (WeChat's 48-hour window). */
export type ReplyGuard = (ticket: TicketDoc, channel: Channel) => Promise<void>;

/** Where a customer's message landed: `added` to the open ticket, `reopened` a solved one, `linked` a new ticket after a closed one. */
export type Landing = 'added' | 'reopened' | 'linked' | 'duplicate';

export interface Received {
  ticket: TicketDoc;
  message: MessageDoc;
  outcome: Landing;
}

export interface TicketMessagesDeps {
  Message: MessageModel;
  tickets: TicketService;
  customers: Pick<CustomerService, 'get'>;
  store: TicketStore;
  events: TicketEvents;
  audit: AuditLog;
  deliver: Deliver;
  /** a reply that solves the ticket needs its required custom fields */
  fieldsGuard: TicketWriteGuard;
  /** uploads a reply carries (the attachments service): checked before, marked sent after the message is stored */
  uploads?: Uploads;
  /** asked before a reply is stored whether its channel can deliver it now (the channels' DeliveryRouter) */
  guard?: ReplyGuard;
  clock: Clock;
  log: Logger;
}

/** What a reply needs of the uploads (src/modules/attachments). */
export interface Uploads {
  claim(ids: string[], owner: string, ticketNumber: number | null): Promise<AttachmentRef[]>;
  markSent(ids: string[], messageId: Types.ObjectId | string, ticketNumber: number): Promise<void>;
}

/** The key under which a closed ticket's follow-up ticket is opened for one message, so a retry opens it once. */
export const linkedKey = (messageKey: string) => `linked:${messageKey}`;

/** Messages on a ticket from every side: the customer's, agents' replies and notes, system lines and their delivery. */
export class TicketMessages {
  constructor(private readonly d: TicketMessagesDeps) {}

  /**
   * A message from the customer: on a solved ticket it reopens it, on a closed one it opens a new
   * ticket linked to the old. `meta` fields are kept on the ticket it lands on, and `metaAdd`'s
   * members added to its `meta` lists (with the same write).
   */
  async receiveFromCustomer(ticket: TicketDoc, input: NewMessageInput, author: Actor, opts: { meta?: Record<string, unknown>; metaAdd?: MetaLists; visitorId?: string | null; keyChecked?: boolean } = {}): Promise<Received> {
    const { store, events } = this.d;
    // (a caller that has just looked the key up says so; the unique index still catches a race)
    if (input.dedupeKey && !opts.keyChecked) {
      const dup = await store.messageByKey(input.dedupeKey);
      if (dup) return { ticket: (await this.d.tickets.byId(dup.ticketId as Types.ObjectId)) ?? ticket, message: dup, outcome: 'duplicate' };
    }
    if (ticket.status === 'closed') {
      const customer = await this.d.customers.get(String(ticket.customerId));
      const { ticket: fresh, message, created } = await this.d.tickets.create(
        {
          channel: input.channel,
          subject: ticket.subject,
          team: ticket.team,
          type: ticket.type as TicketType,
          priority: ticket.priority as Priority,
          customer: { name: customer.name, email: customer.emails[0], phone: customer.phones[0] },
          customerId: customer._id,
          linkedFrom: ticket.number,
          visitorId: opts.visitorId ?? null,
          product: ticket.product?.model ? { model: ticket.product.model, serial: ticket.product.serial ?? undefined } : undefined,
          unitId: (ticket.unitId as Types.ObjectId | null) ?? null,
          ...(input.dedupeKey ? { dedupeKey: linkedKey(input.dedupeKey) } : {}),
          ...(opts.meta || opts.metaAdd ? { meta: { ...opts.meta, ...opts.metaAdd } } : {}),
          message: { ...input, author },
        },
        author,
      );
      if (created && message) return { ticket: fresh, message, outcome: 'linked' };
      return this.receiveFromCustomer(fresh, input, author, { ...opts, keyChecked: false }); // a retry: the linked ticket exists
    }
    const { message, duplicate } = await store.insertMessage(ticket, input, author);
    if (duplicate) return { ticket: (await this.d.tickets.byId(message.ticketId as Types.ObjectId)) ?? ticket, message, outcome: 'duplicate' };
    const before = ticket.status as TicketStatus;
    const after: TicketStatus | undefined = before === 'solved' || before === 'pending' ? 'open' : undefined;
    const set: Record<string, unknown> = Object.fromEntries(Object.entries(opts.meta ?? {}).map(([k, v]) => [`meta.${k}`, v]));
    const inc: Record<string, number> = {};
    if (after) set.status = after;
    if (before === 'solved') {
      inc.reopenCount = 1;
      set.solvedAt = null;
    }
    const changes: TicketChanges = after ? { status: [before, after] } : {};
    const entry = after ? events.entry('changed', { changes, actor: author }) : null;
    let updated = (await store.touch(ticket, message, { set, inc, journal: entry ? [entry] : [], metaAdd: opts.metaAdd })) ?? ticket;
    updated = await events.messageAdded(updated, message);
    if (entry) {
      await this.d.audit.record(updated, author, before === 'solved' ? 'reopened' : 'status', changes);
      updated = await events.changed(updated, changes, author, entry);
    }
    return { ticket: updated, message, outcome: before === 'solved' ? 'reopened' : 'added' };
  }

  /**
   * An agent's reply or internal note. A reply written on a stale view (someone else wrote meanwhile)
   * is refused with 409. A reply goes out on the ticket's channel, or on `channel` when the agent
   * chose another (SMS or mail when WeChat's window is shut); one its channel cannot deliver now is
   * refused by the channel's guard before anything is stored.
   */
  async reply(
    number: number,
    principal: Principal,
    input: { body: string; internal?: boolean; status?: TicketStatus; expectedLastMessageId?: string | null; attachments?: string[]; channel?: Channel },
  ): Promise<{ ticket: TicketDoc; message: MessageDoc }> {
    const { store, events } = this.d;
    const ticket = await this.d.tickets.visible(number, principal);
    if (ticket.status === 'closed' && !input.internal) throw new ConflictError('This ticket is closed; the customer\'s next message opens a new one', 'ticket_closed');
    if (input.expectedLastMessageId !== undefined && input.expectedLastMessageId !== (ticket.lastMessageId ?? null)) {
      const newer = await this.d.tickets.messages(ticket, { includeInternal: true, after: input.expectedLastMessageId ?? undefined, limit: 20 });
      // what someone else wrote; the timeline's own lines (a claim, a status change) need no reading first
      const unseen = newer.filter((m) => m.kind !== 'event' && String(m.author.id) !== principal.id);
      if (unseen.length || !newer.length) {
        throw new ConflictError('Someone else wrote on this ticket since you opened it; read the new messages first', 'stale_view', {
          newMessages: unseen.map((m) => ({ id: String(m._id), author: m.author.name, body: m.body.slice(0, 200) })),
        });
      }
    }
    // a reply that solves needs the fields required on solve, checked before anything is stored
    if (!input.internal && input.status === 'solved' && ticket.status !== 'solved') {
      await this.d.fieldsGuard.solving({ type: ticket.type, team: ticket.team, fields: (ticket.fields ?? {}) as Record<string, unknown> });
    }
    const author: Actor = { type: 'agent', id: principal.id, name: principal.name };
    const internal = !!input.internal;
    const channel = input.channel ?? (ticket.channel as Channel);
    if (!internal) await this.d.guard?.(ticket, channel);
    const uploadIds = input.attachments ?? [];
    const attachments = uploadIds.length && this.d.uploads ? await this.d.uploads.claim(uploadIds, `agent:${principal.id}`, ticket.number) : [];
    const { message } = await store.insertMessage(ticket, { body: input.body, channel, internal, delivery: internal ? 'none' : 'queued', attachments }, author);
    if (attachments.length) await this.d.uploads!.markSent(uploadIds, message._id as Types.ObjectId, ticket.number);
    const now = this.d.clock.now();
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
        assertTransition(ticket.status as TicketStatus, next);
        Object.assign(set, statusFields(next, now, principal.id));
        changes.status = [ticket.status, next];
      }
    }
    // A public reply meets response targets: its observers are journaled like a change.
    const replied = internal ? null : events.entry('message', { messageId: message._id as Types.ObjectId, actor: author });
    const changed = Object.keys(changes).length ? events.entry('changed', { changes, actor: author }) : null;
    let updated = (await store.touch(ticket, message, { set, journal: [replied, changed].filter((e) => !!e) })) ?? ticket;
    updated = await events.messageAdded(updated, message, replied ?? undefined);
    if (changed) {
      await this.d.audit.record(updated, author, 'reply', changes);
      // the first reply of an unassigned ticket takes it: shown as a claim
      if (changes.assignee) await this.addEvent(updated, { type: 'assigned', data: { from: null, to: { id: principal.id, name: principal.name }, by: principal.name, claimed: true } }, `${principal.name} claimed the ticket`);
      updated = await events.changed(updated, changes, author, changed);
    }
    if (!internal) {
      try {
        await this.d.deliver(updated, message);
      } catch (err) {
        this.d.log.error({ ticket: number, err }, 'delivery could not be queued');
        await this.setDelivery(message, 'failed', (err as Error).message);
      }
    }
    return { ticket: updated, message };
  }

  /**
   * A system line on the timeline (a call, a bounce, a survey answer), stored with its type and
   * data so every reader sees it in their language; `body` is the English text for API clients and
   * old readers. With a `key` it is written once, however often the caller retries.
   */
  async addEvent(ticket: TicketDoc, event: TimelineEvent, body: string, opts: { internal?: boolean; key?: string } = {}): Promise<MessageDoc> {
    const input: NewMessageInput = { body, channel: ticket.channel as Channel, kind: 'event', event, internal: opts.internal ?? true, ...(opts.key ? { dedupeKey: `event:${opts.key}` } : {}) };
    const { message, duplicate } = await this.d.store.insertMessage(ticket, input, SYSTEM);
    if (duplicate) return message;
    const updated = await this.d.store.touch(ticket, message, { preview: false });
    if (updated) await this.d.events.messageAdded(updated, message);
    return message;
  }

  /**
   * A message the system sends the customer on its own (an acknowledgement): on the timeline and
   * delivered like a reply, but `automatic`, so it never counts as a response. Idempotent on dedupeKey.
   */
  async addAutomatic(ticket: TicketDoc, input: { body: string; dedupeKey: string }): Promise<{ message: MessageDoc; duplicate: boolean }> {
    const { message, duplicate } = await this.d.store.insertMessage(ticket, { body: input.body, channel: ticket.channel as Channel, automatic: true, delivery: 'queued', dedupeKey: input.dedupeKey }, SYSTEM);
    if (duplicate) return { message, duplicate };
    const updated = await this.d.store.touch(ticket, message, { preview: false });
    if (updated) await this.d.events.messageAdded(updated, message);
    return { message, duplicate: false };
  }

  /** `ticket`: the message's ticket as the caller read it (a delivery has), so it is not read again. */
  async setDelivery(message: MessageDoc, status: 'queued' | 'sent' | 'failed' | 'none', error?: string | null, ticket?: TicketDoc | null): Promise<void> {
    const fresh = await this.d.Message.findOneAndUpdate(
      { _id: message._id },
      { $set: { 'delivery.status': status, 'delivery.error': error ?? null, 'delivery.at': this.d.clock.now() }, ...(status === 'failed' || status === 'sent' ? { $inc: { 'delivery.attempts': 1 } } : {}) },
      { new: true },
    );
    const t = fresh && (ticket && String(ticket._id) === String(fresh.ticketId) ? ticket : await this.d.tickets.byId(message.ticketId as Types.ObjectId));
    if (t && fresh) await this.d.events.deliveryChanged(t, fresh);
  }

  /**
   * An attachment fetched after its message was stored (a WeChat image, voice or video): added once
   * however often the fetch is retried, and the agents' view told. False when it was there already.
   */
  async addAttachment(messageId: string | Types.ObjectId, attachment: AttachmentRef): Promise<boolean> {
    const fresh = await this.d.Message.findOneAndUpdate({ _id: messageId, 'attachments.id': { $ne: attachment.id } }, { $push: { attachments: attachment } }, { new: true });
    if (!fresh) return false;
    const ticket = await this.d.tickets.byId(fresh.ticketId as Types.ObjectId);
    if (ticket) await this.d.events.messageAdded(ticket, fresh);
    return true;
  }

  /**
   * The mail headers of an outgoing message, stored before its first send: a retry sends the same
   * Message-ID. Answers what is stored (an earlier attempt's, when there was one).
   */
  async assignMail<M extends NonNullable<MessageDoc['mail']>>(message: MessageDoc, mail: M): Promise<NonNullable<MessageDoc['mail']>> {
    const stored = await this.d.Message.updateOne({ _id: message._id, 'mail.messageId': null }, { $set: { mail } });
    if (stored.modifiedCount === 1) return mail;
    return (await this.d.Message.findById(message._id))?.mail ?? mail;
  }
}
