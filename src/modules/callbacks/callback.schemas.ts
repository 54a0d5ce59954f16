import { z } from 'zod';
import { ATTEMPT_OUTCOMES, CALLBACK_KINDS, CALLBACK_STATUSES } from './callback.model';

/** `status=scheduled,due` or repeated `status=` parameters. */
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const listCallbacksQuery = z.strictObject({
  status: list(CALLBACK_STATUSES).optional(),
  kind: list(CALLBACK_KINDS).optional(),
  team: z.string().min(1).max(32).optional(),
  mine: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  ticketNumber: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const callbackIdParams = z.strictObject({ id: z.string().regex(/^[a-f0-9]{24}$/i, 'must be a callback id') });

export const attemptBody = z.strictObject({
  outcome: z.enum(ATTEMPT_OUTCOMES),
  note: z.string().max(4000).optional(),
  satisfied: z.boolean().optional(),
  resolved: z.boolean().optional(),
});

export const requestCallbackBody = z.strictObject({
  ticketNumber: z.number().int().positive(),
  phone: z.string().min(3).max(40).regex(/\d/, 'must contain digits').optional(),
  dueAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  note: z.string().max(4000).optional(),
  assigneeId: z.string().regex(/^[a-f0-9]{24}$/i, 'must be an agent id').nullable().optional(),
});

export const callbackView = z.object({
  id: z.string(),
  ticketNumber: z.number(),
  kind: z.enum(CALLBACK_KINDS),
  phone: z.string().nullable(),
  dueAt: z.string(),
  status: z.enum(CALLBACK_STATUSES),
  attempts: z.array(
    z.object({ at: z.string(), agentId: z.string().nullable(), agent: z.string().nullable(), outcome: z.enum(ATTEMPT_OUTCOMES), note: z.string().nullable(), satisfied: z.boolean().nullable(), resolved: z.boolean().nullable() }),
  ),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  team: z.string(),
  outcome: z.string().nullable(),
  satisfied: z.boolean().nullable(),
  resolved: z.boolean().nullable(),
  note: z.string().nullable(),
  survey: z.object({ score: z.number(), comment: z.string().nullable() }).nullable(),
  ticket: z.object({ subject: z.string(), status: z.string(), channel: z.string(), type: z.string() }).nullable(),
  customer: z.object({ id: z.string(), name: z.string(), phones: z.array(z.string()), emails: z.array(z.string()) }).nullable(),
  callPhone: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
});
