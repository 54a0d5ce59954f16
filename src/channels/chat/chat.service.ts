import type { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import { AppError, ConflictError, PayloadTooLargeError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { MailOutbox } from '../../mail/outbox';
import type { AgentModel } from '../../modules/agents/agent.model';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { MessageDoc, MessageModel } from '../../modules/tickets/message.model';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages, Uploads } from '../../modules/tickets/ticket.messages';
import type { TicketDoc, TicketModel } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { TicketUpdates } from '../../modules/tickets/ticket.updates';
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

export interface ChatServiceDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  Agent: AgentModel;
  tickets: Pick<TicketService, 'byNumber' | 'messages'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'setDelivery'>;
  updates: Pick<TicketUpdates, 'setMeta'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findByContact' | 'findOrCreate'>;
  outbox: MailOutbox;
  clock: Clock;
  state: ChatState;
  queue: ChatQueue;
  availability: AgentAvailability;
  /** the callbacks module files callback requests; without it they are only noted on the ticket */
  callbacks: CallbackRequests | null;
  /** the survey module records chat ratings as survey answers */
  ratings: ChatRatings | null;
  /** photos a visitor sends (the attachments service) */
  uploads?: Uploads | null;
  /** which addresses visitors proved (ChatVerification) */
  verification: { verified(vid: string): Promise<string | null> } | null;
}

/** Live chat: a visitor's messages become a chat ticket; ending, rating, offline messages, callbacks. */
export class ChatService {
  constructor(private readonly d: ChatServiceDeps) {}

  /**
   * The customer of a visitor's new chat. What a visitor types is a claim, not a proof: when it
   * matches a customer on file the chat joins that record but adds nothing to it (no phone, no
   * address), and the ticket says `identity: {verified:false, matched:true, claimed}` so that the
   * agent sees a stranger may be speaking before sharing the record's details. A proven address
   * (email:confirm) makes it verified.
   */
  private async customerFor(v: Visitor, phone?: string | null): Promise<{ customerId: Types.ObjectId; identity: ChatIdentity }> {
    const claimed = { email: v.email || null, phone: phone || v.phone || null };
    const found = await this.d.customers.findByContact(claimed);
    const customer = found ?? (await this.d.customers.findOrCreate({ name: v.name, ...claimed, locale: v.locale }));
    const proven = await this.d.verification?.verified(v.id);
    return { customerId: customer._id, identity: { verified: !!proven && customer.emails.includes(proven), matched: !!found, claimed } };
  }

  /** The visitor proved `email`: their chat's identity is verified when that is the customer's address. */
  async identityVerified(v: Visitor, email: string, ticketNumber?: number): Promise<void> {
    const number = ticketNumber ?? (await this.d.state.chatOf(v.id)).ticket;
    const ticket = number ? await this.d.Ticket.findOne({ number }) : null;
    if (!ticket || ticket.visitorId !== v.id) return;
    const customer = await this.d.customers.get(String(ticket.customerId));
    const verified = customer.emails.includes(email);
    await this.d.updates.setMeta(ticket, { 'identity.verified': verified, 'identity.provenEmail': email });
    const body = verified ? 'The visitor proved the customer\'s email address' : 'The visitor proved an email address that is not this customer\'s';
    await this.d.timeline.addEvent(ticket, { type: 'identity_verified', data: { verified } }, body);
  }

  /** Whether the chat's visitor has a socket open (the survey module offers in the widget, else by email). */
  visitorOnline(visitorId: string | null | undefined): Promise<boolean> {
    return this.d.state.isOnline(visitorId);
  }

  async session(v: Visitor, visitorToken: string): Promise<SessionPayload> {
    const [chat, agentsOnline] = await Promise.all([this.d.state.chatOf(v.id), this.d.availability.online(v.team)]);
    const ticket = chat.ticket ? await this.d.Ticket.findOne({ number: chat.ticket }) : null;
    let agent: { name: string } | null = null;
    if (ticket?.assigneeId) {
      const a = await this.d.Agent.findById(ticket.assigneeId, { name: 1 }).lean();
      if (a) agent = { name: a.name };
    }
    return {
      visitorToken,
      ticketNumber: ticket?.number ?? null,
      team: ticket?.team ?? v.team,
      agentsOnline,
      agent,
      position: ticket && !ticket.assigneeId ? await this.d.state.position(ticket.team, ticket.number) : null,
      ended: !ticket && !!chat.last,
    };
  }

