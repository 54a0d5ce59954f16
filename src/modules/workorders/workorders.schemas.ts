import { z } from 'zod';
import { listParam } from '../../http/schema-types';
import { objectId } from '../tickets/ticket.schemas';
import { warrantyView } from '../units/unit.schemas';
import { CANNOT_COMPLETE_REASONS, WO_KINDS, WO_STATUSES, WO_STEPS } from './workorder-state';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('ISO 8601 date-time');
const text = (max: number) => z.string().trim().min(1).max(max);
export const windowBody = z.strictObject({ start: instant, end: instant }).describe('the arrival window');

export const workOrderParams = z.strictObject({ id: objectId });
export const photoParams = z.strictObject({ id: objectId, photoId: z.string().regex(/^[a-f0-9]{24}$/) });

export const createWorkOrderBody = z.strictObject({
  kind: z.enum(WO_KINDS),
  description: text(5000),
  address: text(500),
  unitId: z.string().min(1).max(64).optional(),
  emergency: z.boolean().optional(),
  window: windowBody.optional(),
  engineer: objectId.optional().describe('an engineer of the team (dispatchers only)'),
  team: z.string().regex(/^[a-z0-9_-]{2,32}$/).optional().describe('the team that does the work (default field)'),
});

export const patchWorkOrderBody = z
  .strictObject({
    engineer: z.union([objectId, z.null()]).optional(),
    window: z.union([windowBody, z.null()]).optional(),
    address: text(500).optional(),
    emergency: z.boolean().optional(),
    rescheduledBy: z.enum(['customer', 'dispatcher']).optional().describe('customer: the on-site clock pauses until the new window'),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'rescheduledBy'), 'nothing to change');

export const stepBody = z
  .strictObject({
    type: z.enum(WO_STEPS),
    reason: z.string().trim().min(1).max(500).optional().describe(`cannot_complete: ${CANNOT_COMPLETE_REASONS.join(', ')}; reject and cancel: free text`),
    note: z.string().trim().max(2000).optional(),
    clientId: z.string().min(8).max(64).regex(/^[\w-]+$/),
    at: instant.optional().describe('when the step happened (a step queued offline); default now'),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'cannot_complete' && !(CANNOT_COMPLETE_REASONS as readonly string[]).includes(b.reason ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `one of ${CANNOT_COMPLETE_REASONS.join(', ')}` });
    }
  });

export const listWorkOrdersQuery = z.strictObject({
  status: listParam(WO_STATUSES).optional(),
  engineer: z.union([z.literal('me'), z.literal('none'), objectId]).optional(),
  team: z.string().max(32).optional(),
  from: instant.optional().describe('windows ending after this'),
  to: instant.optional().describe('windows starting before this'),
  ticket: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const boardQuery = z.strictObject({
  date: z.iso.date(),
  team: z.string().regex(/^[a-z0-9_-]{2,32}$/).default('field'),
});

const part = z.strictObject({
  sku: text(64),
  qty: z.number().int().min(1).max(1000),
  defectiveSerial: z.string().trim().max(100).optional(),
  newSerial: z.string().trim().max(100).optional(),
});

const reportFields = {
  diagnosis: text(5000),
  work: text(5000),
  labourMinutes: z.number().int().min(0).max(24 * 60),
  parts: z.array(part).max(50).default([]),
  signature: z.strictObject({ name: text(200), png: z.string().max(300_000).startsWith('data:image/png;base64,') }).optional(),
  refused: z.strictObject({ reason: text(1000) }).optional(),
  photos: z.array(z.string().regex(/^[a-f0-9]{24}$/)).max(20).optional(),
  clientId: z.string().min(8).max(64).regex(/^[\w-]+$/).optional().describe('a replay with the same id answers the first result instead of 409'),
};
export const reportBody = z.strictObject(reportFields);
export const correctionBody = z.strictObject({ ...reportFields, correction: text(1000).describe('why the report is corrected') });

const windowView = z.object({ start: z.string(), end: z.string() }).nullable();
export const workOrderView = z.object({
  id: z.string(),
  number: z.string(),
  ticketNumber: z.number(),
  kind: z.enum(WO_KINDS),
  status: z.enum(WO_STATUSES),
  team: z.string(),
  engineer: z.object({ id: z.string(), name: z.string() }).nullable(),
  window: windowView,
  address: z.string(),
  emergency: z.boolean(),
  unitId: z.string().nullable(),
  /** the unit's warranty (三包) when the work order was raised or re-linked: as GET /api/units/:id shows it */
  warranty: warrantyView.nullable(),
  payment: z.object({
    required: z.boolean(),
    quoteId: z.string().optional(),
    status: z.enum(['none', 'awaiting', 'paid']),
    quoteStatus: z.enum(['sent', 'accepted', 'declined', 'expired']).optional().describe('while awaiting payment: what the customer did with the latest quote for it'),
  }),
  sla: z.object({ onSite: z.object({ dueAt: z.string().nullable(), status: z.string() }).nullable(), escalationLevel: z.number() }),
  events: z.array(z.object({ type: z.string(), at: z.string().nullable(), by: z.object({ id: z.string().nullable(), name: z.string() }) })),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
