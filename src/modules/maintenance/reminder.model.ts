import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/**
 * One maintenance reminder (保养提醒), `_id` `<unitId>:<due date>`: the unique key is the truth that
 * a reminder exists and was sent — a timer only triggers, and a repeated trigger finds the record.
 */
export function reminderSchema(clock: Clock) {
  return new Schema(
    {
      _id: { type: String, required: true },
      unitId: { type: Schema.Types.ObjectId, required: true, index: true },
      customerId: { type: Schema.Types.ObjectId, required: true },
      model: { type: String, required: true },
      dueDate: { type: String, required: true },
      status: { type: String, enum: ['pending', 'sent', 'skipped'], default: 'pending' },
      sentAt: { type: Date, default: null },
      /** a visit booked for the unit within 30 days of the reminder (the appointment rate) */
      bookedAt: { type: Date, default: null },
      booked: { type: Number, default: 0 },
      appointmentId: { type: Schema.Types.ObjectId, default: null },
      skippedReason: { type: String, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, versionKey: false },
  );
}

export type ReminderFields = InferSchemaType<ReturnType<typeof reminderSchema>> & { createdAt: Date };
export type ReminderDoc = HydratedDocument<ReminderFields>;
export type ReminderModel = Model<ReminderFields>;

export function reminderModel(conn: Connection, clock: Clock): ReminderModel {
  return modelOnce<ReminderModel>(conn, 'MaintenanceReminder', () => {
    const s = reminderSchema(clock);
    s.index({ status: 1, sentAt: 1 });
    return s;
  });
}