  /**
   * Stores a visitor's message through the inbound contract: onto the open chat (the batched hot
   * path), or a new chat ticket on the first message (after an ended chat: a new one; after a
   * closed ticket: a linked one). A message whose clientId was seen before is stored once.
   */
  async send(v: Visitor, input: { body: string; clientId?: string; attachments?: string[] }): Promise<{ message: MessageDoc; ticketNumber: number; duplicate: boolean; opened: boolean; visitorSockets: string[] }> {
    if (input.body.length > MAX_MESSAGE_CHARS) throw new PayloadTooLargeError(`A message may have at most ${MAX_MESSAGE_CHARS} characters`);
    const chat = await this.d.state.chatOf(v.id);
    const uploadIds = input.attachments ?? [];
    // a retried message (same clientId) whose photos were marked sent the first time: the repeat is answered as a duplicate below
    const repeat = uploadIds.length && input.clientId ? await this.d.Message.exists({ dedupeKey: `chat:${v.id}:${input.clientId}` }) : null;
    const attachments = uploadIds.length && this.d.uploads && !repeat ? await this.d.uploads.claim(uploadIds, `visitor:${v.id}`, null) : [];
    // a first message opens the chat: who the visitor claims to be is settled before (customerFor)
    const who = chat.ticket ? null : await this.customerFor(v);
    const r = await this.d.inbound.receive({
      channel: 'chat',
      customer: { name: v.name, email: v.email || null, phone: v.phone || null, locale: v.locale },
      customerId: who?.customerId,
      author: { type: 'customer', name: displayName(v) },
      thread: chat.ticket ? { number: chat.ticket } : null,
      // one chat per visitor at a time: racing first messages (two tabs, a retry) share this key
      open: { key: `chat:${v.id}:after:${chat.last ?? 0}`, subject: subjectOf(input.body || attachments[0]?.filename || '…'), team: v.team, visitorId: v.id, meta: { chat: { locale: v.locale }, ...(who ? { identity: who.identity } : {}) } },
      message: { body: input.body, clientId: input.clientId ?? null, dedupeKey: input.clientId ? `chat:${v.id}:${input.clientId}` : undefined, delivery: 'received', ...(attachments.length ? { attachments } : {}) },
    });
    const duplicate = r.outcome === 'duplicate';
    if (attachments.length && !duplicate) await this.d.uploads!.markSent(uploadIds, r.message!._id as Types.ObjectId, r.ticket.number);
    if (!duplicate && r.ticket.number !== chat.ticket) await this.d.state.setCurrent(v.id, r.ticket.number);
    return { message: r.message!, ticketNumber: r.ticket.number, duplicate, opened: r.outcome === 'opened' || r.outcome === 'linked', visitorSockets: chat.sockets };
  }

