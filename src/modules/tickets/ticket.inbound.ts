import type { Types } from 'mongoose';
import type { Actor, Channel } from '../../core/types';
import { NotFoundError } from '../../errors';
import type { CustomerDoc } from '../customers/customer.model';
import type { CustomerInput, CustomerService } from '../customers/customer.service';
import type { MessageDoc } from './message.model';
import type { CustomerMessageBatcher } from './message-batcher';
import { linkedKey, type Received, type TicketMessages } from './ticket.messages';
import type { TicketDoc } from './ticket.model';
import type { CreateTicketInput, TicketService } from './ticket.service';
import type { MetaLists, NewMessageInput } from './ticket.store';
import type { Priority, TicketType } from './ticket.types';

/**
 * THE INBOUND CONTRACT: how a customer's contact reaches a ticket, whatever the channel.
 *
 * A channel (email, chat, voice; WeChat, IMAP, SMS next) parses what arrived into an
 * `InboundMessage` and calls `TicketInbound.receive` once. The channel gives:
 * - `customer`: who it is, as the channel knows them (an address, a phone number, a name), or the
 *   `customerId` it already found;
 * - `thread`: the ticket this continues, when the channel can tell (mail references or the `[#n]`
 *   token, the chat's current ticket number, the call's ticket), or `continueOpenOn`: continue the
 *   customer's open ticket on these channels (a caller's open voice case);
 * - `open`: how to open a ticket when nothing threads (subject, team, type...), with `key`: two
 *   deliveries of one contact open one ticket;
 * - `message`: the words, with `dedupeKey`: a repeat is stored once (absent for a contact without
 *   words, such as a missed call, which the channel notes as a timeline event);
 * - `meta`: channel state the ticket keeps from this contact (the mail a reply must thread to).
 *
 * `receive` threads or creates: it adds the message to the open ticket, reopens a solved one, or
 * opens a new ticket linked to a closed one; it finds or creates the customer, writes the audit,
 * and runs the observers (SLA, routing, live queue, ...) in their order. It answers an
 * `InboundResult`: where the contact landed (`outcome`) and whether this contact opened that
 * ticket (`opened`, true on a retry of the same contact too), so the channel can acknowledge,
 * echo or join rooms exactly once. A channel never writes tickets or messages itself; its own
 * state lives in its own collections (calls, mail references) or in `meta`.
 */
export interface InboundMessage {
  channel: Channel;
  customer: CustomerInput;
  customerId?: Types.ObjectId;
  /** the name on the message; the customer's name when absent */
  author?: Actor;
  thread?: TicketDoc | { number: number } | null;
  continueOpenOn?: Channel[];
  open: InboundOpening;
  message?: Omit<NewMessageInput, 'channel' | 'kind' | 'event'>;
  meta?: Record<string, unknown>;
  /**
   * Members of lists the ticket keeps for the channel (`meta.<name>`: who wrote on it by mail),
   * added with the write that stores the message (`$addToSet`, so concurrent contacts never undo
   * each other's); a new ticket is stored with them, and a repeat of a stored contact adds what
   * its first attempt left out.
   */
  metaAdd?: MetaLists;
  /**
   * The channel's first attempt at this contact (not a job's retry, not a sweeper's re-run): no
   * attempt can have stored it before, so the look-up of its key is left out; another delivery
   * of the same contact is still stored once, by the unique keys of the ticket and the message.
   */
  firstAttempt?: boolean;
  /** what the system answers a contact that opens a ticket, stored with it (see CreateTicketInput.autoReply) */
  autoReply?: CreateTicketInput['autoReply'];
}

export interface InboundOpening {
  /** idempotency of the opening: one ticket per key; absent when nothing identifies the contact (each delivery opens one) */
  key?: string;
  subject: string;
  team: string;
  type?: TicketType;
  priority?: Priority;
  product?: { model?: string; serial?: string };
  /** chat: the visitor whose conversation this is (kept on a linked ticket too) */
  visitorId?: string | null;
  /** the ticket this contact refers to without being let into it (a stranger quoting one of its mails): the new ticket is linked to it */
  linkedFrom?: number | null;
  meta?: Record<string, unknown>;
}

export interface InboundResult {
  ticket: TicketDoc;
  /** the stored message (the first copy for a duplicate); null for a contact without words */
  message: MessageDoc | null;
  /** opened a new ticket; added to an open one; reopened a solved one; linked: opened one after a closed one; duplicate: stored before */
  outcome: 'opened' | 'added' | 'reopened' | 'linked' | 'duplicate';
  /** this contact's key opened the ticket it is on: now, on an earlier attempt, or by a racing copy (then `outcome` is added or duplicate) */
  opened: boolean;
  /** the ticket's customer, when the contract read or made it on the way (a new ticket) */
  customer?: CustomerDoc | null;
  /** the automatic answer stored with the ticket this contact opened (`autoReply`), if one was */
  autoReply?: MessageDoc | null;
}

