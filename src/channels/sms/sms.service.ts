import fs from 'node:fs';
import path from 'node:path';
import { Job, UnrecoverableError } from 'bullmq';
import { Types } from 'mongoose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Locale } from '../../core/types';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import { type CustomerService, normalizePhone } from '../../modules/customers/customer.service';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { SmsFields, SmsModels } from './sms.model';
import { SmsProvider, SmsProviderError, SmsStatus } from './sms.provider';

/** The SMS templates other domains send (templates/sms/<locale>/<name>.hbs). */
export const SMS_TEMPLATES = ['appointment-confirmed', 'engineer-on-the-way', 'survey-link', 'status-link', 'agent-message', 'verify-code'] as const;
export type SmsTemplate = (typeof SMS_TEMPLATES)[number];

/** Provider-side template parameters in order (templates/sms/params.json). */
const PARAMS: Record<string, string[]> = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'templates', 'sms', 'params.json'), 'utf8'));

const RANK: Record<SmsStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', '退订', '退定', 'TD', 'T', 'N']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES', '订阅']);

export type SmsView = ReturnType<typeof serializeSms>;

export interface SmsServiceDeps {
  models: SmsModels;
  provider: SmsProvider;
  customers: Pick<CustomerService, 'get' | 'findByContact'>;
  tickets: Pick<TicketService, 'message' | 'byId'>;
  timeline: Pick<TicketMessages, 'setDelivery'>;
  /** a customer's text that is not a keyword becomes a message, through the inbound contract */
  inbound: Pick<TicketInbound, 'receive'>;
  templates: Templates;
  queues: Queues;
  /** messages per phone number and hour */
  perPhone: RateLimiterRedis;
  clock: Clock;
  log: Logger;
}

export interface SendOptions {
  /** idempotency: a second send with the same reference returns the first SMS (default: random) */
  reference?: string;
  ticketId?: string;
  /** the ticket message this SMS delivers (its delivery state follows the SMS) */
  messageId?: string;
}

/**
 * Text messages to customers: `send(customerId | phone, template, vars, locale)` renders the template
 * in the customer's language, honours their opt-out and a per-phone hourly limit, stores the SMS and
 * queues it; the worker sends through the provider of SMS_URL (provider errors retried with backoff)
 * and callbacks move it through queued → sent → delivered / failed.
 */
export class SmsService {
  constructor(private readonly d: SmsServiceDeps) {}

  get provider(): string {
    return this.d.provider.name;
  }

  async send(to: { customerId: string } | { phone: string }, template: SmsTemplate, vars: Record<string, string | number>, locale?: Locale, opts: SendOptions = {}): Promise<SmsView> {
    if (opts.reference) {
      const existing = await this.d.models.Sms.findOne({ reference: opts.reference }).lean();
      if (existing) return serializeSms(existing);
    }
    let phone: string | undefined;
    let customerId: Types.ObjectId | null = null;
    let lang = locale;
    if ('customerId' in to) {
      const c = await this.d.customers.get(to.customerId);
      customerId = c._id;
      phone = c.phones[0];
      lang ??= c.locale as Locale;
      if (!phone) throw new ValidationError('The customer has no phone number');
    } else {
      phone = to.phone;
      const c = await this.d.customers.findByContact({ phone });
      if (c) (customerId = c._id), (lang ??= c.locale as Locale);
    }
    const e164 = normalizePhone(phone);
    if (!/^\+\d{6,15}$/.test(e164)) throw new ValidationError('The phone number must be in international form, e.g. +8613800138000');
    const finalLocale: Locale = lang ?? 'en';
    const text = this.d.templates.renderSms(template, finalLocale, vars);
    const params = (PARAMS[template] ?? []).map((k) => String(vars[k] ?? ''));
    const base = { reference: opts.reference ?? `sms:${new Types.ObjectId()}`, to: e164, customerId, ticketId: opts.ticketId ? new Types.ObjectId(opts.ticketId) : null, messageId: opts.messageId ? new Types.ObjectId(opts.messageId) : null, template, locale: finalLocale, text, params, provider: this.d.provider.name };
    const now = this.d.clock.now();
    if (await this.optedOut(e164)) {
      // kept, so that whoever asked sees why nothing went out
      const sms = await this.create({ ...base, status: 'failed', error: 'opted_out', events: [{ status: 'failed', at: now, detail: 'opted_out' }] });
      await this.followMessage(sms);
      return serializeSms(sms);
    }
    try {
      await this.d.perPhone.consume(e164);
    } catch (err) {
      if (err instanceof Error) throw err;
      throw new TooManyRequestsError('Too many text messages to this number this hour', Math.ceil((err as { msBeforeNext: number }).msBeforeNext / 1000));
    }
    const sms = await this.create({ ...base, status: 'queued', events: [{ status: 'queued', at: now }] });
    // the customer's answer to this text continues its ticket
    if (base.ticketId) await this.d.models.SmsThread.updateOne({ _id: e164 }, { $set: { ticketId: base.ticketId, at: now } }, { upsert: true });
    await this.d.queues.get('sms').add('send', { id: String(sms._id) }, { jobId: `sms-${sms._id}`, attempts: 8, backoff: { type: 'exponential', delay: 5000 } });
    return serializeSms(sms);
  }

