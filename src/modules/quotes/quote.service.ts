import { Types } from 'mongoose';
import type { Actor } from '../../core/types';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { LookupRows } from '../../infra/lookup-rows';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { Realtime } from '../../realtime/realtime';
import type { Principal } from '../auth/principal';
import { CounterModel, nextSequence } from '../counters/counter.model';
import { idsBy, oncePerDatabase } from '../counters/migration';
import type { CustomerService } from '../customers/customer.service';
import type { PartService } from '../parts/parts.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { WorkOrderService } from '../workorders/workorders.service';
import type { QuoteDoc, QuoteLine, QuoteModel, QuoteStatus } from './quote.model';
import type { CreateQuoteInput, QuoteView } from './quote.schemas';
import type { QuoteTokens } from './quote.token';

const DAY_MS = 24 * 3600_000;
const BACKFILL_MARK = 'migration:quote-rows';
const ticketKey = (ticketId: unknown) => `ticket:${String(ticketId)}`;
/** who records a payment (先款后货) */
export const PAYERS = ['supervisor', 'manager', 'admin'] as const;

export interface QuoteServiceDeps {
  Quote: QuoteModel;
  /** lookup rows `ticket:<id>` → the ticket's quote ids */
  rows: LookupRows;
  Counter: CounterModel;
  tickets: Pick<TicketService, 'visible' | 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  customers: Pick<CustomerService, 'get'>;
  parts: Pick<PartService, 'bySkus'>;
  workOrders: Pick<WorkOrderService, 'visible' | 'paymentCleared' | 'quoteAnswered'>;
  tokens: QuoteTokens;
  queues: Pick<Queues, 'schedule'>;
  outbox: Pick<MailOutbox, 'send'>;
  realtime: Pick<Realtime, 'toTeam'>;
  publicUrl: string;
  clock: Clock;
  log: Logger;
}

export type Decision = 'accept' | 'decline';
export type DecideResult = { kind: 'recorded'; quote: QuoteDoc } | { kind: 'answered' | 'expired' | 'paid'; quote: QuoteDoc } | { kind: 'invalid' };

export const formatQuoteNumber = (n: number) => `Q-${String(n).padStart(6, '0')}`;
export const expireJobId = (id: string) => `quote-expire-${id}`;
const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.id, name: p.name });

/** ¥1,234.50 from 123450 fen, in integers only. */
export function yuan(fen: number): string {
  const whole = Math.trunc(fen / 100).toLocaleString('en-US');
  return `¥${whole}.${String(Math.abs(fen % 100)).padStart(2, '0')}`;
}

/**
 * Quotes (报价) and payment before paid work (先款后货). A quote's lines are priced in integer
 * fen (parts at their catalogue price), mailed to the customer with a signed link; the customer
 * answers once on a page that changes nothing when opened; a supervisor, manager or admin records
 * the payment of the exact total, and a paid quote clears its work order for dispatch. Expiry is
 * a delayed job (a trigger): the status is derived from `validUntil` on every read too.
 */
export class QuoteService {
  constructor(private readonly d: QuoteServiceDeps) {}

  status(q: Pick<QuoteDoc, 'status' | 'validUntil'>): QuoteStatus {
    return q.status === 'sent' && q.validUntil.getTime() <= this.d.clock.now().getTime() ? 'expired' : q.status;
  }

