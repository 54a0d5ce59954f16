import type { Types } from 'mongoose';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../errors';
import type { Core } from '../../container';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { NewMessageInput } from '../../modules/tickets/ticket.service';
import type { Actor, Locale } from '../../modules/tickets/ticket.types';
import type { AgentAvailability } from './chat.availability';
import type { SessionPayload, VisitorMessage } from './chat.events';
import type { ChatQueue } from './chat.queue';
import { MAX_MESSAGE_CHARS } from './chat.schemas';
import type { ChatState } from './chat.state';
import { subjectOf, visibleToVisitor, visitorMessage } from './chat.view';

/** The visitor behind a /chat socket: identity from the signed token, profile from the pre-chat form. */
export interface Visitor {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  locale: Locale;
  team: string;
}

/** Whether the person chatting is who they typed they are (shown to agents on the ticket). */
export interface ChatIdentity {
  verified: boolean;
  /** the typed email or phone matched a customer on file */
  matched: boolean;
  claimed: { email: string | null; phone: string | null };
}

/** Who files callback requests; the callbacks module's service when it is there. */
export interface ChatRatings {
  recordChatRating(ticketNumber: number, score: number, comment?: string | null): Promise<unknown>;
}

export interface CallbackRequests {
  create(input: { kind: 'requested'; ticketId: string; phone: string; dueAt: Date; team: string }): Promise<{ id?: unknown; _id?: unknown } | unknown>;
}

/** Replay overlaps this far before the last message the visitor saw: ids of two API nodes are not strictly ordered. */
const REPLAY_OVERLAP_MS = 5000;

type Deps = Pick<Core, 'models' | 'tickets' | 'messageBatcher' | 'outbox' | 'clock' | 'customers' | 'log'>;

/** Live chat: a visitor's messages become a chat ticket; ending, rating, offline messages, callbacks. */
export class ChatService {
  constructor(
    private readonly core: Deps,
    private readonly state: ChatState,
    private readonly queue: ChatQueue,
    private readonly availability: AgentAvailability,
    private callbacks: CallbackRequests | null = null,
  ) {}

  private ratings: ChatRatings | null = null;
  private verification: { verified(vid: string): Promise<string | null> } | null = null;

  /** Which addresses visitors proved (ChatVerification; set by the module). */
  useVerification(verification: { verified(vid: string): Promise<string | null> }): void {
    this.verification = verification;
  }

  /**
   * The customer of a visitor's new chat. What a visitor types is a claim, not a proof: when it
   * matches a customer on file the chat joins that record but adds nothing to it (no phone, no
   * address), and the ticket says `identity: {verified:false, matched:true, claimed}` so that the
   * agent sees a stranger may be speaking before sharing the record's details. A proven address
   * (email:confirm) makes it verified.
   */
  private async customerFor(v: Visitor, phone?: string | null): Promise<{ customerId: Types.ObjectId; identity: ChatIdentity }> {
    const claimed = { email: v.email || null, phone: phone || v.phone || null };
    const found = await this.core.customers.findByContact(claimed);
    const customer = found ?? (await this.core.customers.findOrCreate({ name: v.name, ...claimed, locale: v.locale }));
    const proven = await this.verification?.verified(v.id);
    return { customerId: customer._id, identity: { verified: !!proven && customer.emails.includes(proven), matched: !!found, claimed } };
  }

  /** The visitor proved `email`: their chat's identity is verified when that is the customer's address. */
  async identityVerified(v: Visitor, email: string, ticketNumber?: number): Promise<void> {
    const number = ticketNumber ?? (await this.state.chatOf(v.id)).ticket;
    const ticket = number ? await this.core.models.Ticket.findOne({ number }) : null;
    if (!ticket || ticket.visitorId !== v.id) return;
    const customer = await this.core.customers.get(String(ticket.customerId));
    const verified = customer.emails.includes(email);
    await this.core.models.Ticket.updateOne({ _id: ticket._id }, { $set: { 'meta.identity.verified': verified, 'meta.identity.provenEmail': email } });
    await this.core.tickets.addEvent(ticket, 'identity_verified', verified ? 'The visitor proved the customer\'s email address' : 'The visitor proved an email address that is not this customer\'s', { verified });
  }

