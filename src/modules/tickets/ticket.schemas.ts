import { z } from 'zod';
import { email, intParam, intParamWithDefault, listParam, teamKey } from '../../http/schema-types';
import { CHANNELS } from '../../core/types';
import { decodeCursor, SLA_STATES, SORTS } from './ticket.filter';
import { PRIORITIES, STATUSES, TYPES } from './ticket.types';

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
export const ticketNumber = intParam({ min: 1, max: Number.MAX_SAFE_INTEGER, description: 'the ticket number' });
export const ticketNumberParams = z.strictObject({ number: ticketNumber });

/** A custom field's key (src/modules/fields). */
export const fieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lowercase letters, digits and _ (a letter first), at most 40');
/** Custom field values of a write: `{key: value}`, `null` clears one; the fields module checks each against its definition. */
export const fieldValues = z.record(fieldKey, z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).refine((v) => Object.keys(v).length <= 50, 'at most 50 fields');

/**
 * `?fields.warranty_code=E4` (one parameter per field; also `fields[warranty_code]=E4`, OpenAPI's
 * deepObject style) becomes `{fields: {warranty_code: 'E4'}}` before the query is checked.
 */
export const gatherFieldFilters = (q: unknown) => {
  if (!q || typeof q !== 'object') return q;
  const out: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    const m = /^fields(?:\.(.*)|\[(.*)\])$/s.exec(k);
    if (m) fields[m[1] ?? m[2]] = v;
    else out[k] = v;
  }
  if (Object.keys(fields).length) out.fields = fields;
  return out;
};

const day = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => new Date(s))
  .describe('ISO 8601 date (midnight UTC) or date-time with offset');

/** The filters of a ticket list, shared by `GET /api/tickets` and saved views. */
export const ticketFilterFields = {
  status: listParam(STATUSES).optional(),
  team: teamKey.optional(),
  channel: listParam(CHANNELS).optional(),
  type: listParam(TYPES).optional(),
  priority: listParam(PRIORITIES).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), objectId]).optional(),
  customer: objectId.optional(),
  sla: z.enum(SLA_STATES).optional().describe('breached, at_risk (due within 15 minutes), on_track, none (no SLA)'),
  createdFrom: day.optional().describe('created at or after'),
  createdTo: day.optional().describe('created before'),
  updatedFrom: day.optional().describe('last changed at or after'),
  updatedTo: day.optional().describe('last changed before'),
  q: z.string().min(1).max(200).optional(),
  sort: z.enum(SORTS).optional().describe('newest (default), oldest, updated; due and priority for live statuses'),
};

/** Custom field filters `{key: value}` (gathered from `fields.<key>=<value>`), shared by the list and saved views. */
export const fieldFilters = z
  .record(fieldKey, z.string().max(200))
  .refine((v) => Object.keys(v).length <= 10, 'at most 10 field filters')
  .describe('custom field filters, written `fields.<key>=<value>` or `fields[<key>]=<value>` (one parameter per field): tickets whose field equals the value');

export const listTicketsQuery = z.preprocess(gatherFieldFilters, z.strictObject({
  ...ticketFilterFields,
  limit: intParamWithDefault({ min: 1, max: 100, default: 25 }),
  cursor: z
    .string()
    .max(400)
    .refine((c) => /^[0-9a-f]{24}$/.test(c) || decodeCursor(c) !== null, 'must be the nextCursor of a previous page')
    .optional(),
  fields: fieldFilters.optional(),
}));

export const customerRef = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: email().optional(),
  phone: z.string().regex(/^\+?[\d\s()-]{3,32}$/, 'must be a phone number').optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
});

export const createTicketBody = z.strictObject({
  channel: z.enum(CHANNELS),
  subject: z.string().trim().min(1).max(500),
  body: z.string().trim().min(1).max(50_000),
  customer: customerRef,
  type: z.enum(TYPES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  team: teamKey.optional(),
  tags: z.array(z.string().max(40)).max(20).optional(),
  product: z.strictObject({ model: z.string().max(100), serial: z.string().max(100).optional() }).optional(),
  fields: fieldValues.optional(),
  /** the unit the inquiry is about: the ticket's customer is then the unit's owner */
  unitId: objectId.optional(),
});

export const replyBody = z.strictObject({
  body: z.string().trim().max(50_000),
  internal: z.boolean().optional(),
  status: z.enum(['open', 'pending', 'on_hold', 'solved']).optional(),
  /** the last message id the agent saw; a newer one makes the reply a 409 `stale_view` */
  expectedLastMessageId: z.union([objectId, z.null()]).optional(),
  /** ids of files uploaded with POST /api/tickets/:number/attachments, sent with this message */
  attachments: z.array(objectId).max(10).optional(),
}).refine((b) => b.body.length > 0 || !!b.attachments?.length, { path: ['body'], message: 'write something or attach a file' });

export const patchTicketBody = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    type: z.enum(TYPES).optional(),
    team: teamKey.optional(),
    assignee: z.union([objectId, z.null()]).optional(),
    subject: z.string().trim().min(1).max(500).optional(),
    tags: z.array(z.string().max(40)).max(20).optional(),
    fields: fieldValues.optional(),
    /** link a unit of the ticket's customer; null unlinks */
    unitId: z.union([objectId, z.null()]).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const messagesQuery = z.strictObject({ after: objectId.optional() });

export const queueQuery = z.strictObject({
  team: teamKey.optional(),
  limit: intParamWithDefault({ min: 1, max: 200, default: 50 }),
  /** the `nextCursor` of the previous page: the last item's integer score and id */
  cursor: z
    .string()
    .regex(/^\d{1,16}:[0-9a-f]{24}$/, { message: 'must be the nextCursor of a previous page', abort: true })
    .refine((c) => Number.isSafeInteger(Number(c.split(':')[0])), 'must be the nextCursor of a previous page')
    .optional(),
});
