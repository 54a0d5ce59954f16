import { Connection, Model, Schema } from 'mongoose';
import { modelOnce } from '../../infra/mongo';

/**
 * One document per raw mail taken in (keyed by its content hash, the name of its file under
 * DATA_DIR/mail/inbound): written when its `mail-in` job has done its work, whatever the outcome
 * (a message stored, a duplicate, noise ignored). The sweeper re-queues every stored raw mail that
 * has none, looking them up by `_id` only.
 */
const mailIntakeSchema = new Schema(
  {
    _id: { type: String },
    outcome: { type: String, enum: ['stored', 'duplicate', 'ignored'], required: true },
    ticketNumber: { type: Number, default: null },
    reason: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export interface MailIntake {
  _id: string;
  outcome: 'stored' | 'duplicate' | 'ignored';
  ticketNumber: number | null;
  reason: string | null;
  at: Date;
}
export type MailIntakeModel = Model<MailIntake>;

export function mailIntakeModel(conn: Connection): MailIntakeModel {
  return modelOnce<MailIntakeModel>(conn, 'MailIntake', () => mailIntakeSchema);
}