  /** What the visitor has not seen of the chat, from shortly before `lastMessageId` (see chat.events.ts). */
  async missed(ticketNumber: number, lastMessageId?: string): Promise<VisitorMessage[]> {
    const ticket = await this.d.Ticket.findOne({ number: ticketNumber }, { _id: 1 }).lean();
    if (!ticket) return [];
    let since = -Infinity;
    if (lastMessageId && /^[a-f0-9]{24}$/i.test(lastMessageId)) {
      const last = await this.d.Message.findById(lastMessageId, { createdAt: 1, ticketId: 1 }).lean();
      if (last && String(last.ticketId) === String(ticket._id)) since = new Date(last.createdAt).getTime() - REPLAY_OVERLAP_MS;
    }
    // the chat's latest 500, read by _id from the ticket's list of messages, in the order they were written
    const latest = await this.d.tickets.messages(ticket, { includeInternal: false, messagesOnly: true, newest: true, limit: 500 });
    const msgs = latest.filter((m) => new Date(m.createdAt).getTime() >= since && visibleToVisitor(m)).sort(byCreated);
    // Replies that waited for the visitor (no email to fall back on) reach them now: the agent sees them sent.
    for (const m of msgs) {
      if (m.author.type === 'agent' && m.delivery?.status === 'queued') await this.d.timeline.setDelivery(m, 'sent');
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
    const chat = await this.d.state.chatOf(v.id);
    const number = chat.ticket ?? chat.last;
    if (!number) return { ticketNumber: null, transcript: false, ended: null };
    const ticket = await this.d.tickets.byNumber(number);
    // Ending twice is fine: the widget ends at once and asks for the transcript with the rating afterwards.
    if (chat.ticket) {
      await this.d.updates.setMeta(ticket, { chatEndedAt: this.d.clock.now() });
      await this.d.timeline.addEvent(ticket, { type: 'chat_ended', data: {} }, 'The visitor ended the chat', { key: `chat-ended:${ticket._id}` });
      await this.d.state.end(v.id, ticket.number);
      await this.d.queue.leave(ticket.team, ticket.number);
    }
    let transcript = false;
    if (opts.transcript && opts.verified) {
      const customer = await this.d.customers.get(String(ticket.customerId));
      await this.sendTranscript(ticket, opts.verified, (customer.locale as Locale) ?? v.locale);
      transcript = true;
    }
    return { ticketNumber: ticket.number, transcript, ended: chat.ticket ? ticket : null };
  }

  private async sendTranscript(ticket: TicketDoc, to: string, locale: Locale): Promise<void> {
    const msgs = (await this.d.tickets.messages(ticket, { includeInternal: false, messagesOnly: true, limit: 1000 })).sort(byCreated);
    await this.d.outbox.send(
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
    const chat = await this.d.state.chatOf(v.id);
    const number = chat.ticket ?? chat.last;
    if (!number) throw new ConflictError('There is no chat to rate yet', 'no_chat');
    const ticket = await this.d.tickets.byNumber(number);
    const rating = { score: input.score, comment: input.comment ?? null, at: this.d.clock.now() };
    await this.d.updates.setMeta(ticket, { chatRating: rating });
    await this.d.timeline.addEvent(ticket, { type: 'chat_rating', data: rating }, `Chat rated ${input.score}/5${input.comment ? `: ${input.comment}` : ''}`);
    // the rating is the survey answer of this solve: attributed, reported, a low score called back
    if (this.d.ratings) await this.d.ratings.recordChatRating(ticket.number, input.score, input.comment ?? null);
  }

  /** The offline form: a ticket answered by email. */
  async offline(input: { name: string; email: string; phone?: string; body: string; clientId?: string; team?: string; locale?: Locale }, fallbackTeam: string): Promise<TicketDoc> {
    const { ticket } = await this.d.inbound.receive({
      channel: 'email',
      customer: { name: input.name, email: input.email, phone: input.phone ?? null, locale: input.locale },
      author: { type: 'customer', name: input.name },
      open: {
        ...(input.clientId ? { key: `chat-offline:${input.email.toLowerCase()}:${input.clientId}` } : {}),
        subject: subjectOf(input.body),
        team: input.team ?? fallbackTeam,
        meta: { chat: { offline: true } },
      },
      message: { body: input.body, delivery: 'received', mail: { from: input.email } },
    });
    return ticket;
  }

  /** A callback request from the widget, filed with the callbacks module (or noted on the ticket when it is absent). */
  async requestCallback(v: Visitor, input: { phone: string; at?: string }): Promise<{ ticketNumber: number; callbackId: string | null }> {
    const chat = await this.d.state.chatOf(v.id);
    const who = chat.ticket ? null : await this.customerFor(v, input.phone);
    // no words: a chat ticket of its own when none is open, with the request on its timeline
    const { ticket } = await this.d.inbound.receive({
      channel: 'chat',
      customer: { name: v.name, email: v.email || null, phone: input.phone, locale: v.locale },
      customerId: who?.customerId,
      author: { type: 'customer', name: displayName(v) },
      thread: chat.ticket ? { number: chat.ticket } : null,
      open: { key: `chat:${v.id}:after:${chat.last ?? 0}`, subject: `Callback request ${input.phone}`, team: v.team, visitorId: v.id, ...(who ? { meta: { identity: who.identity } } : {}) },
    });
    if (ticket.number !== chat.ticket) await this.d.state.setCurrent(v.id, ticket.number);
    const dueAt = input.at ? new Date(input.at) : this.d.clock.now();
    if (Number.isNaN(dueAt.getTime())) throw new ValidationError('at is not a date');
    let callbackId: string | null = null;
    if (this.d.callbacks) {
      const created = (await this.d.callbacks.create({ kind: 'requested', ticketId: String(ticket._id), phone: input.phone, dueAt, team: ticket.team })) as { id?: unknown; _id?: unknown } | null;
      callbackId = created ? String(created.id ?? created._id ?? '') || null : null;
    }
    await this.d.timeline.addEvent(ticket, { type: 'callback_requested', data: { phone: input.phone, dueAt, callbackId } }, `Callback requested: ${input.phone} at ${dueAt.toISOString()}`);
    return { ticketNumber: ticket.number, callbackId };
  }
}

function displayName(v: Visitor): string {
  return v.name?.trim() || v.email?.split('@')[0] || v.phone || 'Visitor';
}

/** Oldest first by when they were written, as the visitor saw them arrive (ties by id). */
function byCreated(a: MessageDoc, b: MessageDoc): number {
  return new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() || (String(a._id) < String(b._id) ? -1 : 1);
}
