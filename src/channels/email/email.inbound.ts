import fs from 'node:fs';
import type { Job } from 'bullmq';
import type { Types } from 'mongoose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import sanitizeHtml from 'sanitize-html';
import type { Core } from '../../container';
import { guessLocale } from '../../modules/customers/customer.service';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { AttachmentRef, NewMessageInput } from '../../modules/tickets/ticket.service';
import type { Actor, TicketType } from '../../modules/tickets/ticket.types';
import type { EmailDelivery } from './email.delivery';
import { attachmentId, ParsedMail, parseStoredMail } from './mail-parse';
import type { MailStore } from './mail-store';
import { bouncedMessageIds, classifyNoise } from './noise';
import { htmlToText, splitReply } from './quote';
import { MailRefModel, recordMailRef } from './mail-ref.model';
import type { TeamAddresses } from './team-addresses';

export interface InboundJob {
  hash: string;
  via: 'smtp' | 'webhook' | 'imap';
  /** the team whose mailbox the mail was fetched from (IMAP); else the team of the recipients */
  team?: string;
  /** envelope recipients (SMTP), empty for the webhook */
  rcpt: string[];
  /** envelope sender; '' is the null reverse-path, null when unknown (webhook) */
  mailFrom: string | null;
  receivedAt: string;
}

const DEFAULT_TEAM = 'support';
const TEAM_TYPES: Record<string, TicketType> = { complaints: 'complaint', returns: 'return' };
/**
 * Sanitising is the costliest step on HTML and runs in one synchronous call (~0.5 µs a character
 * of dense markup: 300 000 characters held the event loop ~150 ms); beyond this the agent gets the
 * text only.
 */
