import crypto from 'node:crypto';
import { Job, UnrecoverableError } from 'bullmq';
import type { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import type { Queues } from '../../infra/queues';
import type { Mailer } from '../../mail/mailer';
import type { Templates } from '../../mail/templates';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import { cleanSubject } from './quote';
import { GroupCommit } from '../../infra/group-commit';
import { MailRefModel, recordMailRef } from './mail-ref.model';

export interface ReplyJob {
  messageId: string;
  template: 'ticket-reply' | 'ticket-ack';
}

const MAX_REFERENCES = 20;

/** The customer's latest mail on a ticket, which our next mail answers (kept in the ticket's meta by the intake). */
export interface LastMail {
  messageId: string;
  references?: string[];
}

/** The domain of MAIL_FROM: our Message-IDs are minted there. */
export function mailDomain(mailFrom: string): string {
  const m = /@([^\s>]+)/.exec(mailFrom);
  return m ? m[1].toLowerCase() : 'aftercare.local';
}

export function mailAddress(mailFrom: string): string | null {
  const m = /<([^>]+)>/.exec(mailFrom) ?? /(\S+@\S+)/.exec(mailFrom);
  return m ? m[1].toLowerCase() : null;
}

export interface EmailDeliveryDeps {
  tickets: Pick<TicketService, 'byId' | 'message'>;
  timeline: Pick<TicketMessages, 'setDelivery' | 'assignMail'>;
  customers: Pick<CustomerService, 'get'>;
  queues: Queues;
  mailer: Mailer;
  templates: Templates;
  MailRef: MailRefModel;
  /** MAIL_FROM */
  mailFrom: string;
  /** the signed status page of a ticket, linked from every mail to the customer */
  statusLink?: (ticketId: string, locale: Locale) => string;
  /** where the bytes of a reply's attachments are (the content-addressed attachment store) */
  files?: { attachmentFile(hash: string): string };
}

/**
 * Agent replies (and acknowledgements) as threaded mail. `deliver` only enqueues; the `mail-out`
 * worker renders the template in the customer's language and sends. Other channels call `deliver`
 * when their customer is not reachable live but has an email address.
 */
export class EmailDelivery {
  private readonly domain: string;
  /** the outgoing Message-IDs of concurrent deliveries share bulk writes (issue #23) */
  private readonly refs: GroupCommit;

  constructor(private readonly d: EmailDeliveryDeps) {
    this.domain = mailDomain(d.mailFrom);
    this.refs = new GroupCommit(d.MailRef);
  }

  /** Whether this ticket's customer can be reached by mail at all. */
  async reachable(ticket: TicketDoc): Promise<boolean> {
    const c = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
    return !!c?.emails.length;
  }

  /** The delivery adapter (bound, so it can be handed around): queues the reply as a threaded mail. */
  readonly deliver = async (_ticket: TicketDoc, message: MessageDoc): Promise<void> => {
    await this.enqueue(message, 'ticket-reply');
  };

  async enqueue(message: MessageDoc, template: ReplyJob['template']): Promise<void> {
    const data: ReplyJob = { messageId: String(message._id), template };
    await this.d.queues.get('mail-out').add('reply', data, { jobId: `reply-${message._id}`, attempts: 6, backoff: { type: 'exponential', delay: 2000 } });
  }

  /**
   * The headers of a new outgoing mail to `to`, in reply to the customer's latest mail `last`. The
   * intake gives an acknowledgement its headers when it stores it (and records its reference with
   * the inbound one); a reply gets them at its first send.
   */
  outgoingMail(last: LastMail | null, to: string): { messageId: string; inReplyTo: string | null; references: string[]; from: string | null; to: string[] } {
    return {
      // random: a Message-ID anybody could guess would let a stranger reference it to thread
      // into the ticket, or forge a bounce of it
      messageId: `<${crypto.randomBytes(18).toString('base64url')}@${this.domain}>`,
      inReplyTo: last?.messageId ?? null,
      references: last ? [...(last.references ?? []), last.messageId].slice(-MAX_REFERENCES) : [],
      from: mailAddress(this.d.mailFrom),
      to: [to],
    };
  }

  /** The worker side: one job per message; a retry reuses the Message-ID stored before the first try. */
  async send(job: Job<ReplyJob>): Promise<unknown> {
    const message = await this.d.tickets.message(job.data.messageId);
    if (!message) return { skipped: 'message gone' };
    if (message.delivery?.status === 'sent') return { skipped: 'already sent' };
    const ticket = await this.d.tickets.byId(message.ticketId as Types.ObjectId);
    if (!ticket) return { skipped: 'ticket gone' };
    const customer = await this.d.customers.get(String(ticket.customerId));
    const to = customer.emails[0];
    if (!to) {
      await this.d.timeline.setDelivery(message, 'failed', 'The customer has no email address', ticket);
      return { failed: 'no address' };
    }

    let mail = message.mail;
    if (!mail?.messageId) {
      // the customer's latest mail on this ticket, kept on the ticket by the intake
      const last = (ticket.meta as { lastMail?: LastMail } | null)?.lastMail;
      // Stored before the first attempt: a retry after a lost answer sends the same Message-ID, so
      // the customer's client shows one mail, and a reply to either copy threads.
      mail = await this.d.timeline.assignMail(message, this.outgoingMail(last ?? null, to));
      await recordMailRef(this.refs, { _id: mail!.messageId!, ticketId: ticket._id, messageId: message._id, direction: 'out' });
    }

    const locale = (customer.locale ?? 'en') as Locale;
    const agentName = message.author.type === 'agent' ? message.author.name : '';
    const rendered = this.d.templates.renderMail(job.data.template, locale, {
      number: ticket.number,
      subject: cleanSubject(ticket.subject) || `#${ticket.number}`,
      body: message.body,
      agentName,
      customerName: customer.name,
      statusUrl: this.d.statusLink?.(String(ticket._id), locale) ?? null,
    });
    const token = `[#${ticket.number}]`;
    const subject = rendered.subject.includes(token) ? rendered.subject : `${rendered.subject} ${token}`;
    try {
      await this.d.mailer.send({
        to,
        subject,
        text: rendered.text,
        html: rendered.html,
        messageId: mail!.messageId!,
        inReplyTo: mail!.inReplyTo ?? undefined,
        references: mail!.references?.length ? mail!.references : undefined,
        // A person's reply is not an auto-reply; an acknowledgement is one (RFC 3834), so the
        // customer's own auto-responder stays quiet.
        headers: { 'Auto-Submitted': message.automatic ? 'auto-replied' : 'no', 'X-Aftercare-Ticket': String(ticket.number) },
        // an agent's files go with the mail, read from the store at send time (a retry reads them again)
        attachments: this.d.files && message.attachments?.length
          ? message.attachments.filter((a) => a.hash).map((a) => ({ filename: a.filename ?? 'attachment', path: this.d.files!.attachmentFile(a.hash!), contentType: a.contentType ?? undefined }))
          : undefined,
      });
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastTry) {
        await this.d.timeline.setDelivery(message, 'failed', e.message.slice(0, 500), ticket);
        if (permanent) throw new UnrecoverableError(e.message);
      }
      throw err;
    }
    await this.d.timeline.setDelivery(message, 'sent', null, ticket);
    return { sent: mail!.messageId };
  }
}
