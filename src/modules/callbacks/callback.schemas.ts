import { z } from 'zod';
import { boolParam, intParam, intParamWithDefault, listParam, teamKey } from '../../http/schema-types';
import { ATTEMPT_OUTCOMES, CALLBACK_KINDS, CALLBACK_STATUSES } from './callback.model';

export const listCallbacksQuery = z.strictObject({
  status: listParam(CALLBACK_STATUSES).optional(),
  kind: listParam(CALLBACK_KINDS).optional(),
  team: teamKey.optional(),
  mine: boolParam.optional(),
  ticketNumber: intParam({ min: 1, max: Number.MAX_SAFE_INTEGER }).optional(),
  limit: intParamWithDefault({ min: 1, max: 500, default: 100 }),
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
