import { z } from 'zod';
import { RETURN_EVENTS, RETURN_KINDS, RETURN_REASON_CODES, RETURN_STATUSES } from './return.machine';
import type { ReturnViewPayload } from './return.payloads';

const hexId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
const clientId = z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits and - _ . : only');

export const returnIdParams = z.strictObject({ id: hexId });
export const attachmentParams = z.strictObject({ id: hexId, attachmentId: z.string().regex(/^[a-f0-9]{24}$/) });
export const ticketNumberParams = z.strictObject({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const createReturnBody = z.strictObject({
  kind: z.enum(RETURN_KINDS),
  unitId: hexId,
  reason: z.string().trim().min(1).max(2000),
  reasonCode: z.enum(RETURN_REASON_CODES).optional(),
  /** accept a kind outside the unit's entitlement: members of team warranty and managers */
  override: z.strictObject({ reason: z.string().trim().min(3, 'a reason is required').max(1000) }).optional(),
  /** makes creation idempotent for this ticket */
  clientId: clientId.optional(),
});

/** A refund is at most ¥10,000,000.00, in fen. */
export const MAX_REFUND_FEN = 1_000_000_000;

export const returnEventBody = z
  .strictObject({
    type: z.enum(RETURN_EVENTS),
    note: z.string().trim().min(1).max(5000).optional(),
    newSerial: z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N} ._/#-]+$/u, 'must be a serial number').optional(),
    /** refund amount in fen (integer; 12345 = ¥123.45) */
    amount: z.number().int('an amount in fen is a whole number').positive().max(MAX_REFUND_FEN).optional(),
    clientId,
  })
  .superRefine((b, ctx) => {
    if (b.type === 'refund' && b.amount === undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a refund needs the amount in fen' });
    if (b.type !== 'refund' && b.amount !== undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'only a refund has an amount' });
    if (b.type === 'replace' && !b.newSerial) ctx.addIssue({ code: 'custom', path: ['newSerial'], message: 'an exchange needs the serial of the new unit' });
    if (b.type !== 'replace' && b.newSerial) ctx.addIssue({ code: 'custom', path: ['newSerial'], message: 'only an exchange has a new serial' });
    if ((b.type === 'reject' || b.type === 'inspect') && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: `${b.type === 'reject' ? 'a rejection needs its reason' : 'an inspection needs its findings'} in note` });
  });
export type ReturnEventInput = z.output<typeof returnEventBody>;

export const listReturnsQuery = z.strictObject({
  /** `open`: every status but closed */
  status: z.union([z.enum(RETURN_STATUSES), z.literal('open')]).optional(),
  team: z.string().max(32).optional(),
  ticket: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: hexId.optional(),
});
export type ListReturnsQuery = z.output<typeof listReturnsQuery>;

export const uploadQuery = z.strictObject({ filename: z.string().trim().min(1).max(200) });

const by = z.object({ id: z.string().nullable(), name: z.string() });
const attachmentView = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string(), by, at: z.string() });
const eventView = z.object({ id: z.string(), type: z.string(), from: z.string().nullable(), to: z.string(), note: z.string().nullable(), data: z.record(z.string(), z.unknown()), by, at: z.string(), clientId: z.string().nullable() });

export const returnView = z.object({
  id: z.string(),
  number: z.string(),
  ticketNumber: z.number(),
  team: z.string(),
  ticketTeam: z.string(),
  unitId: z.string(),
  customerId: z.string(),
  model: z.string(),
  serial: z.string(),
  kind: z.enum(RETURN_KINDS),
  reason: z.string(),
  reasonCode: z.enum(RETURN_REASON_CODES),
  status: z.enum(RETURN_STATUSES),
  warranty: z.object({ status: z.string(), entitlement: z.array(z.string()), reasonCode: z.string(), days: z.number().nullable() }),
  override: z.object({ reason: z.string(), by, at: z.string() }).nullable(),
  outcome: z
    .object({ type: z.enum(['refund', 'replace', 'repair']), amount: z.number().nullable(), currency: z.literal('CNY').nullable(), newSerial: z.string().nullable(), newUnitId: z.string().nullable(), note: z.string().nullable() })
    .nullable(),
  attachments: z.array(attachmentView),
  events: z.array(eventView),
  /** the steps that may follow, for whoever reads it (empty when they may not work the return) */
  nextSteps: z.array(z.enum(RETURN_EVENTS)),
  createdBy: by,
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ReturnViewPayload>;
/** the console reads the same shape from the leaf return.payloads.ts */
export type ReturnView = z.infer<typeof returnView>;

export const stepResult = returnView.extend({ event: eventView, replayed: z.boolean() });
