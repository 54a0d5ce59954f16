import { z } from 'zod';
import { isoDurationMs } from '../../infra/duration';
import { objectId } from '../tickets/ticket.schemas';
import { WEBHOOK_EVENTS } from './webhook.model';

const url = z.string().trim().max(2000).url('must be an http(s) URL');
export const createWebhookBody = z.strictObject({
  url,
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  description: z.string().max(500).optional(),
  active: z.boolean().optional(),
});
export const updateWebhookBody = z
  .strictObject({ url: url.optional(), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).optional(), description: z.string().max(500).optional(), active: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export const rotateBody = z.strictObject({
  keepOldFor: isoDurationMs('P1D').refine((ms) => ms <= 30 * 24 * 3600_000, 'at most 30 days').describe('how long the old secret stays valid (ISO 8601, default P1D)'),
});
export const webhookIdParams = z.strictObject({ id: objectId });
export const deliveryParams = z.strictObject({ id: objectId, deliveryId: objectId });
export const deliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: objectId.optional() });
