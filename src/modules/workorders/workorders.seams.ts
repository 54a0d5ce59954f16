import type { Locale } from '../../core/types';
import { ConflictError } from '../../errors';

/**
 * The seams to modules that come later or elsewhere, each one function or one interface, so that
 * the work order code does not change when they arrive.
 */

/** A unit's warranty as the units module (#16) computes it (`warrantyOf(unit)`). */
export interface UnitWarranty {
  status: 'in' | 'out';
  until?: string | Date | null;
  entitlement?: string[];
  override?: unknown;
}

export interface UnitInfo {
  id: string;
  customerId: string;
  model: string;
  serial: string;
  warranty: UnitWarranty;
}

/** Units (#16): a unit by id with its warranty now; null when there is none. */
export type UnitLookup = (unitId: string) => Promise<UnitInfo | null>;

export interface Payment {
  required: boolean;
  quoteId?: string | null;
  status: 'none' | 'awaiting' | 'paid';
  quoteStatus?: QuoteStatusOfPayment | null;
}

/** The latest quote of a work order awaiting payment, as the customer left it. */
export type QuoteStatusOfPayment = 'sent' | 'accepted' | 'declined' | 'expired';

/** Who pays (先款后货): an out-of-warranty repair is paid before anyone is dispatched. */
export function paymentOf(kind: string, warranty: { status?: string } | null): Payment {
  const required = kind === 'repair' && warranty?.status === 'out';
  return { required, quoteId: null, status: required ? 'awaiting' : 'none' };
}

/**
 * The payment gate, the one place that decides: a work order whose payment is required reaches
 * `dispatched` only once its quote is paid (quotes and payment, a later issue, call
 * WorkOrderService.paymentCleared). 409 `payment_required` otherwise.
 */
export function assertPaymentCleared(wo: { payment?: { required?: boolean | null; status?: string | null } | null }): void {
  if (wo.payment?.required && wo.payment.status !== 'paid') {
    throw new ConflictError('This out-of-warranty repair can be dispatched once its quote is accepted and paid', 'payment_required');
  }
}

/** A part the service report lists as used. */
export interface UsedPart {
  sku: string;
  qty: number;
  defectiveSerial?: string | null;
  newSerial?: string | null;
}

/**
 * Parts and stock (a later issue): the report consumes what it lists (reserved quantities first,
 * then available ones) and records the defective parts expected back. `ref` is unique per report
 * version, so a replay consumes once. The default does nothing: the parts catalogue is not built.
 */
export interface PartsLedger {
  consume(workOrder: { id: string; number: string; engineerId: string | null }, parts: UsedPart[], ref: string): Promise<void>;
}

export const noPartsLedger: PartsLedger = { consume: async () => undefined };

/**
 * SMS to the customer (the `channels` branch, #22, brings SmsService with the templates
 * `appointment-confirmed` and `engineer-on-the-way`; its `send` has this shape). The work order
 * texts the customer's phone when the appointment is confirmed and when the engineer sets off,
 * beside the mails, with a reference unique per notice so a repeated change texts once. Null
 * until SMS is configured: then only mails go out.
 */
export interface CustomerSms {
  send(to: { phone: string }, template: 'appointment-confirmed' | 'engineer-on-the-way', vars: Record<string, string | number>, locale: Locale, opts: { reference: string; ticketId?: string }): Promise<unknown>;
}
