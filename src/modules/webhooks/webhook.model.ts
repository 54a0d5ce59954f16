import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/** What a subscription may listen to; a rule's `webhook` action sends `automation.rule` to the webhook it names. */
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'workorder.updated', 'return.updated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number] | 'automation.rule';

/** A signing secret, encrypted at rest; during a rotation the old one stays valid until `expiresAt`. */
const secret = new Schema({ id: { type: String, required: true }, enc: { type: String, required: true }, hint: String, createdAt: Date, expiresAt: { type: Date, default: null } }, { _id: false });

function webhookSchema(clock: Clock) {
  return new Schema(
    {
      url: { type: String, required: true, maxlength: 2000 },
      events: { type: [String], default: [] },
      description: { type: String, default: '' },
      active: { type: Boolean, default: true },
      secrets: { type: [secret], default: [] },
      /** failed attempts in a row, any delivery; past WEBHOOK_DISABLE_AFTER the webhook is disabled */
      consecutiveFailures: { type: Number, default: 0 },
      disabledAt: { type: Date, default: null },
      disabledReason: { type: String, default: null },
      createdBy: { type: String, default: null },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

const attempt = new Schema({ at: Date, status: { type: Number, default: null }, error: { type: String, default: null }, latencyMs: Number, response: { type: String, default: null } }, { _id: false });

/**
 * One message to one webhook: its Standard Webhooks id (the same on every retry and replay), the
 * exact body signed and sent, and every attempt with its HTTP status and latency.
 */
function deliverySchema(clock: Clock) {
  return new Schema(
    {
      webhookId: { type: Schema.Types.ObjectId, required: true, index: true },
      msgId: { type: String, required: true, unique: true },
      /** one delivery per webhook and event: `<webhookId>:<event key>` */
      dedupeKey: { type: String, required: true, unique: true },
      event: { type: String, required: true },
      body: { type: String, required: true },
      status: { type: String, enum: ['pending', 'delivered', 'failed'], default: 'pending', index: true },
      attempts: { type: [attempt], default: [] },
      attemptCount: { type: Number, default: 0 },
      nextAt: { type: Date, default: null, index: true },
      retryUntil: { type: Date, required: true },
      leaseUntil: { type: Date, default: null },
      deliveredAt: { type: Date, default: null },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

export type WebhookFields = InferSchemaType<ReturnType<typeof webhookSchema>>;
export type WebhookDoc = HydratedDocument<WebhookFields>;
export type WebhookModel = Model<WebhookFields>;
export type DeliveryFields = InferSchemaType<ReturnType<typeof deliverySchema>> & { createdAt: Date; updatedAt: Date };
export type DeliveryDoc = HydratedDocument<DeliveryFields>;
export type DeliveryModel = Model<DeliveryFields>;

export function webhookModels(conn: Connection, clock: Clock) {
  return {
    Webhook: modelOnce<WebhookModel>(conn, 'Webhook', () => webhookSchema(clock)),
    Delivery: modelOnce<DeliveryModel>(conn, 'WebhookDelivery', () => deliverySchema(clock)),
  };
}
