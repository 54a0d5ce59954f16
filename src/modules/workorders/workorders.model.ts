import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';
import { CANNOT_COMPLETE_REASONS, WO_KINDS, WO_STATUSES } from './workorder-state';

const actor = new Schema({ type: { type: String, enum: ['agent', 'system'], default: 'agent' }, id: { type: String, default: null }, name: { type: String, default: '' } }, { _id: false });

const step = new Schema(
  {
    type: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: actor, required: true },
    from: String,
    to: String,
    reason: { type: String, default: null },
    note: { type: String, default: null },
    /** the phone's id of the step: a replay with the same id answers the first result */
    clientId: { type: String, default: null },
    /** planning changes: the engineer and window after the change */
    engineerId: { type: String, default: null },
    window: { start: Date, end: Date },
  },
  { _id: true },
);

const photo = new Schema({ id: String, filename: String, contentType: String, size: Number, hash: String, at: Date, by: String }, { _id: false });

export function workOrderSchema(clock: Clock) {
  return new Schema(
    {
      /** WO-000123 */
      number: { type: String, required: true, unique: true },
      ticketId: { type: Schema.Types.ObjectId, required: true, index: true },
      ticketNumber: { type: Number, required: true },
      /** the ticket's team when the work order was raised: its agents see the work order too */
      ticketTeam: { type: String, required: true },
      /** the ticket's channel, for reports grouped by channel */
      ticketChannel: { type: String, default: null },
      customerId: { type: Schema.Types.ObjectId, required: true },
      /** who the engineer visits, copied from the customer archive for the phone */
      contact: { name: { type: String, default: '' }, phone: { type: String, default: null }, email: { type: String, default: null }, locale: { type: String, default: 'en' } },
      kind: { type: String, enum: WO_KINDS, required: true },
      description: { type: String, required: true, maxlength: 5000 },
      address: { type: String, required: true, maxlength: 500 },
      team: { type: String, required: true, index: true },
      engineerId: { type: Schema.Types.ObjectId, default: null, index: true },
      window: { type: new Schema({ start: Date, end: Date }, { _id: false }), default: null },
      emergency: { type: Boolean, default: false },
      unitId: { type: String, default: null },
      /** the unit's warranty when the work order was raised (or re-linked) */
      warranty: { type: Schema.Types.Mixed, default: null },
      payment: {
        required: { type: Boolean, default: false },
        quoteId: { type: String, default: null },
        status: { type: String, enum: ['none', 'awaiting', 'paid'], default: 'none' },
        /** what the customer did with the latest quote for it (awaiting payment: sent, accepted, declined or expired) */
        quoteStatus: { type: String, enum: ['sent', 'accepted', 'declined', 'expired', null], default: null },
      },
      status: { type: String, enum: WO_STATUSES, default: 'new' },
      outcome: { reason: { type: String, enum: [...CANNOT_COMPLETE_REASONS, null], default: null }, note: { type: String, default: null } },
      dispatchedAt: { type: Date, default: null },
      arrivedAt: { type: Date, default: null },
      completedAt: { type: Date, default: null },
      /** 1 for the first work order on a ticket or unit; a revisit counts against the first visit's fix */
      visit: { type: Number, default: 1 },
      revisitOf: { type: Schema.Types.ObjectId, default: null },
      revisitedBy: { type: Schema.Types.ObjectId, default: null },
      /** the on-site SLA target (onsite-sla.ts) */
      sla: { type: Schema.Types.Mixed, default: null },
      events: { type: [step], default: [] },
      photos: { type: [photo], default: [] },
      report: { type: new Schema({ version: Number, filedAt: Date, filedBy: String, clientId: String }, { _id: false }), default: null },
      /** optimistic concurrency of every state write */
      rev: { type: Number, default: 0 },
      /**
       * Changes whose effects (timers, sockets, timeline, mails, parts, rules) have not all run:
       * pushed by the write that makes the change, pulled once every listener ran. What a crash or
       * a failed listener leaves here, the sweeper re-drives (workorders.service.ts `redrive`).
       */
      pendingEffects: { type: [new Schema({ rev: Number, change: Schema.Types.Mixed, at: Date }, { _id: false })], default: [] },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type WorkOrderFields = InferSchemaType<ReturnType<typeof workOrderSchema>> & { createdAt: Date; updatedAt: Date };
export type WorkOrderDoc = HydratedDocument<WorkOrderFields>;
export type WorkOrderModel = Model<WorkOrderFields>;

export function workOrderModel(conn: Connection, clock: Clock): WorkOrderModel {
  return modelOnce<WorkOrderModel>(conn, 'WorkOrder', () => {
    const s = workOrderSchema(clock);
    s.index({ team: 1, status: 1, 'window.start': 1 });
    s.index({ engineerId: 1, 'window.start': 1 });
    s.index({ 'sla.nextCheckAt': 1 });
    s.index({ createdAt: 1 });
    // the sweeper's re-drive of changes whose effects did not all run (a multikey index over a list that is almost always empty)
    s.index({ 'pendingEffects.at': 1 });
    return s;
  });
}

/** One version of a service report (技术服务报告单): `_id` `<workOrderId>:v<n>`, so a version is written once. */
export function serviceReportSchema(clock: Clock) {
  return new Schema(
    {
      _id: { type: String },
      workOrderId: { type: Schema.Types.ObjectId, required: true },
      version: { type: Number, required: true },
      diagnosis: { type: String, required: true },
      work: { type: String, required: true },
      labourMinutes: { type: Number, required: true },
      parts: { type: [new Schema({ sku: String, qty: Number, defectiveSerial: String, newSerial: String }, { _id: false })], default: [] },
      photos: { type: [String], default: [] },
      signature: { type: new Schema({ name: String, png: String }, { _id: false }), default: null },
      refused: { type: new Schema({ reason: String }, { _id: false }), default: null },
      correction: { type: String, default: null },
      filedBy: { type: actor, required: true },
      clientId: { type: String, default: null },
      /** the PDF of this version in the attachment store (sha256), once rendered */
      pdfHash: { type: String, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, versionKey: false },
  );
}

export type ServiceReportFields = InferSchemaType<ReturnType<typeof serviceReportSchema>> & { createdAt: Date };
export type ServiceReportDoc = HydratedDocument<ServiceReportFields>;
export type ServiceReportModel = Model<ServiceReportFields>;

export function serviceReportModel(conn: Connection, clock: Clock): ServiceReportModel {
  return modelOnce<ServiceReportModel>(conn, 'ServiceReport', () => serviceReportSchema(clock));
}
