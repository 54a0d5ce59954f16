import { Connection, HydratedDocument, Model, Schema, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

export const CONDITIONS = ['new', 'defective'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** What a move does to stock; `reserve`, `release` and `consume` come from work orders, the rest from the store. */
export const MOVE_REASONS = ['receive', 'transfer', 'reserve', 'consume', 'release', 'return_defective', 'adjust', 'scrap'] as const;
export type MoveReason = (typeof MOVE_REASONS)[number];
/** the reasons a storekeeper posts with POST /api/stock/moves */
export const STORE_REASONS = ['receive', 'transfer', 'adjust', 'scrap', 'return_defective'] as const;

export const MOVE_STATES = ['pending', 'applied', 'rejected'] as const;
export type MoveState = (typeof MOVE_STATES)[number];

// ---- the catalogue -------------------------------------------------------------------------

export interface PartFields {
  sku: string;
  name: { en: string; 'zh-CN': string };
  models: string[];
  /** integer fen (12345 = ¥123.45) */
  price: number;
  currency: 'CNY';
  unit: string | null;
  /** a replaced part of this kind comes back to the old-parts store (旧件库); consumables do not */
  returnable: boolean;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
export type PartDoc = HydratedDocument<PartFields>;
export type PartModel = Model<PartFields>;

export function partModel(conn: Connection, clock: Clock): PartModel {
  return modelOnce<PartModel>(conn, 'Part', () => {
    const s = new Schema<PartFields>(
      {
        sku: { type: String, required: true, unique: true, maxlength: 64 },
        name: { en: { type: String, required: true, maxlength: 200 }, 'zh-CN': { type: String, required: true, maxlength: 200 } },
        models: { type: [String], default: [] },
        price: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
        currency: { type: String, enum: ['CNY'], default: 'CNY' },
        unit: { type: String, default: null, maxlength: 20 },
        returnable: { type: Boolean, default: true },
        active: { type: Boolean, default: true },
      },
      { timestamps: { currentTime: () => clock.now() } },
    );
    s.index({ models: 1 });
    return s;
  });
}

// ---- stock rows ----------------------------------------------------------------------------

/**
 * One row per sku, location and condition; `_id` is `sku|location|condition`, so a row is read and
 * written by its key alone. `available = onHand - reserved` is stored (and moved with the same
 * `$inc`) so that the guard of a debit is one condition of a single-document update. `applied`
 * holds the ids of the moves applied to this row in the last hour: that is what makes a
 * re-application after a crash a no-op (see stock.ledger.ts).
 */
export interface StockRowFields {
  _id: string;
  sku: string;
  location: string;
  condition: Condition;
  onHand: number;
  reserved: number;
  available: number;
  applied: Types.ObjectId[];
  updatedAt: Date;
}
export type StockRowModel = Model<StockRowFields>;

export const rowId = (sku: string, location: string, condition: Condition) => `${sku}|${location}|${condition}`;

export function stockRowModel(conn: Connection): StockRowModel {
  return modelOnce<StockRowModel>(conn, 'StockRow', () => {
    const s = new Schema<StockRowFields>(
      {
        _id: { type: String },
        sku: { type: String, required: true },
        location: { type: String, required: true },
        condition: { type: String, enum: CONDITIONS, required: true },
        onHand: { type: Number, default: 0 },
        reserved: { type: Number, default: 0 },
        available: { type: Number, default: 0 },
        applied: { type: [Schema.Types.ObjectId], default: [] },
        updatedAt: { type: Date, default: null },
      },
      { versionKey: false },
    );
    s.index({ sku: 1 });
    s.index({ location: 1 });
    return s;
  });
}

// ---- the ledger ----------------------------------------------------------------------------

export interface Delta {
  onHand: number;
  reserved: number;
  available: number;
}

/** One row a move changes, and by how much; a leg with a negative field is a debit, guarded. */
export interface Leg {
  row: string;
  sku: string;
  location: string;
  condition: Condition;
  delta: Delta;
  /** set once the row carries the change (the ledger's half of the two-step write) */
  done: boolean;
}

export interface MoveFields {
  _id: Types.ObjectId;
  ref: string;
  sku: string;
  qty: number;
  reason: MoveReason;
  from: { location: string; condition: Condition } | null;
  to: { location: string; condition: Condition } | null;
  legs: Leg[];
  state: MoveState;
  /** why a move was rejected (insufficient_stock) */
  error: string | null;
  by: { type: string; id: string | null; name: string };
  note: string | null;
  workOrderId: Types.ObjectId | null;
  workOrderNumber: string | null;
  /** a return_defective move: the old-part line it closes */
  oldPartId: string | null;
  createdAt: Date;
  appliedAt: Date | null;
  /** the rows no longer list this move (an hour after it was applied) */
  forgotten?: boolean;
}
export type MoveDoc = HydratedDocument<MoveFields>;
export type MoveModel = Model<MoveFields>;

const place = new Schema({ location: String, condition: { type: String, enum: CONDITIONS } }, { _id: false });

export function moveModel(conn: Connection): MoveModel {
  return modelOnce<MoveModel>(conn, 'StockMove', () => {
    const s = new Schema<MoveFields>(
      {
        ref: { type: String, required: true, unique: true, maxlength: 200 },
        sku: { type: String, required: true },
        qty: { type: Number, required: true },
        reason: { type: String, enum: MOVE_REASONS, required: true },
        from: { type: place, default: null },
        to: { type: place, default: null },
        legs: {
          type: [new Schema({ row: String, sku: String, location: String, condition: String, delta: { onHand: Number, reserved: Number, available: Number }, done: { type: Boolean, default: false } }, { _id: false })],
          default: [],
        },
        state: { type: String, enum: MOVE_STATES, default: 'pending' },
        error: { type: String, default: null },
        by: { type: { type: String, default: 'agent' }, id: { type: String, default: null }, name: { type: String, default: '' } },
        note: { type: String, default: null, maxlength: 1000 },
        workOrderId: { type: Schema.Types.ObjectId, default: null },
        workOrderNumber: { type: String, default: null },
        oldPartId: { type: String, default: null },
        createdAt: { type: Date, required: true },
        appliedAt: { type: Date, default: null },
        forgotten: { type: Boolean, default: false },
      },
      { versionKey: false },
    );
    s.index({ sku: 1, createdAt: -1 });
    s.index({ state: 1, createdAt: 1 });
    s.index({ workOrderId: 1 });
    return s;
  });
}

// ---- old parts (旧件) ----------------------------------------------------------------------

export const OLD_PART_STATUSES = ['outstanding', 'returned'] as const;

/** A defective part taken out on a report, expected back at central/defective; `_id` `<report ref>:<line>`. */
export interface OldPartFields {
  _id: string;
  sku: string;
  model: string | null;
  qty: number;
  defectiveSerial: string | null;
  workOrderId: Types.ObjectId;
  workOrderNumber: string;
  ticketNumber: number | null;
  team: string;
  engineerId: string | null;
  takenAt: Date;
  dueAt: Date;
  status: (typeof OLD_PART_STATUSES)[number];
  returnedAt: Date | null;
  returnRef: string | null;
  remindedAt: Date | null;
}
export type OldPartDoc = HydratedDocument<OldPartFields>;
export type OldPartModel = Model<OldPartFields>;

export function oldPartModel(conn: Connection): OldPartModel {
  return modelOnce<OldPartModel>(conn, 'OldPart', () => {
    const s = new Schema<OldPartFields>(
      {
        _id: { type: String },
        sku: { type: String, required: true },
        model: { type: String, default: null },
        qty: { type: Number, required: true },
        defectiveSerial: { type: String, default: null },
        workOrderId: { type: Schema.Types.ObjectId, required: true },
        workOrderNumber: { type: String, required: true },
        ticketNumber: { type: Number, default: null },
        team: { type: String, required: true },
        engineerId: { type: String, default: null },
        takenAt: { type: Date, required: true },
        dueAt: { type: Date, required: true },
        status: { type: String, enum: OLD_PART_STATUSES, default: 'outstanding' },
        returnedAt: { type: Date, default: null },
        returnRef: { type: String, default: null },
        remindedAt: { type: Date, default: null },
      },
      { versionKey: false },
    );
    s.index({ status: 1, dueAt: 1 });
    return s;
  });
}
