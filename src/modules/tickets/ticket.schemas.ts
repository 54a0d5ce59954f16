import { z } from 'zod';
import { CHANNELS } from '../../core/types';
import { PRIORITIES, STATUSES, TYPES } from './ticket.types';

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
export const ticketNumberParams = z.strictObject({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const listTicketsQuery = z.strictObject({
  status: csvOf(STATUSES).optional(),
  team: z.string().max(32).optional(),
  channel: z.enum(CHANNELS).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), objectId]).optional(),
  customer: objectId.optional(),
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: objectId.optional(),
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
  body: z.string().trim().min(1).max(50_000),
  internal: z.boolean().optional(),
  status: z.enum(['open', 'pending', 'on_hold', 'solved']).optional(),
  /** the last message id the agent saw; a newer one makes the reply a 409 `stale_view` */
  expectedLastMessageId: z.union([objectId, z.null()]).optional(),
});

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