const MAX_SANITIZE_CHARS = 100_000;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'u', 's'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], '*': ['style'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] }, // no remote images: they are tracking pixels in an agent's browser
  allowedStyles: { '*': { color: [/^[#a-z0-9(),.\s%]+$/i], 'background-color': [/^[#a-z0-9(),.\s%]+$/i], 'text-align': [/^(left|right|center|justify)$/], 'font-weight': [/^\w+$/] } },
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/**
 * The `mail-in` job: a stored raw mail becomes a message on the right ticket. Idempotent on the
 * Message-ID, so a retry (or the same mail delivered twice) lands once.
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
  ) {
    this.log = core.log.child({ component: 'mail-in' });
  }

  async process(job: Job<InboundJob>): Promise<unknown> {
    const file = this.store.inboundFile(job.data.hash);
    if (!fs.existsSync(file)) {
      this.log.warn({ hash: job.data.hash }, 'raw mail missing');
      return { ignored: 'missing' };
    }
    let mail: ParsedMail;
    try {
      mail = await parseStoredMail(file, this.store);
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        this.log.error({ hash: job.data.hash, err }, 'mail could not be parsed; the raw file is kept');
        return { failed: 'unparseable' };
      }
      throw err;
    }
    const noise = classifyNoise(mail, job.data, await this.addresses.own());
    if (noise) {
      this.log.info({ hash: job.data.hash, ...noise }, 'mail ignored');
      if (noise.kind === 'bounce') await this.noteBounce(file, mail);
      return { ignored: noise.kind };
    }
    const sender = mail.from?.address ?? (job.data.mailFrom || null);
    if (!sender) return { ignored: 'no sender' };
    const key = `mail:${mail.messageId ?? `sha256:${job.data.hash}`}`;
    // Checked before threading: a mail stored once must not open a ticket if it no longer threads.
    const dup = await this.core.models.Message.findOne({ dedupeKey: key }, { ticketNumber: 1 });
    if (dup) return { duplicate: true, ticket: dup.ticketNumber };
    const name = mail.from?.name || sender.split('@')[0];
    const author: Actor = { type: 'customer', name };
    const input: NewMessageInput = {
      ...this.texts(mail),
      channel: 'email',
      attachments: mail.attachments.map((a, i): AttachmentRef => ({ id: attachmentId(key, i), ...a })),
      mail: { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, from: sender, to: mail.to },
      dedupeKey: key,
      delivery: 'received',
    };

    const lastMail = mail.messageId ? { messageId: mail.messageId, references: mail.references.slice(-20) } : null;
    const thread = await this.findThread(mail, sender);
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
      const team = job.data.team ?? (await this.addresses.teamOf([...job.data.rcpt, ...mail.deliveredTo])) ?? DEFAULT_TEAM;
      const r = await this.core.tickets.create(
        {
          channel: 'email',
          subject: mail.subject || '(no subject)',
          team,
          type: TEAM_TYPES[team],
          customer: { name, email: sender, locale: guessLocale(mail.subject, name, input.body.slice(0, 2000)) },
          dedupeKey: key,
          message: { ...input, author },
          // what the next reply on this ticket threads to, set with the ticket instead of after it
          ...(lastMail ? { meta: { lastMail } } : {}),
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
      if (!createdWithIt) await this.core.models.Ticket.updateOne({ _id: ticket._id }, { $set: { 'meta.lastMail': lastMail } });
    }
    if (input.html?.includes('cid:')) await this.linkInlineImages(key);
    if (isNew) await this.acknowledge(ticket, sender);
    return { ticket: ticket.number, created: isNew };
  }

  /** The new text, the whole text and the sanitised HTML of a mail. */
  private texts(mail: ParsedMail): Pick<NewMessageInput, 'body' | 'fullBody' | 'html'> {
    const html = mail.html && mail.html.length <= MAX_SANITIZE_CHARS ? sanitizeHtml(mail.html, SANITIZE) : null;
    if (mail.text.trim()) {
      const full = mail.text.trim();
      return { body: splitReply(full).body, fullBody: full, html };
    }
    if (mail.html) {
      const full = htmlToText(mail.html);
      return { body: splitReply(htmlToText(mail.html, true)).body || full, fullBody: full, html };
    }
    return { body: '', fullBody: null, html };
  }

  /**
   * Threading: a stored Message-ID (ours or the customer's) in In-Reply-To/References wins; then
   * the [#number] token, but only from that ticket's customer, so a stranger cannot write into
   * someone else's ticket by guessing a number.
   */
  private async findThread(mail: ParsedMail, sender: string): Promise<TicketDoc | null> {
    const refs = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((r): r is string => !!r))];
    if (refs.length) {
      const hits = await this.MailRef.find({ _id: { $in: refs } }).lean();
      // the most recent mail of the chain that we know
      const hit = refs.map((r) => hits.find((h) => h._id === r)).find(Boolean);
      const t = hit ? await this.core.tickets.byId(hit.ticketId) : null;
      if (t) return t;
    }
    const token = /\[#(\d{1,9})\]/.exec(mail.subject);
    if (token) {
      const t = await this.core.models.Ticket.findOne({ number: Number(token[1]) });
      if (t) {
        const customer = await this.core.customers.findByContact({ email: sender });
        if (customer && String(customer._id) === String(t.customerId)) return t;
        this.log.info({ ticket: t.number }, 'ticket token from someone who is not its customer: new ticket');
      }
    }
    return null;
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

  /** A bounce of our mail: noted on the ticket, and the bounced message shows it failed. */
  private async noteBounce(file: string, mail: ParsedMail): Promise<void> {
    const ids = await bouncedMessageIds(file, mail.messageId);
    if (!ids.length) return;
    const ref = await this.MailRef.findOne({ _id: { $in: ids }, direction: 'out' }).lean();
    const original = ref ? await this.core.models.Message.findById(ref.messageId) : null;
    if (!original) return;
    const ticket = await this.core.tickets.byId(original.ticketId as Types.ObjectId);
    if (!ticket) return;
    const diagnostic = (/^Diagnostic-Code\s*:\s*(.{1,300})$/im.exec(mail.text) ?? /^Status\s*:\s*(.{1,300})$/im.exec(mail.text))?.[1]?.trim() ?? mail.subject;
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
