import { randomUUID } from 'node:crypto';
import { Connection, HydratedDocument, Model, Schema, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { lookupRowsModel } from '../../infra/lookup-rows';
import { modelOnce } from '../../infra/mongo';
import { RETURN_EVENTS, RETURN_KINDS, RETURN_REASON_CODES, RETURN_STATUSES, type ReturnEventType, type ReturnKind, type ReturnReasonCode, type ReturnStatus } from './return.machine';

export interface ReturnEvent {
  id: string;
  type: ReturnEventType | 'request';
  from: ReturnStatus | null;
  to: ReturnStatus;
  note: string | null;
  data: Record<string, unknown>;
  by: { id: string | null; name: string };
  at: Date;
  /** the client's idempotency key: a repeated step answers this event and changes nothing */
  clientId: string | null;
  /** the timeline line and the customer's mail of this step are done (the effects job or the sweeper does them) */
  effectsDone: boolean;
}

export interface ReturnAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  hash: string;
  by: { id: string; name: string };
  at: Date;
}

export interface ReturnFields {
  number: number;
  ticketId: Types.ObjectId;
  ticketNumber: number;
  /** the ticket's team, which reads the return too */
  ticketTeam: string;
  /** the team that works the return (approval, receipt, inspection, outcome) */
  team: string;
  unitId: Types.ObjectId;
  customerId: Types.ObjectId;
  model: string;
  serial: string;
  kind: ReturnKind;
  reason: string;
  reasonCode: ReturnReasonCode;
  status: ReturnStatus;
  /** the unit's warranty when the return was asked for */
  warranty: { status: string; entitlement: string[]; reasonCode: string; days: number | null };
  /** a warranty technician's or manager's decision to accept a kind outside the entitlement */
  override: { reason: string; by: { id: string; name: string }; at: Date } | null;
  outcome: { type: 'refund' | 'replace' | 'repair'; amount: number | null; currency: 'CNY' | null; newSerial: string | null; newUnitId: Types.ObjectId | null; note: string | null } | null;
  attachments: ReturnAttachment[];
  events: ReturnEvent[];
  createdBy: { id: string; name: string };
  createKey: string;
  createdAt: Date;
  updatedAt: Date;
}
export type ReturnDoc = HydratedDocument<ReturnFields>;
export type ReturnModel = Model<ReturnFields>;

const actor = { id: String, name: String };

function returnSchema(clock: Clock) {
  return new Schema<ReturnFields>(
    {
      number: { type: Number, required: true, unique: true },
      ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
      ticketNumber: { type: Number, required: true },
      ticketTeam: { type: String, required: true },
      team: { type: String, required: true },
      unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
      customerId: { type: Schema.Types.ObjectId, ref: 'Customer', required: true },
      model: { type: String, required: true },
      serial: { type: String, required: true },
      kind: { type: String, enum: RETURN_KINDS, required: true },
      reason: { type: String, required: true, maxlength: 2000 },
      reasonCode: { type: String, enum: RETURN_REASON_CODES, default: 'performance_fault' },
      status: { type: String, enum: RETURN_STATUSES, default: 'requested' },
      warranty: { status: String, entitlement: [String], reasonCode: String, days: Number },
      override: { type: new Schema({ reason: String, by: actor, at: Date }, { _id: false }), default: null },
      outcome: {
        type: new Schema({ type: { type: String }, amount: Number, currency: String, newSerial: String, newUnitId: Schema.Types.ObjectId, note: String }, { _id: false }),
        default: null,
      },
      attachments: {
        type: [new Schema({ id: String, filename: String, contentType: String, size: Number, hash: String, by: actor, at: Date }, { _id: false })],
        default: [],
      },
      events: {
        type: [
          new Schema(
            {
              id: { type: String, required: true },
              type: { type: String, enum: [...RETURN_EVENTS, 'request'], required: true },
              from: { type: String, default: null },
              to: { type: String, required: true },
              note: { type: String, default: null },
              data: { type: Schema.Types.Mixed, default: {} },
              by: actor,
              at: Date,
              clientId: { type: String, default: null },
              effectsDone: { type: Boolean, default: false },
            },
            { _id: false, minimize: false },
          ),
        ],
        default: [],
      },
      createdBy: actor,
      /** idempotent creation: the ticket and the client's id; random when the client sends none */
      createKey: { type: String, required: true, unique: true, default: () => `r:${randomUUID()}` },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export function returnModels(conn: Connection, clock: Clock) {
  return {
    Return: modelOnce<ReturnModel>(conn, 'Return', () => {
      const s = returnSchema(clock);
      s.index({ createdAt: 1 });
      s.index({ team: 1, status: 1 });
      s.index({ 'events.effectsDone': 1, 'events.at': 1 }); // steps whose effects a crash cut short (the returns sweeper)
      return s;
    }),
    /** lookup rows `ticket:<number>` and `open:<team>` → return ids (src/infra/lookup-rows.ts) */
    ReturnIndex: lookupRowsModel(conn, 'ReturnIndex'),
  };
}
export type ReturnModels = ReturnType<typeof returnModels>;

export const formatReturnNumber = (n: number) => `RT-${String(n).padStart(6, '0')}`;
