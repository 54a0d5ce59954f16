import { z } from 'zod';
import { CHANNELS } from '../../core/types';
import { decodeCursor, SLA_STATES, SORTS } from './ticket.filter';
import { PRIORITIES, STATUSES, TYPES } from './ticket.types';

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
export const ticketNumberParams = z.strictObject({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const day = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => new Date(s))
  .describe('ISO 8601 date (midnight UTC) or date-time with offset');

/** The filters of a ticket list, shared by `GET /api/tickets` and saved views. */
export const ticketFilterFields = {
  status: csvOf(STATUSES).optional(),
  team: z.string().max(32).optional(),
  channel: csvOf(CHANNELS).optional(),
  type: csvOf(TYPES).optional(),
  priority: csvOf(PRIORITIES).optional(),
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

export const listTicketsQuery = z.strictObject({
  ...ticketFilterFields,
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .max(400)
    .refine((c) => /^[0-9a-f]{24}$/.test(c) || decodeCursor(c) !== null, 'must be the nextCursor of a previous page')
    .optional(),
});

export const customerRef = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
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
  team: z.string().max(32).optional(),
  tags: z.array(z.string().max(40)).max(20).optional(),
  product: z.strictObject({ model: z.string().max(100), serial: z.string().max(100).optional() }).optional(),
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
    team: z.string().max(32).optional(),
    assignee: z.union([objectId, z.null()]).optional(),
    subject: z.string().trim().min(1).max(500).optional(),
    tags: z.array(z.string().max(40)).max(20).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const messagesQuery = z.strictObject({ after: objectId.optional() });

export const queueQuery = z.strictObject({
  team: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^-?[\d.e+]+:[0-9a-f]{24}$/).optional(),
});