  private async create(doc: Partial<SmsFields>): Promise<SmsFields> {
    try {
      return (await this.d.models.Sms.create(doc)).toObject() as SmsFields;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return (await this.d.models.Sms.findOne({ reference: doc.reference }).lean())!;
    }
  }

  async get(id: string): Promise<SmsView> {
    return (await this.getWithTicket(id)).view;
  }

  /** The SMS and the ticket it belongs to, if any (who may read it depends on that ticket's team). */
  async getWithTicket(id: string): Promise<{ view: SmsView; ticketId: Types.ObjectId | null }> {
    const sms = Types.ObjectId.isValid(id) ? await this.d.models.Sms.findById(id).lean() : null;
    if (!sms) throw new NotFoundError('SMS');
    return { view: serializeSms(sms), ticketId: sms.ticketId ?? null };
  }

  /** The `sms/send` job: one provider call per SMS; a retry after a lost answer is the provider's risk, never a second row. */
  async deliver(job: Job<{ id: string }>): Promise<unknown> {
    const sms = await this.d.models.Sms.findById(job.data.id).lean();
    if (!sms) return { skipped: 'gone' };
    if (sms.status !== 'queued' || sms.providerId) return { skipped: sms.status };
    if (await this.optedOut(sms.to)) return this.move(sms, 'failed', 'opted_out');
    try {
      const sent = await this.d.provider.send({ to: sms.to, text: sms.text, template: sms.template, params: sms.params, locale: sms.locale, reference: String(sms._id) });
      await this.d.models.SmsRef.updateOne({ _id: `${sms.provider}:${sent.providerId}` }, { $setOnInsert: { smsId: sms._id } }, { upsert: true });
      await this.d.models.Sms.updateOne({ _id: sms._id }, { $set: { providerId: sent.providerId }, $inc: { attempts: 1 } });
      return this.move(sms, sent.status === 'queued' ? 'sent' : sent.status, null);
    } catch (err) {
      await this.d.models.Sms.updateOne({ _id: sms._id }, { $inc: { attempts: 1 }, $set: { error: (err as Error).message.slice(0, 300) } });
      const e = err instanceof SmsProviderError ? err : null;
      if (e?.optedOut) await this.setOptOut(sms.to, true, 'provider');
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (e?.permanent || lastTry) {
        await this.move(sms, 'failed', (err as Error).message.slice(0, 300));
        if (e?.permanent) throw new UnrecoverableError((err as Error).message);
      }
      throw err;
    }
  }

  /** A provider's delivery report. Unknown ids are ignored; states never go backwards. */
  async report(provider: string, providerId: string, status: SmsStatus, detail?: string | null): Promise<boolean> {
    const ref = await this.d.models.SmsRef.findById(`${provider}:${providerId}`).lean();
    const sms = ref ? await this.d.models.Sms.findById(ref.smsId).lean() : null;
    if (!sms) return false;
    await this.move(sms, status, status === 'failed' ? (detail ?? 'failed') : null, detail);
    return true;
  }

