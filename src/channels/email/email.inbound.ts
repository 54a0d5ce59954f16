import fs from 'node:fs';
import { Job, UnrecoverableError } from 'bullmq';
import type { Types } from 'mongoose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Actor, Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import { guessLocale, type CustomerService } from '../../modules/customers/customer.service';
import type { InboundResult, TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { AttachmentRef } from '../../modules/tickets/ticket.store';
import type { TicketType } from '../../modules/tickets/ticket.types';
import type { Dsn } from './dsn';
import type { EmailDelivery } from './email.delivery';
import { intakeRecord, type IntakeOutcome } from './mail-intake.model';
import type { InboundJob } from './mail-job';
import { ApplyGate } from './apply-gate';
import { attachmentId, ParsedMail } from './mail-parse';
import { keptParticipants, PARTICIPANTS, participantsOf, participantsToAdd, type MailParticipantsModel } from './mail-participants.model';
import { MailRef, MailRefModel, recordMailRef } from './mail-ref.model';
import { GroupCommit } from '../../infra/group-commit';
import type { CustomerDoc } from '../../modules/customers/customer.model';
import type { MailStore } from './mail-store';
import { classifyNoise } from './noise';
import type { ParsedMessage } from './parse-pool';
import { SenderOrder } from './sender-order';
import type { TeamAddresses } from './team-addresses';

export type { InboundJob } from './mail-job';

const DEFAULT_TEAM = 'support';
const TEAM_TYPES: Record<string, TicketType> = { complaints: 'complaint', returns: 'return' };
/** A mail the parser fails on this many times is dead-lettered (a parse does not get better with hours). */
const PARSE_ATTEMPTS = 3;

type Outcome = IntakeOutcome;

export interface InboundMailDeps {
  tickets: Pick<TicketService, 'byId' | 'byNumber' | 'message' | 'messageByKey'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAutomatic' | 'setDelivery'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findByContact'>;
  templates: Templates;
  store: MailStore;
  addresses: TeamAddresses;
  delivery: Pick<EmailDelivery, 'enqueue' | 'outgoingMail'>;
  ackLimiter: RateLimiterRedis;
  /** the mail references, and beside them what each raw mail's job made of it, for the sweeper */
  MailRef: MailRefModel;
  /** who may thread into a ticket by reference, as tickets of earlier versions kept it */
  MailParticipants: MailParticipantsModel;
  /** parses a stored raw mail off the event loop (the parse pool) */
  parse: (file: string) => Promise<ParsedMessage>;
  /** the address our mail goes out from (MAIL_FROM): a real bounce is sent to it */
  ownAddress: string | null;
  clock: Clock;
  log: Logger;
  /** per-sender order of applying mails (one per process) */
  order?: SenderOrder;
}

/**
 * The `mail-in` job: a stored raw mail becomes a message on the right ticket, through the inbound
 * contract. Idempotent on the sender, the Message-ID and the content, so a retry (or the same mail
 * delivered twice, or relayed) lands once, another sender's mail that reuses a Message-ID is never
 * dropped, and the mail that opened a ticket is acknowledged once, even when a crash came in between.
 */
export class InboundMail {
  private readonly store: MailStore;
  private readonly addresses: TeamAddresses;
  private readonly MailRef: MailRefModel;
  /** the channel's own writes of a mail (its references, its intake record) and those of concurrent mails share bulk writes (issue #23) */
  private readonly refs: GroupCommit;
  private readonly order: SenderOrder;
  private readonly gate = new ApplyGate();
  private readonly log: Logger;

  constructor(private readonly d: InboundMailDeps) {
    this.store = d.store;
    this.addresses = d.addresses;
    this.MailRef = d.MailRef;
    // prepared: the intake records are not mail references (mongoose would strip their fields)
    this.refs = new GroupCommit(d.MailRef, 500, { prepared: true });
    this.order = d.order ?? new SenderOrder();
    this.log = d.log;
  }

  /**
   * Parses in parallel with other jobs (the pool), then applies the mail in its sender's order,
   * then records the outcome for the sweeper. A parse that keeps failing dead-letters the mail at
   * once; anything else (the store down) is thrown and retried on the mail-in schedule.
   */
  async process(job: Job<InboundJob>): Promise<unknown> {
    // taken before the first await: jobs start in queue order
    const turn = this.order.enter(job.data.mailFrom || job.data.hash);
    try {
      const file = this.store.inboundFile(job.data.hash);
      if (!fs.existsSync(file)) {
        this.log.warn({ hash: job.data.hash }, 'raw mail missing');
        return { ignored: 'missing' };
      }
      let parsed: ParsedMessage;
      try {
        parsed = await this.gate.parse(() => this.d.parse(file));
      } catch (err) {
        const reason = `unparseable: ${(err as Error).message}`.slice(0, 500);
        if (job.attemptsMade + 1 >= PARSE_ATTEMPTS) {
          this.log.error({ hash: job.data.hash, err }, 'mail could not be parsed; dead-lettered, the raw file is kept');
          throw new UnrecoverableError(reason);
        }
        throw err;
      }
      // with the mails parsed about now, so that their writes share commands
      await this.gate.ready();
      await turn.wait();
      const { outcome, refs } = await this.apply(job, parsed);
      // the mail's references and its intake record in one bulk write, last: a crash before it
      // re-runs the job (or the sweeper does), which stores nothing twice and repairs what is missing
      const record = intakeRecord(job.data.hash, outcome, this.d.clock.now());
      await Promise.all([...refs.map((ref) => recordMailRef(this.refs, ref)), this.refs.updateOne(record.filter, record.update, { upsert: true })]);
      return outcome;
    } finally {
      turn.done();
    }
  }

  private async apply(job: Job<InboundJob>, parsed: ParsedMessage): Promise<{ outcome: Outcome; refs: MailRef[] }> {
    const { mail, texts } = parsed;
    const own = await this.addresses.own();
    const noise = classifyNoise(mail, job.data, own);
    if (noise) {
      this.log.info({ hash: job.data.hash, ...noise }, 'mail ignored');
      if (noise.kind === 'bounce') await this.noteBounce(mail, parsed.dsn, job.data);
      return { outcome: { ignored: noise.kind }, refs: [] };
    }
    const sender = mail.from?.address ?? (job.data.mailFrom || null);
    if (!sender) return { outcome: { ignored: 'no sender' }, refs: [] };
    // the contract looks the key up before threading: a mail stored once never opens a ticket on a retry
    const key = mailDedupeKey(sender, parsed, job.data.hash);
    const name = mail.from?.name || sender.split('@')[0];
    const author: Actor = { type: 'customer', name };
    const attachments = mail.attachments.map((a, i): AttachmentRef => ({ id: attachmentId(key, i), ...a }));
    const html = texts.html;
    const input = {
      ...texts,
      // inline images point at their stored attachment, under the number of the ticket the mail lands on
      html: html?.includes('cid:') ? (ticketNumber: number) => linkInlineImages(html, attachments, ticketNumber) : html,
      attachments,
      mail: { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, from: sender, to: mail.to },
      dedupeKey: key,
      delivery: 'received' as const,
    };
    // what the next reply on this ticket threads to: the customer's latest mail
    const lastMail = mail.messageId ? { messageId: mail.messageId, references: mail.references.slice(-20) } : null;
    // a mailbox's team (IMAP) decides, else the team of the recipients
    const team = job.data.team ?? (await this.addresses.teamOf([...job.data.rcpt, ...mail.deliveredTo])) ?? DEFAULT_TEAM;
    const { thread, linkedFrom, participants } = await this.findThread(mail, sender);
    // its addresses join the participants of the ticket it lands on, with the write that stores it
    // (those of a closed ticket's follow-up start afresh; an older ticket's list is copied over)
    const addresses = [sender, ...mail.to].filter((a) => !own.has(a));
    const open = thread && thread.status !== 'closed' ? participants : undefined;
    const metaAdd = { [PARTICIPANTS]: participantsToAdd(addresses, open?.list ?? [], open?.earlier ? open.list : []) };
    // the acknowledgement of a ticket this mail opens is stored with it, its headers minted now
    const ack: { allowed?: boolean } = {};
    const autoReply = async (t: { _id: Types.ObjectId; number: number; subject: string }, customer: CustomerDoc) => {
      ack.allowed = await this.ackAllowed(sender, t.number);
      if (!ack.allowed) return null;
      const rendered = this.d.templates.renderMail('ticket-ack', customer.locale as Locale, { number: t.number, subject: t.subject, customerName: customer.name, body: '' });
      const to = customer.emails[0] ?? sender;
      return { ...this.ackInput(String(t._id), rendered.text), mail: this.d.delivery.outgoingMail(lastMail, to) };
    };
    const r = await this.d.inbound.receive({
      channel: 'email',
      customer: { name, email: sender, locale: guessLocale(mail.subject, name, texts.body.slice(0, 2000)) },
      author,
      thread,
      open: { key, subject: mail.subject || '(no subject)', team, type: TEAM_TYPES[team], linkedFrom },
      message: input,
      ...(lastMail ? { meta: { lastMail } } : {}),
      metaAdd,
      firstAttempt: job.attemptsMade === 0 && job.data.via !== 'sweep',
      autoReply,
    });
    if (r.autoReply) await this.d.delivery.enqueue(r.autoReply, 'ticket-ack');
    // a ticket opened otherwise (a retry, a racing copy, a linked one), with the limiter's verdict if it was asked
    else if (r.opened) await this.acknowledge(r.ticket, sender, r.outcome === 'opened' ? r.customer : undefined, ack.allowed);
    const refs = this.refsOf(r, lastMail?.messageId ?? null);
    if (r.outcome === 'duplicate') return { outcome: { duplicate: true, ticket: r.ticket.number }, refs };
    return { outcome: { ticket: r.ticket.number, created: r.outcome === 'opened' || r.outcome === 'linked' }, refs };
  }

  /**
   * The channel's own state of a stored mail: its Message-ID for threading, and that of the
   * acknowledgement stored with it (a reply to it threads, a bounce of it is ours). Idempotent
   * (the first writer of an id wins), so a retry after a crash repairs what the first attempt left undone.
   */
  private refsOf(r: InboundResult, messageId: string | null): MailRef[] {
    if (!r.message) return [];
    const refs: MailRef[] = [];
    if (messageId) refs.push({ _id: messageId, ticketId: r.ticket._id, messageId: r.message._id as Types.ObjectId, direction: 'in' });
    const ack = r.autoReply?.mail?.messageId ? r.autoReply : null;
    if (ack) refs.push({ _id: ack.mail!.messageId!, ticketId: r.ticket._id, messageId: ack._id as Types.ObjectId, direction: 'out' });
    return refs;
  }

  /** A ticket's mail participants: kept on it, or (`earlier`) where an older version kept them. */
  private async participantsOf(t: TicketDoc): Promise<{ list: string[]; earlier: boolean }> {
    const kept = keptParticipants(t);
    return kept ? { list: kept, earlier: false } : { list: await participantsOf(this.d.MailParticipants, t._id), earlier: true };
  }

  /**
   * Threading: a stored Message-ID (ours or the customer's) in In-Reply-To/References wins, but
   * only for a participant of that ticket (its customer, or an address on its mails); anybody else
   * referencing it gets a new ticket linked to it. Then the [#number] token, only from that
   * ticket's customer, so a stranger cannot write into someone else's ticket by guessing a number.
   */
  private async findThread(mail: ParsedMail, sender: string): Promise<{ thread: TicketDoc | null; linkedFrom: number | null; participants?: { list: string[]; earlier: boolean } }> {
    const refs = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((r): r is string => !!r))];
    if (refs.length) {
      const hits = await this.MailRef.find({ _id: { $in: refs } }).lean();
      // the most recent mail of the chain that we know
      const hit = refs.map((r) => hits.find((h) => h._id === r)).find(Boolean);
      const t = hit ? await this.d.tickets.byId(hit.ticketId) : null;
      if (t) {
        const participants = await this.participantsOf(t);
        if (participants.list.includes(sender) || (await this.isCustomer(t, sender))) return { thread: t, linkedFrom: null, participants };
        this.log.info({ ticket: t.number }, 'reference to a ticket from someone who is not its participant: new linked ticket');
        return { thread: null, linkedFrom: t.number };
      }
    }
    const token = /\[#(\d{1,9})\]/.exec(mail.subject);
    if (token) {
      const t = await this.d.tickets.byNumber(Number(token[1])).catch(() => null);
      if (t) {
        if (await this.isCustomer(t, sender)) return { thread: t, linkedFrom: null, participants: await this.participantsOf(t) };
        this.log.info({ ticket: t.number }, 'ticket token from someone who is not its customer: new ticket');
      }
    }
    return { thread: null, linkedFrom: null };
  }

  private async isCustomer(t: TicketDoc, sender: string): Promise<boolean> {
    const customer = await this.d.customers.findByContact({ email: sender });
    return !!customer && String(customer._id) === String(t.customerId);
  }

  /**
   * One acknowledgement per new ticket, and only a few per sender an hour, whatever arrives.
   * Idempotent on the ticket: a retry of the mail that opened it (a crash before the
   * acknowledgement went out) queues the one not yet sent, and never a second.
   */
  private async acknowledge(ticket: TicketDoc, sender: string, justCreatedFor?: CustomerDoc | null, allowed?: boolean): Promise<void> {
    const ackKey = this.ackInput(String(ticket._id), '').dedupeKey;
    // a ticket opened by this very attempt has no acknowledgement yet (a racing copy would be stored once by its key)
    let message = justCreatedFor ? null : await this.d.tickets.messageByKey(ackKey);
    if (!message) {
      if (!(allowed ?? (await this.ackAllowed(sender, ticket.number)))) return;
      const customer = justCreatedFor && String(justCreatedFor._id) === String(ticket.customerId) ? justCreatedFor : await this.d.customers.get(String(ticket.customerId));
      const rendered = this.d.templates.renderMail('ticket-ack', customer.locale as Locale, { number: ticket.number, subject: ticket.subject, customerName: customer.name, body: '' });
      ({ message } = await this.d.timeline.addAutomatic(ticket, { body: rendered.text, dedupeKey: ackKey }));
    }
    if (message.delivery?.status === 'queued') await this.d.delivery.enqueue(message, 'ticket-ack');
  }

  /** The stored shape of a ticket's acknowledgement: automatic, queued for delivery, once per ticket. */
  private ackInput(ticketId: string, body: string) {
    return { body, channel: 'email' as const, automatic: true, delivery: 'queued' as const, dedupeKey: `ack:${ticketId}` };
  }

  /** Only a few acknowledgements per sender an hour (and none while the limiter is away). */
  private async ackAllowed(sender: string, ticketNumber: number): Promise<boolean> {
    try {
      await this.d.ackLimiter.consume(sender);
      return true;
    } catch (err) {
      if (err instanceof Error) {
        this.log.warn({ err }, 'acknowledgement rate limiter unavailable');
        return false;
      }
      this.log.info({ ticket: ticketNumber }, 'acknowledgement suppressed: too many from this sender');
      return false;
    }
  }

  /**
   * A bounce of our mail: noted on the ticket (once per bounced mail), and the bounced message
   * shows it failed. Only a real delivery status notification counts (multipart/report with a
   * message/delivery-status part, action failed, for the address our mail went to), sent the way
   * DSNs are: with a null reverse-path, to the address our mail went out from. Anything else that
   * quotes one of our Message-IDs (a forged "bounce") changes nothing.
   */
  private async noteBounce(mail: ParsedMail, dsn: Dsn | null, envelope: InboundJob): Promise<void> {
    const ours = this.d.ownAddress;
    const real = !!dsn?.deliveryStatus && envelope.mailFrom === '' && !!ours && envelope.rcpt.includes(ours) && (dsn.action ?? 'failed') === 'failed';
    if (!real || !dsn?.messageIds.length) {
      if (dsn?.messageIds.length) this.log.info({ messageId: mail.messageId }, 'bounce-like mail that is no delivery status notification to our sender: ignored');
      return;
    }
    const ref = await this.MailRef.findOne({ _id: { $in: dsn.messageIds }, direction: 'out' }).lean();
    const original = ref ? await this.d.tickets.message(ref.messageId) : null;
    if (!original) return;
    const recipients = (original.mail?.to ?? []).map((a) => a.toLowerCase());
    if (dsn.recipients.length && !dsn.recipients.some((r) => recipients.includes(r))) return;
    const ticket = await this.d.tickets.byId(original.ticketId as Types.ObjectId);
    if (!ticket) return;
    const diagnostic = dsn.diagnostic ?? dsn.status ?? mail.subject;
    const key = `mail-bounced:${original._id}`;
    if (await this.d.tickets.messageByKey(`event:${key}`)) return; // noted before: one note per bounced mail
    const to = original.mail?.to?.join(', ') || null;
    await this.d.timeline.addEvent(ticket, { type: 'mail_bounced', data: { messageId: original.mail?.messageId ?? null, bounceMessageId: mail.messageId, diagnostic, to } }, `Mail to ${to || 'the customer'} bounced: ${diagnostic}`, { key });
    await this.d.timeline.setDelivery(original, 'failed', `bounced: ${diagnostic}`.slice(0, 500));
  }
}

/**
 * The key a mail is stored (and its ticket opened) under: the same mail (a retry, a second
 * delivery, a copy relayed with other headers) has the same key; another sender's mail, or other
 * words under the same Message-ID, has another. Without a Message-ID, the raw bytes' hash.
 */
export function mailDedupeKey(sender: string, parsed: Pick<ParsedMessage, 'mail' | 'contentHash'>, rawHash: string): string {
  return parsed.mail.messageId ? `mail:${sender}:${parsed.mail.messageId}:${parsed.contentHash}` : `mail:sha256:${rawHash}`;
}

/** Inline images (`cid:`) point at the ticket's download URL of their stored attachment. */
function linkInlineImages(html: string, attachments: AttachmentRef[], ticketNumber: number): string {
  let out = html;
  for (const a of attachments) {
    if (!a.cid) continue;
    out = out.split(`cid:${a.cid}`).join(`/api/tickets/${ticketNumber}/attachments/${a.id}`);
  }
  return out;
}
