import { z } from 'zod';
import { modelCode } from '../products/product.schemas';
import type { UnitPayload } from './unit.payloads';

export const unitIdParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id') });
export const customerIdParams = unitIdParams;

const serial = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N} ._/#-]+$/u, 'must be a serial number (letters, digits, - . _ / #)');

/** `YYYY-MM-DD` is a day in the organisation's time zone; a date-time with an offset is an instant. */
export const purchaseDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const registerUnitBody = z.strictObject({
  model: modelCode,
  serial,
  purchaseDate,
  purchasedFrom: z.string().trim().max(200).optional(),
});

export const findUnitQuery = z.strictObject({ serial, model: modelCode.optional() });

export const overrideBody = z.strictObject({
  /** `in` or `out`; null returns the unit to the computed rule */
  status: z.enum(['in', 'out']).nullable(),
  reason: z.string().trim().min(3, 'a reason is required').max(1000),
});

const reason = z.object({ code: z.string(), days: z.number().nullable(), en: z.string(), 'zh-CN': z.string() });
const computed = z.object({
  status: z.enum(['in', 'out']),
  until: z.string().nullable(),
  lastDay: z.string().nullable(),
  daysSincePurchase: z.number().nullable(),
  entitlement: z.array(z.enum(['return', 'exchange', 'repair', 'paid_repair'])),
  reason,
});
export const warrantyView = computed.extend({
  computed: computed.optional(),
  override: z.object({ status: z.enum(['in', 'out']), reason: z.string(), by: z.object({ id: z.string(), name: z.string() }), at: z.string() }).optional(),
});

export const unitView = z.object({
  id: z.string(),
  customerId: z.string(),
  model: z.string(),
  product: z.object({ name: z.object({ en: z.string(), 'zh-CN': z.string() }), category: z.string() }).nullable(),
  serial: z.string(),
  purchaseDate: z.string().nullable(),
  purchasedFrom: z.string().nullable(),
  warranty: warrantyView,
  tickets: z.array(z.number()),
  openReturnId: z.string().nullable(),
  replaces: z.string().nullable(),
  replacedBy: z.string().nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<UnitPayload>;
/** the console reads the same shape from the leaf unit.payloads.ts */
export type UnitView = z.infer<typeof unitView>;

export const unitHistoryView = z.object({
  entries: z.array(z.object({ action: z.string(), actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }), changes: z.record(z.string(), z.unknown()), reason: z.string().nullable(), at: z.string() })),
});
