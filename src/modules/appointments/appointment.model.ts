import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { lookupRowsModel } from '../../infra/lookup-rows';
import { modelOnce } from '../../infra/mongo';

/**
 * A seat of a slot, `_id` `<team>|<slot start>|<n>`: claimed by inserting it (a unique key, so of
 * concurrent bookings of one slot exactly its capacity succeed, with no transaction), released by
 * deleting it when the booking is cancelled or moved.
 */
export function seatSchema(clock: Clock) {
  return new Schema(
    {
      _id: { type: String, required: true },
      team: { type: String, required: true },
      slotStart: { type: Date, required: true },
      appointmentId: { type: Schema.Types.ObjectId, required: true },
    },
    { timestamps: { currentTime: () => clock.now() }, versionKey: false },
  );
}

export const APPOINTMENT_STATUSES = ['booking', 'booked', 'cancelled', 'failed'] as const;

/** A booked visit: the customer's side of a `scheduled` work order, with its seat and its reminders. */
export function appointmentSchema(clock: Clock) {
  return new Schema(
    {
      customerId: { type: Schema.Types.ObjectId, required: true, index: true },
      unitId: { type: Schema.Types.ObjectId, required: true },
      model: { type: String, default: null },
      team: { type: String, required: true },
      kind: { type: String, required: true },
      slotStart: { type: Date, required: true },
      slotEnd: { type: Date, required: true },
      seat: { type: String, default: null },
      status: { type: String, enum: APPOINTMENT_STATUSES, default: 'booking' },
      ticketNumber: { type: Number, default: null },
      ticketId: { type: Schema.Types.ObjectId, default: null },
      address: { type: String, default: '' },
      workOrderId: { type: Schema.Types.ObjectId, default: null },
      workOrderNumber: { type: String, default: null },
      locale: { type: String, default: 'en' },
      bookedBy: { type: { type: String }, id: String, name: String },
      /** the day-before reminder of this slot start went out (conditional set: once) */
      remindedFor: { type: Date, default: null },
      rev: { type: Number, default: 0 },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type SeatFields = InferSchemaType<ReturnType<typeof seatSchema>>;
export type AppointmentFields = InferSchemaType<ReturnType<typeof appointmentSchema>> & { createdAt: Date; updatedAt: Date };
export type AppointmentDoc = HydratedDocument<AppointmentFields>;

export function appointmentModels(conn: Connection, clock: Clock) {
  return {
    Seat: modelOnce<Model<SeatFields>>(conn, 'AppointmentSeat', () => seatSchema(clock).index({ slotStart: 1, createdAt: 1 })), // orphan seats of future slots (the portal's sweep)
    Appointment: modelOnce<Model<AppointmentFields>>(conn, 'Appointment', () => {
      const s = appointmentSchema(clock);
      s.index({ status: 1, slotStart: 1 });
      return s;
    }),
    /** lookup rows `customer:<id>` → the customer's appointment ids (src/infra/lookup-rows.ts) */
    AppointmentIndex: lookupRowsModel(conn, 'AppointmentIndex'),
  };
}
export type AppointmentModels = ReturnType<typeof appointmentModels>;
