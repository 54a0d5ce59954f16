import { randomUUID } from 'node:crypto';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { lookupRowsModel } from '../../infra/lookup-rows';
import { modelOnce } from '../../infra/mongo';

const actor = new Schema({ id: String, name: String }, { _id: false });

export function unitSchema(clock: Clock) {
  const schema = new Schema(
    {
      customerId: { type: Schema.Types.ObjectId, ref: 'Customer', required: true },
      /** the catalogue model code (or the free text of a migrated record whose model the catalogue lacks) */
      model: { type: String, required: true, maxlength: 100 },
      /** as printed on the plate, normalised (trimmed, upper case); unique per model */
      serial: { type: String, required: true, maxlength: 100 },
      purchaseDate: { type: Date, default: null },
      /** where it was bought (shop, dealer, online store) */
      purchasedFrom: { type: String, default: null, maxlength: 200 },
      /** an explicit last warranty day (a warranty card, a migrated `warrantyExpires`); else purchase + warrantyMonths */
      warrantyUntil: { type: Date, default: null },
      /** a warranty technician's decision that replaces the computed status */
      override: {
        type: new Schema({ status: { type: String, enum: ['in', 'out'], required: true }, reason: { type: String, required: true }, by: actor, at: Date }, { _id: false }),
        default: null,
      },
      /** the tickets that spoke of this unit, oldest first */
      tickets: { type: [Number], default: [] },
      /** the return or exchange in progress, if any: at most one at a time (set conditionally) */
      openReturnId: { type: Schema.Types.ObjectId, default: null },
      /** exchange (换货): the unit this one replaced, and the unit that replaced this one */
      replaces: { type: Schema.Types.ObjectId, default: null },
      replacedBy: { type: Schema.Types.ObjectId, default: null },
      /** idempotent creation: the migrated customer product, or the return whose exchange created it; a random value otherwise */
      originKey: { type: String, required: true, unique: true, default: () => `u:${randomUUID()}` },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
  // the serial is unique per model: the one kind of index the embedded store enforces too
  schema.index({ model: 1, serial: 1 }, { unique: true });
  return schema;
}

export type UnitFields = InferSchemaType<ReturnType<typeof unitSchema>> & { createdAt: Date; updatedAt: Date };
export type UnitDoc = HydratedDocument<UnitFields>;
export type UnitModel = Model<UnitFields>;

/** Append-only history of a unit: registration, warranty decisions, exchanges, moves between customers. */
export interface UnitHistoryFields {
  unitId: Types.ObjectId;
  action: 'registered' | 'migrated' | 'warranty_override' | 'warranty_override_cleared' | 'replaced' | 'replacement' | 'customer_merged';
  actor: { type: string; id?: string | null; name: string };
  changes: Record<string, unknown>;
  reason: string | null;
  at: Date;
}
export type UnitHistoryModel = Model<UnitHistoryFields>;
const unitHistorySchema = (clock: Clock) =>
  new Schema(
    {
      unitId: { type: Schema.Types.ObjectId, required: true, index: true },
      action: { type: String, required: true },
      actor: { type: { type: String }, id: String, name: String },
      changes: { type: Schema.Types.Mixed, default: {} },
      reason: { type: String, default: null },
      at: { type: Date, default: () => clock.now() },
    },
    { versionKey: false, minimize: false },
  );

export function unitModels(conn: Connection, clock: Clock) {
  return {
    Unit: modelOnce<UnitModel>(conn, 'Unit', () => unitSchema(clock)),
    /** lookup rows `serial:<SERIAL>` and `customer:<id>` → unit ids (src/infra/lookup-rows.ts) */
    UnitIndex: lookupRowsModel(conn, 'UnitIndex'),
    UnitHistory: modelOnce<UnitHistoryModel>(conn, 'UnitHistory', () => unitHistorySchema(clock)),
  };
}
export type UnitModels = ReturnType<typeof unitModels>;

/** Serials compare without surrounding or inner spaces and case: `wm8-2021 77310` is `WM8-202177310`. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/\s+/g, '').toUpperCase();
}
