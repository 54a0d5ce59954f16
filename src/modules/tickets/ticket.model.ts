import { randomUUID } from 'node:crypto';
import { Connection, InferSchemaType, Schema, Types, HydratedDocument, Model } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { CHANNELS } from '../../core/types';
import { PRIORITIES, STATUSES, TYPES } from './ticket.types';

const slaTarget = new Schema(
  {
    dueAt: Date,
    status: { type: String, enum: ['active', 'paused', 'hit', 'breached'] },
    targetMs: Number,
    /** business milliseconds already spent when paused or recomputed */
    elapsedMs: Number,
    startedAt: Date,
    completedAt: Date,
    warnedAt: Date,
    breachedAt: Date,
    /** when the warning is due (business time at slaWarningRatio of the target) */
    warnAt: Date,
  },
  { _id: false },
);

const escalation = new Schema(
  {
    target: String,
    kind: { type: String, enum: ['warning', 'breach'] },
    level: Number,
    at: Date,
    dueAt: Date,
    notified: [String],
    acknowledgedBy: String,
    acknowledgedAt: Date,
    /** why, when not a timer: e.g. 'policy' (the policy escalates on creation) */
    reason: String,
  },
  { _id: true },
);

/**
 * A side effect the ticket is owed: the observers of one event (created, changed, message) that
 * have not done their part yet. A create or change writes its entry with the change itself, and
 * the entry is removed once every observer is done; a failed observer leaves it for the effects
 * sweeper, which re-drives exactly the observers named in `pending`.
 */
const effect = new Schema(
  {
    id: { type: String, required: true },
    event: { type: String, enum: ['created', 'changed', 'message'], required: true },
    changes: { type: Schema.Types.Mixed, default: null },
    actor: { type: Schema.Types.Mixed, default: null },
    messageId: { type: Schema.Types.ObjectId, default: null },
    /** observers that still owe their part; empty: all of them (the chain never finished) */
    pending: { type: [String], default: [] },
    attempts: { type: Number, default: 0 },
    /** when the sweeper may take it: after the running chain's lease, or at the next retry */
    nextAt: { type: Date, required: true },
    lastError: { type: String, default: null },
  },
  { _id: false },
);

export function ticketSchema(clock: Clock) {
  return new Schema(
    {
      number: { type: Number, required: true, unique: true },
      subject: { type: String, required: true, maxlength: 500 },
      channel: { type: String, enum: CHANNELS, required: true },
      status: { type: String, enum: STATUSES, default: 'new', index: true },
      priority: { type: String, enum: PRIORITIES, default: 'normal' },
      type: { type: String, enum: TYPES, default: 'inquiry' },
      team: { type: String, required: true, index: true },
      assigneeId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null, index: true },
      customerId: { type: Schema.Types.ObjectId, ref: 'Customer', required: true, index: true },
      tags: { type: [String], default: [] },
      /** custom fields (src/modules/fields): `{key: value}`, validated by the fields module on every write */
      fields: { type: Schema.Types.Mixed, default: {} },
      linkedFrom: { type: Number, default: null },
      product: {
        model: String,
        serial: String,
      },
      /** the unit (a product the customer owns, src/modules/units) the ticket is about */
      unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
      sla: {
        type: new Schema(
          {
            policyId: String,
            policy: String,
            calendar: String,
            firstResponse: slaTarget,
            nextResponse: slaTarget,
            resolution: slaTarget,
            escalationLevel: { type: Number, default: 0 },
            escalations: { type: [escalation], default: [] },
            pausedAt: Date,
            /** the breach escalation chain: the next level and when it is due while the breach stands */
            nextEscalation: { type: new Schema({ level: Number, at: Date }, { _id: false }), default: null },
            /** the earliest warning, breach or escalation due: what the sweeper queries */
            nextCheckAt: { type: Date, default: null },
            lastEscalationAt: Date,
            /** optimistic concurrency of SLA writes (observer, timers, acks) */
            rev: { type: Number, default: 0 },
          },
          { _id: false },
        ),
        default: null,
      },
      firstResponseAt: Date,
      lastCustomerMessageAt: Date,
      lastAgentReplyAt: Date,
      lastMessageAt: Date,
      lastMessageId: { type: String, default: null },
      solvedAt: Date,
      solvedBy: { type: Schema.Types.ObjectId, default: null },
      closedAt: Date,
      reopenCount: { type: Number, default: 0 },
      messageCount: { type: Number, default: 0 },
      /**
       * the ids of the ticket's messages (MessageList: a ticket's messages are read by `_id`, never
       * by a scan), added by the update that records each message; not read with the ticket
       */
      messageIds: { type: [Schema.Types.ObjectId], default: undefined, select: false },
      preview: { type: String, default: '' },
      /** chat: the visitor whose session this ticket is */
      visitorId: { type: String, default: null, index: true },
      /** idempotent creation from inbound channels; a random value when nothing identifies the source */
      dedupeKey: { type: String, required: true, unique: true, default: () => `t:${randomUUID()}` },
      /** free space for channel and module state (survey ids, call ids) */
      meta: { type: Schema.Types.Mixed, default: {} },
      effects: { type: [effect], default: [] },
      /**
       * the automation's state clock of this ticket is implied by its creation (every attribute
       * since createdAt) until its first tracked change writes the clock document (issue #23)
       */
      clockImplied: { type: Boolean, default: false },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type TicketFields = InferSchemaType<ReturnType<typeof ticketSchema>> & { createdAt: Date; updatedAt: Date };
export type TicketDoc = HydratedDocument<TicketFields>;
export type TicketModel = Model<TicketFields>;
export type TicketId = Types.ObjectId;

export function ticketModel(conn: Connection, clock: Clock): TicketModel {
  const schema = ticketSchema(clock);
  schema.index({ team: 1, status: 1, updatedAt: -1 });
  schema.index({ customerId: 1, createdAt: -1 });
  schema.index({ createdAt: 1 });
  schema.index({ 'sla.nextCheckAt': 1 });
  schema.index({ 'sla.lastEscalationAt': -1 });
  schema.index({ 'effects.nextAt': 1 });
  return conn.model('Ticket', schema) as unknown as TicketModel;
}