  async create(ticketNumber: number, input: CreateQuoteInput, p: Principal): Promise<QuoteDoc> {
    if (p.role === 'engineer') throw new ForbiddenError('Quotes are made by agents of the ticket\'s team');
    const ticket = await this.d.tickets.visible(ticketNumber, p);
    const customer = await this.d.customers.get(String(ticket.customerId));
    const locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
    if (input.workOrderId) {
      const wo = await this.d.workOrders.visible(input.workOrderId, p);
      if (wo.ticketNumber !== ticket.number) throw new ValidationError('The work order belongs to another ticket', [{ path: 'workOrderId', message: `not a work order of ticket ${ticket.number}` }]);
    }
    const lines = await this.price(input.lines, locale);
    const total = lines.reduce((n, l) => n + l.amount, 0);
    if (!Number.isSafeInteger(total)) throw new ValidationError('The total is too large', [{ path: 'lines', message: 'total too large' }]);
    const now = this.d.clock.now();
    const number = formatQuoteNumber(await nextSequence(this.d.Counter, 'quote'));
    // the ticket's row names the quote before it is stored (LookupRows): the lists read it by key
    const _id = new Types.ObjectId();
    await this.d.rows.add(ticketKey(ticket._id), _id);
    const quote = await this.d.Quote.create({
      _id,
      number,
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      team: ticket.team,
      customerId: ticket.customerId,
      workOrderId: input.workOrderId ? new Types.ObjectId(input.workOrderId) : null,
      lines,
      total,
      currency: 'CNY',
      status: 'sent',
      validDays: input.validDays,
      validUntil: new Date(now.getTime() + input.validDays * DAY_MS),
      email: customer.emails[0] ?? null,
      locale,
      createdBy: { id: p.id, name: p.name },
    });
    await this.d.queues.schedule('quotes', 'expire', { quoteId: String(quote._id) }, { jobId: expireJobId(String(quote._id)), delay: quote.validUntil.getTime() - now.getTime(), removeOnComplete: true });
    if (quote.email) {
      await this.d.outbox.send(
        { to: quote.email, template: 'quote-sent', locale, data: { number, ticketNumber: ticket.number, customerName: customer.name, total: yuan(total), validUntil: quote.validUntil.toISOString(), url: this.link(quote), lines: lines.map((l) => ({ ...l, unitPrice: yuan(l.unitPrice), amount: yuan(l.amount) })) }, headers: { 'X-Aftercare-Ticket': String(ticket.number) } },
        `quote-mail-${quote._id}`,
      );
    }
    await this.answered(quote, 'sent');
    this.emit(quote);
    await this.note(quote, 'quote_sent', `Quote ${number} of ${yuan(total)} mailed to the customer`, p.name);
    return quote;
  }

  /** One line on the ticket's timeline per change of a quote (keyed: a retried job writes it once). */
  private async note(q: QuoteDoc, type: 'quote_sent' | 'quote_accepted' | 'quote_declined' | 'quote_paid' | 'quote_expired', body: string, by: string | null = null): Promise<void> {
    try {
      const ticket = await this.d.tickets.byId(q.ticketId);
      if (!ticket) return;
      const data = { quoteId: String(q._id), number: q.number, total: q.total, totalText: yuan(q.total), by, reference: q.payment?.reference ?? null };
      await this.d.timeline.addEvent(ticket, { type, data }, body, { key: `${type}:${q._id}` });
    } catch (err) {
      this.d.log.error({ err, quote: q.number, type }, 'quote timeline line not written');
    }
  }

  link(q: QuoteDoc): string {
    return `${this.d.publicUrl}/quote/${this.d.tokens.sign(String(q._id))}`;
  }

  private async price(input: CreateQuoteInput['lines'], locale: 'en' | 'zh-CN'): Promise<QuoteLine[]> {
    const catalogue = await this.d.parts.bySkus(input.filter((l) => l.sku).map((l) => l.sku!));
    return input.map((l, i) => {
      let unitPrice = l.unitPrice ?? 0;
      let description = l.description ?? '';
      if (l.kind === 'part') {
        const part = catalogue.get(l.sku!);
        if (!part) throw new ValidationError(`Unknown part ${l.sku}`, [{ path: `lines.${i}.sku`, message: 'no such part' }]);
        if (l.unitPrice !== undefined && l.unitPrice !== part.price) throw new AppError(422, 'price_mismatch', `${l.sku} costs ${part.price} fen in the catalogue, not ${l.unitPrice}`, { path: `lines.${i}.unitPrice`, price: part.price });
        unitPrice = part.price;
        description ||= part.name[locale];
      }
      const amount = l.qty * unitPrice;
      if (!Number.isSafeInteger(amount)) throw new ValidationError('A line is too large', [{ path: `lines.${i}`, message: 'amount too large' }]);
      return { kind: l.kind, sku: l.sku ?? null, description, qty: l.qty, unitPrice, amount };
    });
  }

