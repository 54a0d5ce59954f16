import { Connection, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';

/** Who changed what on a ticket and when; append-only. */
export function auditModel(conn: Connection, clock: Clock) {
  const schema = new Schema(
    {
      ticketId: { type: Schema.Types.ObjectId, required: true, index: true },
      ticketNumber: Number,
      actor: { type: { type: String }, id: String, name: String },
      action: { type: String, required: true },
      changes: { type: Schema.Types.Mixed, default: {} },
      at: { type: Date, default: () => clock.now() },
    },
    { versionKey: false },
  );
  return conn.model('Audit', schema) as Model<{
    ticketId: unknown;
    ticketNumber: number;
    actor: { type: string; id?: string; name: string };
    action: string;
    changes: Record<string, unknown>;
    at: Date;
  }>;
}
