import fs from 'node:fs';
import { Job, UnrecoverableError } from 'bullmq';
import type { Types } from 'mongoose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../container';
import { guessLocale } from '../../modules/customers/customer.service';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { AttachmentRef, NewMessageInput } from '../../modules/tickets/ticket.service';
import type { Actor, TicketType } from '../../modules/tickets/ticket.types';
import { EmailDelivery, mailAddress } from './email.delivery';
import type { Dsn } from './dsn';
import type { MailIntakeModel } from './mail-intake.model';
import { attachmentId, ParsedMail } from './mail-parse';
import type { MailStore } from './mail-store';
import { classifyNoise } from './noise';
import type { ParsedMessage } from './parse-pool';
import type { InboundJob } from './mail-job';
import { SenderOrder } from './sender-order';
import { MailRefModel, recordMailRef } from './mail-ref.model';
import type { TeamAddresses } from './team-addresses';

export type { InboundJob } from './mail-job';

const DEFAULT_TEAM = 'support';
const TEAM_TYPES: Record<string, TicketType> = { complaints: 'complaint', returns: 'return' };
/** A mail the parser fails on this many times is dead-lettered (a parse does not get better with hours). */
const PARSE_ATTEMPTS = 3;
/** Addresses of a ticket's mails kept as its participants (who may thread into it by reference). */
const MAX_PARTICIPANTS = 50;

type Outcome = { ticket: number; created: boolean } | { duplicate: true; ticket: number } | { ignored: string };

/**
 * The `mail-in` job: a stored raw mail becomes a message on the right ticket. Idempotent on the
 * Message-ID, the sender and the content, so a retry (or the same mail delivered twice, or
 * relayed) lands once, and another sender's mail that reuses a Message-ID is never dropped.
 */
export class InboundMail {
  private readonly log;

