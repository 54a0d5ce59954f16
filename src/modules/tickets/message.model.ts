import { randomUUID } from 'node:crypto';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { CHANNELS } from '../../core/types';

export const DELIVERY_STATES = ['none', 'received', 'queued', 'sent', 'failed'] as const;

export function messageSchema(clock: Clock) {
  return new Schema(
    {
      ticketId: { type: Schema.Types.ObjectId, required: true, index: true },
      ticketNumber: { type: Number, required: true },
      /** 'message' for what someone wrote or said, 'event' for the timeline's status changes, calls, bounces */
      kind: { type: String, enum: ['message', 'event'], default: 'message' },
      author: {
        type: new Schema(
          { type: { type: String, enum: ['customer', 'agent', 'system'], required: true }, id: { type: String, default: null }, name: { type: String, default: '' } },
          { _id: false },
        ),
        required: true,
      },
      body: { type: String, default: '' },
      fullBody: { type: String, default: null },
      html: { type: String, default: null },
      internal: { type: Boolean, default: false },
      /** an automatic message (acknowledgement, survey) never satisfies a response target */
      automatic: { type: Boolean, default: false },
      channel: { type: String, enum: CHANNELS, required: true },
      delivery: {
        status: { type: String, enum: DELIVERY_STATES, default: 'none' },
        error: { type: String, default: null },
        at: Date,
        attempts: { type: Number, default: 0 },
      },
      mail: {
        messageId: { type: String, default: null, index: true },
        inReplyTo: { type: String, default: null },
        references: { type: [String], default: [] },
        from: { type: String, default: null },
        to: { type: [String], default: [] },
      },
      attachments: {
        type: [
          new Schema(
            // removedAt: the file was deleted after ATTACHMENT_RETENTION (hash is null then)
            { id: String, filename: String, contentType: String, size: Number, hash: String, inline: Boolean, cid: String, removedAt: Date },
            { _id: false },
          ),
        ],
        default: [],
      },
      event: { type: { type: String }, data: Schema.Types.Mixed },
      clientId: { type: String, default: null },
      dedupeKey: { type: String, required: true, unique: true, default: () => `m:${randomUUID()}` },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type MessageFields = InferSchemaType<ReturnType<typeof messageSchema>> & { createdAt: Date; updatedAt: Date };
export type MessageDoc = HydratedDocument<MessageFields>;
export type MessageModel = Model<MessageFields>;

export function messageModel(conn: Connection, clock: Clock): MessageModel {
  const schema = messageSchema(clock);
  schema.index({ ticketId: 1, createdAt: 1 });
  return conn.model('Message', schema) as unknown as MessageModel;
}
