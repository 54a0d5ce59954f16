import { z } from 'zod';
import { intParamWithDefault, boundedDuration, teamKey } from '../../http/schema-types';
import { CHANNELS } from '../../core/types';
import { ticketNumber } from '../tickets/ticket.schemas';
import { PRIORITIES, TYPES } from '../tickets/ticket.types';

/** An SLA target: at least a second, at most a year (P89840051385W once made every due date Invalid Date). */
const duration = boundedDuration({ min: 1000, max: 366 * 86400_000, what: 'PT1S and P366D' });

export const policyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  order: z.number().int().min(-1_000_000).max(1_000_000),
  match: z
    .strictObject({
      priority: z.enum(PRIORITIES).optional(),
      type: z.enum(TYPES).optional(),
      channel: z.enum(CHANNELS).optional(),
      team: teamKey.optional(),
    })
    .default({}),
  targets: z
    .strictObject({ firstResponse: duration.optional(), nextResponse: duration.optional(), resolution: duration.optional() })
    .refine((t) => t.firstResponse || t.nextResponse || t.resolution, 'at least one target'),
  calendar: z.string().min(1).max(64).nullable().optional(),
  escalateOnCreate: z.number().int().min(0).max(3).optional(),
  active: z.boolean().optional(),
});
export type PolicyInput = z.output<typeof policyBody>;

export const policyParams = z.strictObject({ id: z.string().regex(/^[a-f0-9]{24}$/, 'a policy id') });
export const ackParams = z.strictObject({ number: ticketNumber, id: z.string().regex(/^[a-f0-9]{24}$/, 'an escalation id') });
export const escalationsQuery = z.strictObject({
  team: teamKey.optional(),
  limit: intParamWithDefault({ min: 1, max: 200, default: 50 }),
  unacknowledged: z.enum(['true', 'false']).optional(),
});

export const reorderBody = z.strictObject({ ids: z.array(z.string().regex(/^[a-f0-9]{24}$/, 'a policy id')).min(1).max(500) });

/** A sample ticket for the preview: which policy it would get, and its due times if created at `at`. */
export const previewBody = z.strictObject({
  priority: z.enum(PRIORITIES).default('normal'),
  type: z.enum(TYPES).default('inquiry'),
  channel: z.enum(CHANNELS).default('email'),
  team: z.string().min(1).max(32).default('support'),
  at: z.iso.datetime({ offset: true }).optional(),
});