  constructor(
    private readonly core: Core,
    private readonly store: MailStore,
    private readonly addresses: TeamAddresses,
    private readonly delivery: EmailDelivery,
    private readonly ackLimiter: RateLimiterRedis,
    private readonly MailRef: MailRefModel,
    /** parses a stored raw mail off the event loop (the parse pool) */
    private readonly parse: (file: string) => Promise<ParsedMessage>,
    private readonly MailIntake: MailIntakeModel,
    private readonly order = new SenderOrder(),
  ) {
    this.log = core.log.child({ component: 'mail-in' });
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
        parsed = await this.parse(file);
      } catch (err) {
        const reason = `unparseable: ${(err as Error).message}`.slice(0, 500);
        if (job.attemptsMade + 1 >= PARSE_ATTEMPTS) {
          this.log.error({ hash: job.data.hash, err }, 'mail could not be parsed; dead-lettered, the raw file is kept');
          throw new UnrecoverableError(reason);
        }
        throw err;
      }
      await turn.wait();
      const outcome = await this.apply(job, parsed);
      await this.MailIntake.updateOne(
        { _id: job.data.hash },
        {
          $set: {
            outcome: 'ignored' in outcome ? 'ignored' : 'duplicate' in outcome ? 'duplicate' : 'stored',
            ticketNumber: 'ticket' in outcome ? outcome.ticket : null,
            reason: 'ignored' in outcome ? outcome.ignored : null,
            at: this.core.clock.now(),
          },
        },
        { upsert: true },
      );
      return outcome;
    } finally {
      turn.done();
    }
  }

  private async apply(job: Job<InboundJob>, parsed: ParsedMessage): Promise<Outcome> {
    const { mail, texts } = parsed;
    const own = await this.addresses.own();
    const noise = classifyNoise(mail, job.data, own);
    if (noise) {
      this.log.info({ hash: job.data.hash, ...noise }, 'mail ignored');
      if (noise.kind === 'bounce') await this.noteBounce(mail, parsed.dsn, job.data);
      return { ignored: noise.kind };
    }
    const sender = mail.from?.address ?? (job.data.mailFrom || null);
    if (!sender) return { ignored: 'no sender' };
    // the same mail (a retry, a second delivery, a relayed copy) has the same key; another
    // sender's mail, or other content under the same Message-ID, has another
    const key = mail.messageId ? `mail:${sender}:${mail.messageId}:${parsed.contentHash}` : `mail:sha256:${job.data.hash}`;
    // Checked before threading: a mail stored once must not open a ticket if it no longer threads.
    const dup = await this.core.models.Message.findOne({ dedupeKey: key }, { ticketNumber: 1 });
    if (dup) return { duplicate: true, ticket: dup.ticketNumber };
    const name = mail.from?.name || sender.split('@')[0];
    const author: Actor = { type: 'customer', name };
    const input: NewMessageInput = {
      ...texts,
      channel: 'email',
      attachments: mail.attachments.map((a, i): AttachmentRef => ({ id: attachmentId(key, i), ...a })),
      mail: { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, from: sender, to: mail.to },
      dedupeKey: key,
      delivery: 'received',
    };

    const lastMail = mail.messageId ? { messageId: mail.messageId, references: mail.references.slice(-20) } : null;
    const participants = [...new Set([sender, ...mail.to])].filter((a) => !own.has(a)).slice(0, MAX_PARTICIPANTS);
    const { ticket: thread, linkedFrom } = await this.findThread(mail, sender);
    let ticket: TicketDoc;
    let isNew: boolean;
    let duplicate = false;
    let message: MessageDoc | null;
    if (thread) {
      const r = await this.core.tickets.receiveFromCustomer(thread, input, author);
      ticket = r.ticket;
      message = r.message;
      duplicate = r.duplicate;
      isNew = !r.duplicate && r.ticket.number !== thread.number; // a reply to a closed ticket opened a new one
    } else {
      const team = (await this.addresses.teamOf([...job.data.rcpt, ...mail.deliveredTo])) ?? DEFAULT_TEAM;
      const r = await this.core.tickets.create(
        {
          channel: 'email',
          subject: mail.subject || '(no subject)',
          team,
          type: TEAM_TYPES[team],
          customer: { name, email: sender, locale: guessLocale(mail.subject, name, input.body.slice(0, 2000)) },
          dedupeKey: key,
          linkedFrom,
          message: { ...input, author },
          // what the next reply on this ticket threads to, and who writes on it, set with the ticket instead of after it
          meta: { ...(lastMail ? { lastMail } : {}), participants },
        },
        author,
      );
      ticket = r.ticket;
      message = r.message;
      isNew = r.created;
      // A retry after the ticket was made but before its message: add the message now.
      if (!r.created) {
        const again = await this.core.tickets.receiveFromCustomer(r.ticket, input, author);
        ticket = again.ticket;
        message = again.message;
        duplicate = again.duplicate;
      }
    }
    if (duplicate) return { duplicate: true, ticket: ticket.number };
    if (message && lastMail) {
      await recordMailRef(this.MailRef, { _id: lastMail.messageId, ticketId: ticket._id, messageId: message._id, direction: 'in' });
      // What the next reply on this ticket threads to: the customer's latest mail (a ticket this
      // job created got it with its creation).
      const createdWithIt = isNew && !thread;
      const known = ((ticket.meta as { participants?: string[] } | null)?.participants ?? []) as string[];
      const more = participants.filter((a) => !known.includes(a)).slice(0, Math.max(0, MAX_PARTICIPANTS - known.length));
      if (!createdWithIt) await this.core.models.Ticket.updateOne({ _id: ticket._id }, { $set: { 'meta.lastMail': lastMail }, ...(more.length ? { $addToSet: { 'meta.participants': { $each: more } } } : {}) });
    }
    if (input.html?.includes('cid:')) await this.linkInlineImages(key);
    if (isNew) await this.acknowledge(ticket, sender);
    return { ticket: ticket.number, created: isNew };
  }

  /**
   * Threading: a stored Message-ID (ours or the customer's) in In-Reply-To/References wins, but
   * only for a participant of that ticket (its customer, or an address on its mails); anybody else
   * referencing it gets a new ticket linked to it. Then the [#number] token, only from that
   * ticket's customer, so a stranger cannot write into someone else's ticket by guessing a number.
   */
  private async findThread(mail: ParsedMail, sender: string): Promise<{ ticket: TicketDoc | null; linkedFrom: number | null }> {
    const refs = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((r): r is string => !!r))];
    if (refs.length) {
      const hits = await this.MailRef.find({ _id: { $in: refs } }).lean();
      // the most recent mail of the chain that we know
      const hit = refs.map((r) => hits.find((h) => h._id === r)).find(Boolean);
      const t = hit ? await this.core.tickets.byId(hit.ticketId) : null;
      if (t) {
        if (await this.isParticipant(t, sender)) return { ticket: t, linkedFrom: null };
        this.log.info({ ticket: t.number }, 'reference to a ticket from someone who is not its participant: new linked ticket');
        return { ticket: null, linkedFrom: t.number };
      }
    }
    const token = /\[#(\d{1,9})\]/.exec(mail.subject);
    if (token) {
      const t = await this.core.models.Ticket.findOne({ number: Number(token[1]) });
      if (t) {
        if (await this.isCustomer(t, sender)) return { ticket: t, linkedFrom: null };
        this.log.info({ ticket: t.number }, 'ticket token from someone who is not its customer: new ticket');
      }
    }
    return { ticket: null, linkedFrom: null };
  }

  private async isParticipant(t: TicketDoc, sender: string): Promise<boolean> {
    const participants = (t.meta as { participants?: string[] } | null)?.participants;
    if (Array.isArray(participants) && participants.includes(sender)) return true;
    return this.isCustomer(t, sender);
  }

  private async isCustomer(t: TicketDoc, sender: string): Promise<boolean> {
    const customer = await this.core.customers.findByContact({ email: sender });
    return !!customer && String(customer._id) === String(t.customerId);
  }

  /** Inline images point at their stored attachment once the ticket number is known. */
  private async linkInlineImages(key: string): Promise<void> {
    const m = await this.core.models.Message.findOne({ dedupeKey: key });
    if (!m?.html || !m.html.includes('cid:')) return;
    let html = m.html;
    for (const a of m.attachments) {
      if (!a.cid) continue;
      html = html.split(`cid:${a.cid}`).join(`/api/tickets/${m.ticketNumber}/attachments/${a.id}`);
    }
    if (html !== m.html) await this.core.models.Message.updateOne({ _id: m._id }, { $set: { html } });
  }

  /**
   * One acknowledgement per new ticket, and only a few per sender an hour, whatever arrives. Called
   * only by the job that created the ticket, so no acknowledgement exists yet (addAutomatic is
   * idempotent on the key all the same).
   */
  private async acknowledge(ticket: TicketDoc, sender: string): Promise<void> {
    try {
      await this.ackLimiter.consume(sender);
    } catch (err) {
      if (err instanceof Error) this.log.warn({ err }, 'acknowledgement rate limiter unavailable');
      else this.log.info({ ticket: ticket.number }, 'acknowledgement suppressed: too many from this sender');
      return;
    }
    const customer = await this.core.customers.get(String(ticket.customerId));
    const rendered = this.core.templates.renderMail('ticket-ack', customer.locale as 'en' | 'zh-CN', { number: ticket.number, subject: ticket.subject, customerName: customer.name, body: '' });
    const { message } = await this.core.tickets.addAutomatic(ticket, { body: rendered.text, dedupeKey: `ack:${ticket._id}` });
    if (message.delivery?.status === 'queued') await this.delivery.enqueue(message, 'ticket-ack');
  }

  /**
   * A bounce of our mail: noted on the ticket, and the bounced message shows it failed. Only a real
   * delivery status notification counts (multipart/report with a message/delivery-status part,
   * action failed, for the address our mail went to), sent the way DSNs are: with a null
   * reverse-path, to the address our mail went out from. Anything else that quotes one of our
   * Message-IDs (a forged "bounce") changes nothing.
   */
  private async noteBounce(mail: ParsedMail, dsn: Dsn | null, envelope: InboundJob): Promise<void> {
    const ours = mailAddress(this.core.config.mailFrom);
    const real = !!dsn?.deliveryStatus && envelope.mailFrom === '' && !!ours && envelope.rcpt.includes(ours) && (dsn.action ?? 'failed') === 'failed';
    if (!real || !dsn?.messageIds.length) {
      if (dsn?.messageIds.length) this.log.info({ messageId: mail.messageId }, 'bounce-like mail that is no delivery status notification to our sender: ignored');
      return;
    }
    const ref = await this.MailRef.findOne({ _id: { $in: dsn.messageIds }, direction: 'out' }).lean();
    const original = ref ? await this.core.models.Message.findById(ref.messageId) : null;
    if (!original) return;
    const to = (original.mail?.to ?? []).map((a) => a.toLowerCase());
    if (dsn.recipients.length && !dsn.recipients.some((r) => to.includes(r))) return;
    const ticket = await this.core.tickets.byId(original.ticketId as Types.ObjectId);
    if (!ticket) return;
    const diagnostic = dsn.diagnostic ?? dsn.status ?? mail.subject;
    const already = await this.core.models.Message.exists({ ticketId: ticket._id, 'event.type': 'mail_bounced', 'event.data.messageId': original.mail?.messageId });
    if (already) return;
    await this.core.tickets.addEvent(ticket, 'mail_bounced', `Mail to ${original.mail?.to?.join(', ') || 'the customer'} bounced: ${diagnostic}`, {
      messageId: original.mail?.messageId,
      bounceMessageId: mail.messageId,
      diagnostic,
    });
    await this.core.tickets.setDelivery(original, 'failed', `bounced: ${diagnostic}`.slice(0, 500));
  }
}
