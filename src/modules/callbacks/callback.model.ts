import { modelOnce } from '../../infra/mongo';
import { randomUUID } from 'node:crypto';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';

export const CALLBACK_KINDS = ['missed_call', 'voicemail', 'requested', 'follow_up', 'low_rating'] as const;
export const CALLBACK_STATUSES = ['scheduled', 'due', 'done', 'failed', 'cancelled'] as const;
export const ATTEMPT_OUTCOMES = ['reached', 'no_answer', 'wrong_number'] as const;
/** Statuses in which a task still wants a call. */
export const OPEN_CALLBACK_STATUSES = ['scheduled', 'due'] as const;

export type CallbackKind = (typeof CALLBACK_KINDS)[number];
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

const attemptSchema = new Schema(
  {
    at: { type: Date, required: true },
    agentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    outcome: { type: String, enum: ATTEMPT_OUTCOMES, required: true },
    note: { type: String, default: null },
    satisfied: { type: Boolean, default: null },
    resolved: { type: Boolean, default: null },
  },
  { _id: false },
);

export function callbackSchema(clock: Clock) {
  return new Schema(
    {
      kind: { type: String, enum: CALLBACK_KINDS, required: true },
      ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true, index: true },
      ticketNumber: { type: Number, required: true },
      team: { type: String, required: true },
      assigneeId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
      phone: { type: String, default: null },
      dueAt: { type: Date, required: true },
      status: { type: String, enum: CALLBACK_STATUSES, default: 'scheduled' },
      attempts: { type: [attemptSchema], default: [] },
      outcome: { type: String, default: null },
      satisfied: { type: Boolean, default: null },
      resolved: { type: Boolean, default: null },
      note: { type: String, default: null },
      /** a low-rating task: the survey answer that caused it (shown with the task) */
      survey: { type: new Schema({ score: Number, comment: String }, { _id: false }), default: null },
      completedAt: { type: Date, default: null },
      /** one task per cause: `call:<callId>` for a missed call, a survey id for a follow-up */
      dedupeKey: { type: String, required: true, unique: true, default: () => `cb:${randomUUID()}` },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type CallbackFields = InferSchemaType<ReturnType<typeof callbackSchema>> & { createdAt: Date; updatedAt: Date };
export type CallbackDoc = HydratedDocument<CallbackFields>;
export type CallbackModel = Model<CallbackFields>;

/** Registers the model once per connection (reports and surveys may ask for it too). */
export function callbackModel(conn: Connection, clock: Clock): CallbackModel {
  return modelOnce<CallbackModel>(conn, 'Callback', () => {
    const schema = callbackSchema(clock);
    // the sweeper's and the list's reads (real MongoDB; mongo-java-server scans)
    schema.index({ status: 1, dueAt: 1 });
    schema.index({ team: 1, status: 1, dueAt: 1 });
    return schema;
  });
}