  useCallbacks(callbacks: CallbackRequests): void {
    this.callbacks = callbacks;
  }

  /** The survey module records chat ratings as satisfaction survey answers (set by the composition root). */
  useRatings(ratings: ChatRatings): void {
    this.ratings = ratings;
  }

  /** Whether the chat's visitor has a socket open (the survey module offers in the widget, else by email). */
  visitorOnline(visitorId: string | null | undefined): Promise<boolean> {
    return this.state.isOnline(visitorId);
  }

  async session(v: Visitor, visitorToken: string): Promise<SessionPayload> {
    const [chat, agentsOnline] = await Promise.all([this.state.chatOf(v.id), this.availability.online(v.team)]);
    const ticket = chat.ticket ? await this.core.models.Ticket.findOne({ number: chat.ticket }) : null;
    let agent: { name: string } | null = null;
    if (ticket?.assigneeId) {
      const a = await this.core.models.Agent.findById(ticket.assigneeId, { name: 1 }).lean();
      if (a) agent = { name: a.name };
    }
    return {
      visitorToken,
      ticketNumber: ticket?.number ?? null,
      team: ticket?.team ?? v.team,
      agentsOnline,
      agent,
      position: ticket && !ticket.assigneeId ? await this.state.position(ticket.team, ticket.number) : null,
      ended: !ticket && !!chat.last,
    };
  }