  async get(id: string, p: Principal): Promise<QuoteDoc> {
    const q = Types.ObjectId.isValid(id) ? await this.d.Quote.findById(id) : null;
    if (!q || !p.canSeeTeam(q.team)) throw new NotFoundError(`Quote ${id}`);
    return q;
  }

  async ofTicket(ticketNumber: number, p: Principal): Promise<QuoteDoc[]> {
    const ticket = await this.d.tickets.visible(ticketNumber, p);
    return this.byTicket(ticket._id as Types.ObjectId, 100);
  }

  /** A ticket's quotes, newest first, read by `_id` from the ticket's row (never a scan of the quotes). */
  private async byTicket(ticketId: Types.ObjectId | string, limit: number): Promise<QuoteDoc[]> {
    const found = await this.d.rows.docs<QuoteDoc>([ticketKey(ticketId)], this.d.Quote, (q) => String(q.ticketId) === String(ticketId));
    return found
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (String(a._id) < String(b._id) ? 1 : -1))
      .slice(0, limit);
  }

  /** Once per database: quotes stored before the rows existed are named in their tickets' rows. */
  async backfill(): Promise<number> {
    return oncePerDatabase(this.d.Counter, BACKFILL_MARK, async () => {
      const groups = await idsBy(this.d.Quote, 'ticketId');
      await this.d.rows.addAll(groups.map((g) => ({ key: ticketKey(g._id), ids: g.ids })));
      return groups.length;
    });
  }

  /**
   * A ticket's quotes as its customer may see them (the status page and the portal): number, total,
   * status (a sent quote past its validity reads as expired even before its timer ran) and the link
   * to answer it while it can be answered.
   */
  async forCustomer(ticketId: string): Promise<{ number: string; total: number; currency: string; status: string; url?: string }[]> {
    if (!Types.ObjectId.isValid(ticketId)) return [];
    const quotes = await this.byTicket(ticketId, 20);
    return quotes.map((q) => {
      const status = this.status(q);
      return { number: q.number, total: q.total, currency: q.currency, status, ...(status === 'sent' ? { url: this.link(q) } : {}) };
    });
  }

  /** The quote of a page's token (null when forged). */
  async byToken(token: string): Promise<QuoteDoc | null> {
    const id = this.d.tokens.verify(token);
    return id ? this.d.Quote.findById(id) : null;
  }

  /** The customer's one answer: conditional on `sent` and still valid, so a second one changes nothing. */
  async decide(token: string, decision: Decision): Promise<DecideResult> {
    const q = await this.byToken(token);
    if (!q) return { kind: 'invalid' };
    const now = this.d.clock.now();
    const done = await this.d.Quote.findOneAndUpdate({ _id: q._id, status: 'sent', validUntil: { $gt: now } }, { $set: { status: decision === 'accept' ? 'accepted' : 'declined', decidedAt: now } }, { new: true });
    if (done) {
      await this.answered(done, decision === 'accept' ? 'accepted' : 'declined');
      this.emit(done);
      await this.note(done, decision === 'accept' ? 'quote_accepted' : 'quote_declined', `The customer ${decision === 'accept' ? 'accepted' : 'declined'} quote ${done.number} (${yuan(done.total)})`);
      this.d.log.info({ quote: done.number, decision }, 'quote answered');
      return { kind: 'recorded', quote: done };
    }
    const cur = (await this.d.Quote.findById(q._id))!;
    const status = this.status(cur);
    return { kind: status === 'expired' ? 'expired' : status === 'paid' ? 'paid' : 'answered', quote: cur };
  }

  /** The payment of the exact total by a supervisor (of the team), manager or admin; idempotent by reference. */
  async pay(id: string, input: { amount: number; reference: string }, p: Principal): Promise<{ quote: QuoteDoc; replayed: boolean }> {
    const q = await this.get(id, p);
    if (!(p.role === 'admin' || p.role === 'manager' || (p.role === 'supervisor' && p.teams.includes(q.team)))) throw new ForbiddenError('A payment is recorded by a supervisor of the team, a manager or an admin');
    if (q.status === 'paid') {
      if (q.payment?.reference !== input.reference || q.payment.amount !== input.amount) throw new ConflictError(`Quote ${q.number} is paid already (reference ${q.payment?.reference})`, 'already_paid');
      await this.clear(q, actorOf(p)); // a replay finishes what a crash may have left
      return { quote: q, replayed: true };
    }
    if (input.amount !== q.total) throw new AppError(422, 'amount_mismatch', `The payment must be the quote total of ${q.total} fen (${yuan(q.total)}), not ${input.amount}`, { total: q.total, amount: input.amount });
    const status = this.status(q);
    if (status !== 'accepted') throw new ConflictError(`Quote ${q.number} is ${status}; a payment follows the customer's acceptance`, status === 'expired' ? 'quote_expired' : 'quote_not_accepted');
    const paid = await this.d.Quote.findOneAndUpdate({ _id: q._id, status: 'accepted' }, { $set: { status: 'paid', payment: { amount: input.amount, reference: input.reference, by: { id: p.id, name: p.name }, at: this.d.clock.now() } } }, { new: true });
    if (!paid) return this.pay(id, input, p); // raced with another payment: answer as a replay or a conflict
    await this.clear(paid, actorOf(p));
    this.emit(paid);
    await this.note(paid, 'quote_paid', `Quote ${paid.number} paid: ${yuan(paid.total)}, reference ${input.reference}`, p.name);
    return { quote: paid, replayed: false };
  }

  /** Tells the quote's work order what the customer did with it (the dispatcher sees a declined quote). */
  private async answered(q: QuoteDoc, status: 'sent' | 'accepted' | 'declined' | 'expired'): Promise<void> {
    if (!q.workOrderId) return;
    await this.d.workOrders.quoteAnswered(String(q.workOrderId), String(q._id), status, status === 'sent' ? { type: 'agent', id: q.createdBy?.id ?? undefined, name: q.createdBy?.name ?? '' } : { type: 'customer', name: 'Customer' }).catch((err: unknown) => {
      this.d.log.error({ quote: q.number, err }, 'the work order could not be told of its quote');
    });
  }

  private async clear(q: QuoteDoc, actor: Actor): Promise<void> {
    if (q.workOrderId) await this.d.workOrders.paymentCleared(String(q.workOrderId), String(q._id), actor);
  }

  /** The timer's job and the sweeper: a sent quote past its validity turns expired. */
  async expire(id: string): Promise<boolean> {
    const q = await this.d.Quote.findOneAndUpdate({ _id: id, status: 'sent', validUntil: { $lte: this.d.clock.now() } }, { $set: { status: 'expired' } }, { new: true });
    if (q) {
      await this.answered(q, 'expired');
      this.emit(q);
      await this.note(q, 'quote_expired', `Quote ${q.number} (${yuan(q.total)}) expired unanswered`);
    }
    return !!q;
  }

  async sweep(limit = 200): Promise<number> {
    const due = await this.d.Quote.find({ status: 'sent', validUntil: { $lte: this.d.clock.now() } }, { _id: 1 }).limit(limit).lean();
    let n = 0;
    for (const q of due) if (await this.expire(String(q._id))) n++;
    return n;
  }

  private emit(q: QuoteDoc): void {
    this.d.realtime.toTeam(q.team, 'quote:updated', { id: String(q._id), number: q.number, ticketNumber: q.ticketNumber, status: this.status(q), total: q.total, currency: 'CNY', workOrderId: q.workOrderId ? String(q.workOrderId) : null });
  }

  serialize(q: QuoteDoc): QuoteView {
    return {
      id: String(q._id),
      number: q.number,
      ticketNumber: q.ticketNumber,
      workOrderId: q.workOrderId ? String(q.workOrderId) : null,
      total: q.total,
      currency: 'CNY',
      status: this.status(q),
      lines: q.lines.map((l) => ({ kind: l.kind, sku: l.sku ?? null, description: l.description, qty: l.qty, unitPrice: l.unitPrice, amount: l.amount })),
      validDays: q.validDays,
      validUntil: q.validUntil.toISOString(),
      decidedAt: q.decidedAt ? q.decidedAt.toISOString() : null,
      payment: q.payment?.reference ? { amount: q.payment.amount, reference: q.payment.reference, by: { id: q.payment.by?.id ?? null, name: q.payment.by?.name ?? '' }, at: q.payment.at.toISOString() } : null,
      createdAt: q.createdAt.toISOString(),
    };
  }
}