export interface TicketInboundDeps {
  tickets: TicketService;
  timeline: Pick<TicketMessages, 'receiveFromCustomer'>;
  batcher: Pick<CustomerMessageBatcher, 'receive'>;
  customers: Pick<CustomerService, 'findOrCreate'>;
}

/** Thread-or-create for every channel (see the contract above). */
export class TicketInbound {
  constructor(private readonly d: TicketInboundDeps) {}

  async receive(m: InboundMessage): Promise<InboundResult> {
    const author: Actor = m.author ?? { type: 'customer', name: m.customer.name?.trim() || 'Customer' };
    const input: NewMessageInput | null = m.message ? { ...m.message, channel: m.channel } : null;
    const key = input?.dedupeKey;
    const openedBy = (t: TicketDoc) => (!!m.open.key && t.dedupeKey === m.open.key) || (!!key && t.dedupeKey === linkedKey(key));
    const result = (r: Received): InboundResult => ({ ticket: r.ticket, message: r.message, outcome: r.outcome, opened: openedBy(r.ticket) });

    // The hot path: a message on a chat's open ticket joins the group commit (the unique key drops a repeat).
    if (m.thread && !('_id' in m.thread) && input) {
      const r = await this.d.batcher.receive(m.thread.number, input, author, { visitorId: m.open.visitorId }).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err)));
      if (r) return result(r);
    }
    if (key && !m.firstAttempt) {
      const dup = await this.d.tickets.messageByKey(key);
      if (dup) {
        const ticket = await this.d.tickets.byId(dup.ticketId as Types.ObjectId);
        if (ticket) return { ticket: await this.d.tickets.addToMeta(ticket, m.metaAdd), message: dup, outcome: 'duplicate', opened: openedBy(ticket) };
      }
    }
    let ticket: TicketDoc | null = null;
    if (m.thread) ticket = '_id' in m.thread ? m.thread : await this.d.tickets.byNumber(m.thread.number).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err)));
    let customerId = m.customerId;
    if (!ticket && m.continueOpenOn) {
      customerId ??= (await this.d.customers.findOrCreate(m.customer))._id;
      ticket = await this.d.tickets.openTicketOf(customerId, m.continueOpenOn);
    }
    if (ticket) {
      if (!input) return { ticket, message: null, outcome: 'added', opened: openedBy(ticket) };
      return this.landed(await this.d.timeline.receiveFromCustomer(ticket, input, author, { meta: m.meta, metaAdd: m.metaAdd, visitorId: m.open.visitorId, keyChecked: true }), m, openedBy);
    }
    const o = m.open;
    const c = await this.d.tickets.create(
      {
        channel: m.channel,
        subject: o.subject,
        customer: m.customer,
        customerId,
        team: o.team,
        type: o.type,
        priority: o.priority,
        product: o.product,
        visitorId: o.visitorId ?? null,
        linkedFrom: o.linkedFrom ?? null,
        ...(o.key ? { dedupeKey: o.key } : {}),
        meta: { ...o.meta, ...m.meta, ...m.metaAdd },
        ...(input ? { message: { ...input, author } } : {}),
        ...(m.autoReply ? { autoReply: m.autoReply } : {}),
      },
      author,
    );
    if (c.created) return { ticket: c.ticket, message: c.message, outcome: 'opened', opened: true, customer: c.customer, autoReply: c.autoReply };
    // The ticket of this key exists: a retry after it was made, or racing first messages of one chat.
    if (!input) return { ticket: c.ticket, message: null, outcome: 'opened', opened: true };
    return this.landed(await this.d.timeline.receiveFromCustomer(c.ticket, input, author, { meta: m.meta, metaAdd: m.metaAdd, visitorId: o.visitorId }), m, openedBy);
  }

  /** Where a contact landed; a duplicate (a racing copy stored it first) still gets its `metaAdd`. */
  private async landed(r: Received, m: InboundMessage, openedBy: (t: TicketDoc) => boolean): Promise<InboundResult> {
    const ticket = r.outcome === 'duplicate' ? await this.d.tickets.addToMeta(r.ticket, m.metaAdd) : r.ticket;
    return { ticket, message: r.message, outcome: r.outcome, opened: openedBy(ticket) };
  }
}
