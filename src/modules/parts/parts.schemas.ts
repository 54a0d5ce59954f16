import { z } from 'zod';
import { intParamWithDefault } from '../../http/schema-types';
import { modelCode } from '../products/product.schemas';
import { objectId } from '../tickets/ticket.schemas';
import type { MovePayload, OldPartPayload, PartPayload, StockRowPayload } from './parts.payloads';
import { CONDITIONS, MOVE_REASONS, MOVE_STATES, OLD_PART_STATUSES, STORE_REASONS } from './parts.model';

export const sku = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a part number such as AC-CAP-35 (letters, digits, . _ -)');
/** `central`, `engineer:<agentId>` (the engineer's van) or `point:<key>` (a service point) */
export const location = z
  .string()
  .max(64)
  .regex(/^(central|engineer:[a-f0-9]{24}|point:[a-z0-9][a-z0-9_-]{0,31})$/, 'must be central, engineer:<agentId> or point:<key>')
  .describe('central, engineer:<agentId> (a van) or point:<key> (a service point)');
/** integer fen: 12345 = ¥123.45 */
export const fen = z.number().int().min(0).max(1_000_000_000_00).describe('integer fen (12345 = ¥123.45)');

const localized = z.strictObject({ en: z.string().trim().min(1).max(200), 'zh-CN': z.string().trim().min(1).max(200) });
const partFields = {
  name: localized,
  models: z.array(modelCode).max(50).default([]),
  price: fen,
  unit: z.string().trim().min(1).max(20).nullable().optional().describe('pcs, m, set …'),
  returnable: z.boolean().optional().describe('a replaced part of this kind comes back to the old-parts store (default true; false for consumables)'),
  active: z.boolean().optional(),
};
export const createPartBody = z.strictObject({ sku, ...partFields });
export const putPartBody = z.strictObject({ sku: sku.optional(), currency: z.literal('CNY').optional(), ...partFields });
export const partParams = z.strictObject({ sku });
export const listPartsQuery = z.strictObject({
  model: modelCode.optional().describe('parts that fit this model'),
  q: z.string().trim().min(1).max(100).optional().describe('text in the sku or either name'),
  limit: intParamWithDefault({ min: 1, max: 200, default: 50 }),
});

export const partView = z.object({
  sku: z.string(),
  name: z.object({ en: z.string(), 'zh-CN': z.string() }),
  models: z.array(z.string()),
  price: z.number().int(),
  currency: z.literal('CNY'),
  unit: z.string().nullable(),
  returnable: z.boolean(),
  active: z.boolean(),
}) satisfies z.ZodType<PartPayload>;

export const stockQuery = z.strictObject({ sku: sku.optional(), location: location.optional(), condition: z.enum(CONDITIONS).optional() });
export const stockRowView = z.object({ sku: z.string(), location: z.string(), condition: z.enum(CONDITIONS), onHand: z.number().int(), reserved: z.number().int(), available: z.number().int() }) satisfies z.ZodType<StockRowPayload>;

const place = z.strictObject({ location, condition: z.enum(CONDITIONS).default('new') });
const ref = z.string().trim().min(1).max(120).regex(/^[\w.:\/-]+$/, 'letters, digits and . _ : / -').describe('your unique reference: a repeat answers the first result');
export const moveBody = z.strictObject({
  ref,
  sku,
  qty: z.number().int().min(1).max(100_000),
  reason: z.enum(STORE_REASONS),
  from: place.optional(),
  to: place.optional(),
  note: z.string().trim().max(1000).optional(),
  oldPartId: z.string().max(200).optional().describe('return_defective: the old-part line it closes (default: the oldest outstanding one of the sku, of the engineer when from is a van)'),
});
export const movesQuery = z.strictObject({ sku: sku.optional(), ref: ref.optional(), limit: intParamWithDefault({ min: 1, max: 500, default: 100 }) });
export const moveView = z.object({
  id: z.string(),
  ref: z.string(),
  sku: z.string(),
  qty: z.number().int(),
  reason: z.enum(MOVE_REASONS),
  from: z.object({ location: z.string(), condition: z.enum(CONDITIONS) }).nullable(),
  to: z.object({ location: z.string(), condition: z.enum(CONDITIONS) }).nullable(),
  legs: z.array(z.object({ location: z.string(), condition: z.enum(CONDITIONS), onHand: z.number(), reserved: z.number(), available: z.number() })),
  state: z.enum(MOVE_STATES),
  by: z.object({ id: z.string().nullable(), name: z.string() }),
  note: z.string().nullable(),
  workOrder: z.object({ id: z.string(), number: z.string().nullable() }).nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<MovePayload>;

export const workOrderParams = z.strictObject({ id: objectId });
export const reserveBody = z.strictObject({
  sku,
  qty: z.number().int().min(1).max(1000),
  location: location.optional().describe("default: the engineer's van when it has enough, else central"),
  ref: ref.optional(),
});
export const partMissingBody = z.strictObject({
  sku: sku.optional(),
  note: z.string().trim().max(1000).optional(),
  clientId: z.string().min(8).max(64).regex(/^[\w-]+$/),
});
export const reservationView = z.object({ sku: z.string(), location: z.string(), reserved: z.number().int(), consumed: z.number().int(), released: z.number().int(), open: z.number().int() });

export const oldPartsQuery = z.strictObject({ status: z.enum(['outstanding', 'returned', 'overdue']).optional(), engineer: objectId.optional(), limit: intParamWithDefault({ min: 1, max: 500, default: 200 }) });
export const oldPartView = z.object({
  id: z.string(),
  sku: z.string(),
  model: z.string().nullable(),
  qty: z.number().int(),
  defectiveSerial: z.string().nullable(),
  workOrder: z.object({ id: z.string(), number: z.string() }),
  ticketNumber: z.number().nullable(),
  engineerId: z.string().nullable(),
  takenAt: z.string(),
  dueAt: z.string(),
  status: z.enum([...OLD_PART_STATUSES, 'overdue']),
  returnedAt: z.string().nullable(),
}) satisfies z.ZodType<OldPartPayload>;

export type PartView = z.infer<typeof partView>;
export type StockRowView = z.infer<typeof stockRowView>;
export type MoveView = z.infer<typeof moveView>;
export type OldPartView = z.infer<typeof oldPartView>;
