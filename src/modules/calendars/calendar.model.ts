import { modelOnce } from '../../infra/mongo';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';

const calendarSchema = (clock: Clock) =>
  new Schema(
    {
      name: { type: String, required: true, unique: true },
      /** IANA zone, e.g. Asia/Shanghai */
      timeZone: { type: String, required: true },
      weekly: { type: [{ _id: false, day: Number, from: String, to: String }], default: [] },
      holidays: { type: [{ _id: false, date: String, name: String }], default: [] },
      workdays: { type: [{ _id: false, date: String, like: Number, name: String }], default: [] },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );

export type CalendarFields = InferSchemaType<ReturnType<typeof calendarSchema>>;
export type CalendarDoc = HydratedDocument<CalendarFields>;
export type CalendarModel = Model<CalendarFields>;

export function calendarModel(conn: Connection, clock: Clock): CalendarModel {
  return modelOnce<CalendarModel>(conn, 'Calendar', () => calendarSchema(clock));
}
