import { modelOnce } from '../../infra/mongo';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';

export const CALL_STATUSES = ['ringing', 'answered', 'missed', 'voicemail', 'abandoned'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** One phone call, from Twilio or any PBX; the reports read it for "answered within 30 seconds". */
export function callSchema(clock: Clock) {
  return new Schema(
    {
      /** Twilio's CallSid or the PBX's call id */
      callId: { type: String, required: true, unique: true },
      source: { type: String, enum: ['twilio', 'pbx'], default: 'pbx' },
      ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null, index: true },
      team: { type: String, default: 'support' },
      agentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
      from: { type: String, default: null },
      to: { type: String, default: null },
      locale: { type: String, default: 'en' },
      startedAt: { type: Date, required: true },
      answeredAt: { type: Date, default: null },
      endedAt: { type: Date, default: null },
      /** seconds the caller waited: until answered, or until they gave up or were sent to voicemail */
      waitSec: { type: Number, default: null },
      durationSec: { type: Number, default: null },
      status: { type: String, enum: CALL_STATUSES, default: 'ringing' },
      recordingUrl: { type: String, default: null },
      recordingDurationSec: { type: Number, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type CallFields = InferSchemaType<ReturnType<typeof callSchema>> & { createdAt: Date; updatedAt: Date };
export type CallDoc = HydratedDocument<CallFields>;
export type CallModel = Model<CallFields>;

/** Registers the model once per connection (the reports module may ask for it too). */
export function callModel(conn: Connection, clock: Clock): CallModel {
  return modelOnce<CallModel>(conn, 'Call', () => {
    const schema = callSchema(clock);
    schema.index({ startedAt: 1 });
    schema.index({ team: 1, startedAt: 1 });
    return schema;
  });
}
