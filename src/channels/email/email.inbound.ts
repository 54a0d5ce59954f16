import fs from 'node:fs';
import type { Job } from 'bullmq';
import type { Types } from 'mongoose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import sanitizeHtml from 'sanitize-html';
import type { Actor, Locale } from '../../core/types';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import { guessLocale, type CustomerService } from '../../modules/customers/customer.service';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { AttachmentRef } from '../../modules/tickets/ticket.store';
import type { TicketType } from '../../modules/tickets/ticket.types';
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

export interface InboundMailDeps {
  tickets: Pick<TicketService, 'byId' | 'byNumber' | 'message' | 'messageByKey'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAutomatic' | 'setDelivery'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findByContact'>;
  templates: Templates;
  store: MailStore;
  addresses: TeamAddresses;
  delivery: Pick<EmailDelivery, 'enqueue'>;
  ackLimiter: RateLimiterRedis;
  MailRef: MailRefModel;
  log: Logger;
}

/**
 * The `mail-in` job: a stored raw mail becomes a message on the right ticket, through the inbound
 * contract. Idempotent on the Message-ID, so a retry (or the same mail delivered twice) lands once,
 * and the mail that opened a ticket is acknowledged once, even when a crash came in between.
 */
export class InboundMail {
  private readonly store: MailStore;
  private readonly addresses: TeamAddresses;
  private readonly MailRef: MailRefModel;
  private readonly log: Logger;

  constructor(private readonly d: InboundMailDeps) {
    this.store = d.store;
    this.addresses = d.addresses;
    this.MailRef = d.MailRef;
    this.log = d.log;
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
    const name = mail.from?.name || sender.split('@')[0];
    const author: Actor = { type: 'customer', name };
    const texts = this.texts(mail);
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
    const r = await this.d.inbound.receive({
      channel: 'email',
      customer: { name, email: sender, locale: guessLocale(mail.subject, name, texts.body.slice(0, 2000)) },
      author,
      thread: await this.findThread(mail, sender),
      open: { key, subject: mail.subject || '(no subject)', team, type: TEAM_TYPES[team] },
      message: input,
      ...(lastMail ? { meta: { lastMail } } : {}),
    });
    // idempotent, so a retry after a crash past the store repairs what the first attempt left undone
    if (r.message && lastMail) await recordMailRef(this.MailRef, { _id: lastMail.messageId, ticketId: r.ticket._id, messageId: r.message._id, direction: 'in' });
    if (r.opened) await this.acknowledge(r.ticket, sender);
    if (r.outcome === 'duplicate') return { duplicate: true, ticket: r.ticket.number };
    return { ticket: r.ticket.number, created: r.outcome === 'opened' || r.outcome === 'linked' };
  }

  /** The new text, the whole text and the sanitised HTML of a mail. */
  private texts(mail: ParsedMail): { body: string; fullBody: string | null; html: string | null } {
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
      const t = hit ? await this.d.tickets.byId(hit.ticketId) : null;
      if (t) return t;
    }
    const token = /\[#(\d{1,9})\]/.exec(mail.subject);
    if (token) {
      const t = await this.d.tickets.byNumber(Number(token[1])).catch(() => null);
      if (t) {
        const customer = await this.d.customers.findByContact({ email: sender });
        if (customer && String(customer._id) === String(t.customerId)) return t;
        this.log.info({ ticket: t.number }, 'ticket token from someone who is not its customer: new ticket');
      }
    }
    return null;
  }

  /**
   * One acknowledgement per new ticket, and only a few per sender an hour, whatever arrives.
   * Idempotent on the ticket: a retry of the mail that opened it (a crash before the
   * acknowledgement went out) queues the one not yet sent, and never a second.
   */
  private async acknowledge(ticket: TicketDoc, sender: string): Promise<void> {
    const ackKey = `ack:${ticket._id}`;
    let message = await this.d.tickets.messageByKey(ackKey);
    if (!message) {
      try {
        await this.d.ackLimiter.consume(sender);
      } catch (err) {
        if (err instanceof Error) this.log.warn({ err }, 'acknowledgement rate limiter unavailable');
        else this.log.info({ ticket: ticket.number }, 'acknowledgement suppressed: too many from this sender');
        return;
      }
      const customer = await this.d.customers.get(String(ticket.customerId));
      const rendered = this.d.templates.renderMail('ticket-ack', customer.locale as Locale, { number: ticket.number, subject: ticket.subject, customerName: customer.name, body: '' });
      ({ message } = await this.d.timeline.addAutomatic(ticket, { body: rendered.text, dedupeKey: ackKey }));
    }
    if (message.delivery?.status === 'queued') await this.d.delivery.enqueue(message, 'ticket-ack');
  }

  /** A bounce of our mail: noted on the ticket, and the bounced message shows it failed. */
  private async noteBounce(file: string, mail: ParsedMail): Promise<void> {
    const ids = await bouncedMessageIds(file, mail.messageId);
    if (!ids.length) return;
    const ref = await this.MailRef.findOne({ _id: { $in: ids }, direction: 'out' }).lean();
    const original = ref ? await this.d.tickets.message(ref.messageId) : null;
    if (!original) return;
    const ticket = await this.d.tickets.byId(original.ticketId as Types.ObjectId);
    if (!ticket) return;
    const diagnostic = (/^Diagnostic-Code\s*:\s*(.{1,300})$/im.exec(mail.text) ?? /^Status\s*:\s*(.{1,300})$/im.exec(mail.text))?.[1]?.trim() ?? mail.subject;
    const key = `mail-bounced:${original._id}`;
    if (await this.d.tickets.messageByKey(`event:${key}`)) return; // noted before: one note per bounced mail
    const to = original.mail?.to?.join(', ') || null;
    await this.d.timeline.addEvent(ticket, { type: 'mail_bounced', data: { messageId: original.mail?.messageId ?? null, bounceMessageId: mail.messageId, diagnostic, to } }, `Mail to ${to || 'the customer'} bounced: ${diagnostic}`, { key });
    await this.d.timeline.setDelivery(original, 'failed', `bounced: ${diagnostic}`.slice(0, 500));
  }
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
