import { DateTime } from 'luxon';
import en from '../../../templates/warranty/en.json';
import zh from '../../../templates/warranty/zh-CN.json';
import type { WarrantyTerms } from '../products/product.service';

/**
 * The three-guarantees rule (三包) for a performance fault, as a pure function of the unit, the
 * model's terms, the time and the organisation's time zone.
 *
 * Day counting (stated here, in README "Warranty" and tested at every boundary): days are whole
 * calendar days in the organisation's time zone between the day of purchase and today. The day of
 * purchase is day 0, the next calendar day day 1, whatever the hour. "Within N days" is inclusive:
 * days 0 … N. With the default windows a unit bought on 1 March may be returned up to and
 * including 8 March (day 7), exchanged up to and including 16 March (day 15), and is repaired free
 * up to and including its last warranty day: the same day of the month `warrantyMonths` later
 * (1 March 2025 for 12 months; a 31st falls back to the month's last day). The day after is paid.
 * This matches how Chinese law counts periods (the period starts the day after the event and
 * ends with the last day of it).
 */
export type Entitlement = 'return' | 'exchange' | 'repair' | 'paid_repair';
export type WarrantyStatus = 'in' | 'out';
export type ReasonCode =
  | 'return_window'
  | 'exchange_window'
  | 'in_warranty'
  | 'out_of_warranty'
  | 'no_purchase_date_in'
  | 'no_purchase_date_out'
  | 'no_purchase_date_ended'
  | 'unknown_terms'
  | 'override_in'
  | 'override_out';

export interface WarrantyReason {
  code: ReasonCode;
  /** whole days since purchase, null without a purchase date */
  days: number | null;
  en: string;
  'zh-CN': string;
}

export interface WarrantyOverride {
  status: WarrantyStatus;
  reason: string;
  by: { id: string; name: string };
  at: Date;
}

export interface WarrantySubject {
  purchaseDate: Date | null;
  /** an explicit last day of warranty (a warranty card, records migrated from customer products); else purchase + warrantyMonths */
  warrantyUntil?: Date | null;
  override?: WarrantyOverride | null;
  /** the model's terms; null when the catalogue does not know the model */
  terms: WarrantyTerms | null;
}

export interface ComputedWarranty {
  status: WarrantyStatus;
  /** the last instant covered (end of the last warranty day in the organisation's time zone), ISO 8601 UTC */
  until: string | null;
  /** the last warranty day, YYYY-MM-DD in the organisation's time zone */
  lastDay: string | null;
  daysSincePurchase: number | null;
  entitlement: Entitlement[];
  reason: WarrantyReason;
}

export interface Warranty extends ComputedWarranty {
  /** what the rule says when an override replaces it */
  computed?: ComputedWarranty;
  override?: { status: WarrantyStatus; reason: string; by: { id: string; name: string }; at: string };
}

const TEXTS: Record<'en' | 'zh-CN', Record<string, string>> = { en, 'zh-CN': zh };

function text(locale: 'en' | 'zh-CN', key: string, vars: Record<string, string | number>): string {
  return (TEXTS[locale][key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

function reason(code: ReasonCode, days: number | null, vars: Record<string, string | number> = {}): WarrantyReason {
  const ago = (locale: 'en' | 'zh-CN') => (days === null ? '' : text(locale, days === 0 ? 'ago.today' : days === 1 ? 'ago.one' : 'ago.many', { days }));
  return {
    code,
    days,
    en: text('en', code, { ...vars, ago: ago('en') }),
    'zh-CN': text('zh-CN', code, { ...vars, ago: ago('zh-CN') }),
  };
}

/** The rule without overrides. */
export function computeWarranty(unit: Omit<WarrantySubject, 'override'>, now: Date, timeZone: string): ComputedWarranty {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const bought = unit.purchaseDate ? DateTime.fromJSDate(unit.purchaseDate, { zone: timeZone }).startOf('day') : null;
  const lastDay = unit.warrantyUntil
    ? DateTime.fromJSDate(unit.warrantyUntil, { zone: timeZone }).startOf('day')
    : bought && unit.terms
      ? bought.plus({ months: unit.terms.warrantyMonths })
      : null;
  const until = lastDay ? lastDay.endOf('day').toUTC().toISO() : null;
  const lastDayText = lastDay ? lastDay.toISODate()! : null;
  const inWarranty = !!lastDay && today <= lastDay;
  const base = { until, lastDay: lastDayText };
  const vars = { lastDay: lastDayText ?? '' };

  if (!bought) {
    const code: ReasonCode = inWarranty ? 'no_purchase_date_in' : lastDay ? 'no_purchase_date_ended' : 'no_purchase_date_out';
    return { ...base, status: inWarranty ? 'in' : 'out', daysSincePurchase: null, entitlement: inWarranty ? ['repair'] : ['paid_repair'], reason: reason(code, null, vars) };
  }
  // a purchase "in the future" (clocks, a typo in a migrated record) counts as today
  const days = Math.max(0, Math.round(today.diff(bought, 'days').days));
  const returnDays = unit.terms?.returnDays ?? 7;
  const exchangeDays = unit.terms?.exchangeDays ?? 15;
  const at = (status: WarrantyStatus, entitlement: Entitlement[], code: ReasonCode): ComputedWarranty => ({ ...base, status, daysSincePurchase: days, entitlement, reason: reason(code, days, vars) });
  if (days <= returnDays) return at('in', ['return', 'exchange', 'repair'], 'return_window');
  if (days <= exchangeDays) return at('in', ['exchange', 'repair'], 'exchange_window');
  if (inWarranty) return at('in', ['repair'], 'in_warranty');
  if (!lastDay) return at('out', ['paid_repair'], 'unknown_terms');
  return at('out', ['paid_repair'], 'out_of_warranty');
}

/**
 * The unit's warranty: the rule's answer, or a warranty technician's decision shown beside it.
 * An override `in` keeps what the rule grants when the rule says `in` too (a return window stays
 * open), and grants free repair otherwise; an override `out` leaves paid repair only.
 */
export function warrantyOf(unit: WarrantySubject, now: Date, timeZone: string): Warranty {
  const computed = computeWarranty(unit, now, timeZone);
  const o = unit.override;
  if (!o) return computed;
  const entitlement: Entitlement[] = o.status === 'out' ? ['paid_repair'] : computed.status === 'in' ? computed.entitlement : ['repair'];
  return {
    ...computed,
    status: o.status,
    entitlement,
    reason: reason(o.status === 'in' ? 'override_in' : 'override_out', computed.daysSincePurchase, { by: o.by.name, reason: o.reason }),
    computed,
    override: { status: o.status, reason: o.reason, by: o.by, at: o.at.toISOString() },
  };
}

/** A purchase date as given: `YYYY-MM-DD` is that day's midnight in the organisation's time zone; a date-time is itself. */
export function purchaseInstant(value: string, timeZone: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return DateTime.fromISO(value, { zone: timeZone }).startOf('day').toJSDate();
  return new Date(value);
}
