import { modelOnce } from '../../infra/mongo';
import { Connection, Model, Schema, Types } from 'mongoose';
import type { GroupCommit } from '../../infra/group-commit';

/**
 * Every Message-ID we stored or sent, keyed by the Message-ID itself: threading and bounce
 * matching look mails up by `_id`, which every MongoDB (and mongo-java-server) serves from an
 * index, instead of scanning all messages.
 */
const mailRefSchema = new Schema(
  {
    _id: { type: String },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
  },
  { versionKey: false },
);

export interface MailRef {
  _id: string;
  ticketId: Types.ObjectId;
  messageId: Types.ObjectId;
  direction: 'in' | 'out';
}
export type MailRefModel = Model<MailRef>;

export function mailRefModel(conn: Connection): MailRefModel {
  return modelOnce<MailRefModel>(conn, 'MailRef', () => mailRefSchema);
}

/** Records a Message-ID; the first writer of an id wins (a relayed copy never moves a thread). */
export async function recordMailRef(MailRef: MailRefModel | GroupCommit, ref: MailRef): Promise<void> {
  await MailRef.updateOne({ _id: ref._id }, { $setOnInsert: { ticketId: ref.ticketId, messageId: ref.messageId, direction: ref.direction } }, { upsert: true }).catch((err: unknown) => {
    if ((err as { code?: number }).code !== 11000) throw err;
  });
}
