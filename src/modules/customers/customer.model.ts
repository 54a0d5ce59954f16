import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { LOCALES } from '../../core/types';

export function customerSchema(clock: Clock) {
  return new Schema(
    {
      name: { type: String, required: true, maxlength: 200 },
      emails: { type: [String], default: [], index: true },
      phones: { type: [String], default: [], index: true },
      locale: { type: String, enum: LOCALES, default: 'en' },
      company: { type: String, default: null },
      notes: { type: String, default: '' },
      products: {
        type: [
          new Schema(
            { model: { type: String, required: true }, serial: String, purchaseDate: Date, warrantyExpires: Date },
            { _id: true },
          ),
        ],
        default: [],
      },
      /** the teams of the customer's tickets: who may see the record (CustomerTeams keeps it) */
      teams: { type: [String], default: [] },
      mergedInto: { type: Schema.Types.ObjectId, default: null },
      /** merges into this record, newest last: who joined which record, when */
      merges: {
        type: [new Schema({ from: Schema.Types.ObjectId, by: { id: String, name: String }, at: Date, emails: [String], phones: [String], tickets: [Number] }, { _id: false })],
        default: [],
      },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

/** One row per email address or phone number: the unique _id makes find-or-create race-free. */
const contactSchema = new Schema({ _id: { type: String }, customerId: { type: Schema.Types.ObjectId, required: true } }, { versionKey: false });

export type CustomerFields = InferSchemaType<ReturnType<typeof customerSchema>>;
export type CustomerDoc = HydratedDocument<CustomerFields>;
export type CustomerModel = Model<CustomerFields>;
export type ContactModel = Model<{ _id: string; customerId: unknown }>;

export function customerModels(conn: Connection, clock: Clock) {
  return {
    Customer: conn.model('Customer', customerSchema(clock)) as unknown as CustomerModel,
    Contact: conn.model('Contact', contactSchema) as unknown as ContactModel,
  };
}
