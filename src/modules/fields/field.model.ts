import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

export const FIELD_TYPES = ['text', 'number', 'date', 'select', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
/** What a field describes: tickets, or the units (products with a serial) customers own. */
export const FIELD_TARGETS = ['ticket', 'unit'] as const;
export type FieldTarget = (typeof FIELD_TARGETS)[number];

const label = new Schema({ en: { type: String, required: true }, 'zh-CN': { type: String, required: true } }, { _id: false });

/**
 * A custom field: its key (the name in `fields:{key: value}`), labels in both languages, its type
 * and options, whether a ticket needs it before it is solved, which tickets it applies to (types
 * and teams; empty means all) and whether the customer may see it.
 */
function fieldSchema(clock: Clock) {
  return new Schema(
    {
      key: { type: String, required: true, unique: true },
      label: { type: label, required: true },
      type: { type: String, enum: FIELD_TYPES, required: true },
      options: { type: [new Schema({ value: { type: String, required: true }, label: { type: label, required: true } }, { _id: false })], default: [] },
      /** required before the ticket is solved (a ticket arriving by mail cannot carry it yet) */
      required: { type: Boolean, default: false },
      scope: {
        types: { type: [String], default: [] },
        teams: { type: [String], default: [] },
      },
      customerVisible: { type: Boolean, default: false },
      appliesTo: { type: String, enum: FIELD_TARGETS, default: 'ticket' },
      order: { type: Number, default: 0 },
      /** a retired field keeps its values on old tickets but takes no new ones */
      active: { type: Boolean, default: true },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

export type FieldFields = InferSchemaType<ReturnType<typeof fieldSchema>>;
export type FieldDoc = HydratedDocument<FieldFields>;
export type FieldModel = Model<FieldFields>;

export function fieldModel(conn: Connection, clock: Clock): FieldModel {
  return modelOnce<FieldModel>(conn, 'CustomField', () => fieldSchema(clock));
}