  /**
   * Stores a visitor's message (opening the chat on the first one) and returns it; a message whose
   * clientId was seen before is not stored again: the first copy is returned.
   */
  async send(v: Visitor, input: { body: string; clientId?: string }): Promise<{ message: MessageDoc; ticketNumber: number; duplicate: boolean; opened: boolean }> {
    if (input.body.length > MAX_MESSAGE_CHARS) throw new PayloadTooLargeError(`A message may have at most ${MAX_MESSAGE_CHARS} characters`);
    const dedupeKey = input.clientId ? `chat:${v.id}:${input.clientId}` : undefined;
    const chat = await this.state.chatOf(v.id);
    // In an open chat receiveFromCustomer drops the repeat; before it (or after the chat ended) we do.
    if (dedupeKey && !chat.ticket) {
      const dup = await this.core.models.Message.findOne({ dedupeKey });
      if (dup) return { message: dup, ticketNumber: dup.ticketNumber, duplicate: true, opened: false };
    }
    const author: Actor = { type: 'customer', name: displayName(v) };
    const msg: NewMessageInput = { body: input.body, channel: 'chat', clientId: input.clientId ?? null, dedupeKey, delivery: 'received' };
    // An open chat: the message joins the batched write (a closed one opens a linked ticket on the slow path).
    const r = chat.ticket ? await this.core.messageBatcher.receive(chat.ticket, msg, author).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err))) : null;
    if (!r) {
      // One chat per visitor at a time: racing first messages (two tabs, a retry) share this key.
      const { customerId, identity } = await this.customerFor(v);
      const c = await this.core.tickets.create(
        {
          channel: 'chat',
          subject: subjectOf(input.body),
          customer: { name: v.name, email: v.email || null, phone: v.phone || null, locale: v.locale },
          customerId,
          team: v.team,
          visitorId: v.id,
          dedupeKey: `chat:${v.id}:after:${chat.last ?? 0}`,
          meta: { chat: { locale: v.locale }, identity },
          message: { ...msg, author },
        },
        author,
      );
      await this.state.setCurrent(v.id, c.ticket.number);
      if (c.created && c.message) return { message: c.message, ticketNumber: c.ticket.number, duplicate: false, opened: true };
      const again = await this.core.tickets.receiveFromCustomer(c.ticket, msg, { ...author, id: String(c.ticket.customerId) });
      return { message: again.message, ticketNumber: again.ticket.number, duplicate: again.duplicate, opened: false };
    }
    let opened = false;
    if (r.ticket.number !== chat.ticket) {
      // The chat had been closed: the message opened a new ticket linked to it, which is now the chat.
      await this.core.models.Ticket.updateOne({ _id: r.ticket._id }, { $set: { visitorId: v.id } });
      await this.state.setCurrent(v.id, r.ticket.number);
      opened = true;
    }
    return { message: r.message, ticketNumber: r.ticket.number, duplicate: r.duplicate, opened };
  }

  /** What the visitor has not seen of the chat, from shortly before `lastMessageId` (see chat.events.ts). */
  async missed(ticketNumber: number, lastMessageId?: string): Promise<VisitorMessage[]> {
    const ticket = await this.core.models.Ticket.findOne({ number: ticketNumber }, { _id: 1 }).lean();
    if (!ticket) return [];
    const filter: Record<string, unknown> = { ticketId: ticket._id, internal: false, kind: 'message' };
    if (lastMessageId && /^[a-f0-9]{24}$/i.test(lastMessageId)) {
      const last = await this.core.models.Message.findById(lastMessageId, { createdAt: 1, ticketId: 1 }).lean();
      if (last && String(last.ticketId) === String(ticket._id)) filter.createdAt = { $gte: new Date(new Date(last.createdAt).getTime() - REPLAY_OVERLAP_MS) };
    }
    const msgs = (await this.core.models.Message.find(filter).sort({ createdAt: 1, _id: 1 }).limit(500)).filter(visibleToVisitor);
    // Replies that waited for the visitor (no email to fall back on) reach them now: the agent sees them sent.
    for (const m of msgs) {
      if (m.author.type === 'agent' && m.delivery?.status === 'queued') await this.core.tickets.setDelivery(m, 'sent');
    }
    return msgs.map(visitorMessage);
  }

  /**
   * Ends the visitor's chat; the ticket stays open for the agents. Emails the transcript when asked,
   * only to the address the visitor proved (`verified`, see ChatVerification): a transcript holds the
   * visitor's own words, and must not be a way to mail them to anyone.
   */
  async end(v: Visitor, opts: { transcript?: boolean; email?: string; verified: string | null }): Promise<{ ticketNumber: number | null; transcript: boolean; ended: TicketDoc | null }> {
    if (opts.transcript && (!opts.verified || (opts.email && opts.email.trim().toLowerCase() !== opts.verified))) {
      throw new AppError(403, 'email_unverified', 'Confirm your email address first: the transcript goes only to an address you proved (email:verify)');
    }
    const chat = await this.state.chatOf(v.id);
    const number = chat.ticket ?? chat.last;
    if (!number) return { ticketNumber: null, transcript: false, ended: null };
    const ticket = await this.core.tickets.byNumber(number);
    // Ending twice is fine: the widget ends at once and asks for the transcript with the rating afterwards.
    if (chat.ticket) {
      await this.core.models.Ticket.updateOne({ _id: ticket._id }, { $set: { 'meta.chatEndedAt': this.core.clock.now() } });
      await this.core.tickets.addEvent(ticket, 'chat_ended', 'The visitor ended the chat', {});
      await this.state.end(v.id, ticket.number);
      await this.queue.leave(ticket.team, ticket.number);
    }
    let transcript = false;
    if (opts.transcript && opts.verified) {
      const customer = await this.core.customers.get(String(ticket.customerId));
      await this.sendTranscript(ticket, opts.verified, (customer.locale as Locale) ?? v.locale);
      transcript = true;
    }
    return { ticketNumber: ticket.number, transcript, ended: chat.ticket ? ticket : null };
  }

  private async sendTranscript(ticket: TicketDoc, to: string, locale: Locale): Promise<void> {
    const msgs = await this.core.models.Message.find({ ticketId: ticket._id, internal: false, kind: 'message' }).sort({ createdAt: 1, _id: 1 }).limit(1000);
    await this.core.outbox.send(
      {
        to,
        template: 'chat-transcript',
        locale,
        data: { ticketNumber: ticket.number, subject: ticket.subject, messages: msgs.map((m) => ({ author: m.author.name, fromAgent: m.author.type === 'agent', body: m.body, at: m.createdAt })) },
      },
      `chat-transcript-${String(ticket._id)}`,
    );
  }

  /** The satisfaction rating of the visitor's current or just-ended chat (the survey module may take this over). */
  async rate(v: Visitor, input: { score: number; comment?: string }): Promise<void> {
    const chat = await this.state.chatOf(v.id);
    const number = chat.ticket ?? chat.last;
    if (!number) throw new ConflictError('There is no chat to rate yet', 'no_chat');
    const ticket = await this.core.tickets.byNumber(number);
    const rating = { score: input.score, comment: input.comment ?? null, at: this.core.clock.now() };
    await this.core.models.Ticket.updateOne({ _id: ticket._id }, { $set: { 'meta.chatRating': rating } });
    await this.core.tickets.addEvent(ticket, 'chat_rating', `Chat rated ${input.score}/5${input.comment ? `: ${input.comment}` : ''}`, rating);
    // the rating is the survey answer of this solve: attributed, reported, a low score called back
    if (this.ratings) await this.ratings.recordChatRating(ticket.number, input.score, input.comment ?? null);
  }

  /** The offline form: a ticket answered by email. */
  async offline(input: { name: string; email: string; phone?: string; body: string; clientId?: string; team?: string; locale?: Locale }, fallbackTeam: string): Promise<TicketDoc> {
    const team = input.team ?? fallbackTeam;
    const author: Actor = { type: 'customer', name: input.name };
    const { ticket } = await this.core.tickets.create(
      {
        channel: 'email',
        subject: subjectOf(input.body),
        customer: { name: input.name, email: input.email, phone: input.phone ?? null, locale: input.locale },
        team,
        meta: { chat: { offline: true } },
        ...(input.clientId ? { dedupeKey: `chat-offline:${input.email.toLowerCase()}:${input.clientId}` } : {}),
        message: { body: input.body, channel: 'email', delivery: 'received', author, mail: { from: input.email } },
      },
      author,
    );
    return ticket;
  }

  /** A callback request from the widget, filed with the callbacks module (or noted on the ticket when it is absent). */
  async requestCallback(v: Visitor, input: { phone: string; at?: string }): Promise<{ ticketNumber: number; callbackId: string | null }> {
    const chat = await this.state.chatOf(v.id);
    let ticket = chat.ticket ? await this.core.models.Ticket.findOne({ number: chat.ticket }) : null;
    if (!ticket) {
      const author: Actor = { type: 'customer', name: displayName(v) };
      const { customerId, identity } = await this.customerFor(v, input.phone);
      ({ ticket } = await this.core.tickets.create(
        { channel: 'chat', subject: `Callback request ${input.phone}`, customer: { name: v.name, email: v.email || null, phone: input.phone, locale: v.locale }, customerId, team: v.team, visitorId: v.id, dedupeKey: `chat:${v.id}:after:${chat.last ?? 0}`, meta: { identity } },
        author,
      ));
      await this.state.setCurrent(v.id, ticket.number);
    }
    const dueAt = input.at ? new Date(input.at) : this.core.clock.now();
    if (Number.isNaN(dueAt.getTime())) throw new ValidationError('at is not a date');
    let callbackId: string | null = null;
    if (this.callbacks) {
      const created = (await this.callbacks.create({ kind: 'requested', ticketId: String(ticket._id), phone: input.phone, dueAt, team: ticket.team })) as { id?: unknown; _id?: unknown } | null;
      callbackId = created ? String(created.id ?? created._id ?? '') || null : null;
    }
    await this.core.tickets.addEvent(ticket, 'callback_requested', `Callback requested: ${input.phone} at ${dueAt.toISOString()}`, { phone: input.phone, dueAt, callbackId });
    return { ticketNumber: ticket.number, callbackId };
  }
}

function displayName(v: Visitor): string {
  return v.name?.trim() || v.email?.split('@')[0] || v.phone || 'Visitor';
}