  /**
   * A customer's text to us: STOP / 退订 opts the number out, START opts an opted-out number back in;
   * anything else is the customer writing: a message on the ticket the number's last text was about
   * (reopened when solved, a linked new one when closed), or a new ticket, stored before the provider
   * is answered and once per provider message (`id`; Tencent gives none: the number, time and words).
   */
  async received(provider: string, from: string, text: string, id: string): Promise<{ outcome: 'opted_out' | 'opted_in' | 'message' | 'ignored'; ticketNumber?: number }> {
    const word = text.trim().toUpperCase().replace(/[。.!！\s]+$/, '');
    const phone = normalizePhone(from);
    if (STOP_WORDS.has(word)) return (await this.setOptOut(phone, true, `reply:${provider}`), { outcome: 'opted_out' });
    if (START_WORDS.has(word) && (await this.optedOut(phone))) return (await this.setOptOut(phone, false, `reply:${provider}`), { outcome: 'opted_in' });
    const body = text.trim();
    if (!body || !/^\+\d{6,15}$/.test(phone)) {
      this.d.log.info({ provider }, 'sms reply ignored (empty, or not a phone number)');
      return { outcome: 'ignored' };
    }
    const customer = await this.d.customers.findByContact({ phone });
    const last = await this.d.models.SmsThread.findById(phone).lean();
    const thread = last ? await this.d.tickets.byId(String(last.ticketId)) : null;
    const r = await this.d.inbound.receive({
      channel: 'sms',
      customer: { name: customer?.name ?? phone, phone },
      ...(customer ? { customerId: customer._id } : {}),
      thread,
      // two deliveries of a first text open one ticket
      open: { key: `sms-ticket:${phone}:after:${last?.ticketId ?? 'none'}`, subject: body.replace(/\s+/g, ' ').slice(0, 80), team: 'support' },
      message: { body: body.slice(0, 2000), dedupeKey: `sms:${provider}:${id}`, delivery: 'received' },
    });
    if (String(r.ticket._id) !== String(last?.ticketId ?? '')) await this.d.models.SmsThread.updateOne({ _id: phone }, { $set: { ticketId: r.ticket._id, at: this.d.clock.now() } }, { upsert: true });
    return { outcome: 'message', ticketNumber: r.ticket.number };
  }

  async optedOut(phone: string): Promise<boolean> {
    return !!(await this.d.models.SmsOptOut.findById(normalizePhone(phone)).lean())?.optedOut;
  }

  async setOptOut(phone: string, optedOut: boolean, via: string): Promise<void> {
    await this.d.models.SmsOptOut.updateOne({ _id: normalizePhone(phone) }, { $set: { optedOut, via, at: this.d.clock.now() } }, { upsert: true });
  }

  /** The reply guard of the `sms` channel: no phone, or a number that opted out, is refused before the reply is stored. */
  readonly guard = async (ticket: { customerId: unknown }): Promise<void> => {
    const c = await this.d.customers.get(String(ticket.customerId));
    if (!c.phones[0]) throw new ConflictError('The customer has no phone number to text', 'no_phone');
    if (await this.optedOut(c.phones[0])) throw new ConflictError('The customer opted out of text messages', 'sms_opted_out');
  };

  /** The delivery adapter of the `sms` channel: an agent's reply sent as a text to the ticket's customer. */
  readonly deliverReply = async (ticket: { _id: unknown; customerId: unknown }, message: { _id: unknown; body: string }): Promise<void> => {
    try {
      await this.send({ customerId: String(ticket.customerId) }, 'agent-message', { body: message.body }, undefined, { reference: `reply:${message._id}`, ticketId: String(ticket._id), messageId: String(message._id) });
    } catch (err) {
      const msg = await this.d.tickets.message(String(message._id));
      if (msg) await this.d.timeline.setDelivery(msg, 'failed', (err as Error).message.slice(0, 300));
    }
  };

  private async move(sms: SmsFields, status: SmsStatus, error: string | null, detail?: string | null): Promise<unknown> {
    const lower = (Object.keys(RANK) as SmsStatus[]).filter((s) => RANK[s] < RANK[status]);
    const r = await this.d.models.Sms.updateOne(
      { _id: sms._id, status: { $in: lower } },
      { $set: { status, ...(error ? { error } : {}) }, $push: { events: { status, at: this.d.clock.now(), detail: detail ?? error ?? null } } },
    );
    if (r.modifiedCount) await this.followMessage({ ...sms, status });
    return { status, moved: r.modifiedCount === 1 };
  }

  /** An agent's reply sent by SMS shows the SMS's state on the timeline. */
  private async followMessage(sms: Pick<SmsFields, 'messageId' | 'status' | 'error'>): Promise<void> {
    if (!sms.messageId || sms.status === 'queued') return;
    const msg = await this.d.tickets.message(sms.messageId);
    if (msg) await this.d.timeline.setDelivery(msg, sms.status === 'failed' ? 'failed' : 'sent', sms.status === 'failed' ? (sms.error ?? 'failed') : null);
  }
}

export function serializeSms(s: SmsFields) {
  return {
    id: String(s._id),
    reference: s.reference,
    to: s.to,
    customerId: s.customerId ? String(s.customerId) : null,
    template: s.template,
    locale: s.locale,
    text: s.text,
    provider: s.provider,
    providerId: s.providerId ?? null,
    status: s.status,
    error: s.error ?? null,
    events: (s.events ?? []).map((e) => ({ status: e.status, at: new Date(e.at).toISOString(), detail: e.detail ?? null })),
    createdAt: new Date(s.createdAt).toISOString(),
  };
}
