import { Connection, HydratedDocument, Model, Schema, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

export const LINE_KINDS = ['part', 'labour', 'travel', 'other'] as const;
/** stored statuses; `expired` is also derived on read from `validUntil` (the timer is only a trigger) */
export const QUOTE_STATUSES = ['sent', 'accepted', 'declined', 'expired', 'paid'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export interface QuoteLine {
  kind: (typeof LINE_KINDS)[number];
  sku: string | null;
  description: string;
  qty: number;
  /** integer fen */
  unitPrice: number;
  /** qty × unitPrice, integer fen */
  amount: number;
}

export interface QuoteFields {
  _id: Types.ObjectId;
  /** Q-000123 */
  number: string;
  ticketId: Types.ObjectId;
  ticketNumber: number;
  team: string;
  customerId: Types.ObjectId;
  workOrderId: Types.ObjectId | null;
  lines: QuoteLine[];
  /** integer fen */
  total: number;
  currency: 'CNY';
  status: QuoteStatus;
  validDays: number;
  validUntil: Date;
  /** who the link was mailed to, and in which language */
  email: string | null;
  locale: 'en' | 'zh-CN';
  decidedAt: Date | null;
  payment: { amount: number; reference: string; by: { id: string | null; name: string }; at: Date } | null;
  createdBy: { id: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
}
export type QuoteDoc = HydratedDocument<QuoteFields>;
export type QuoteModel = Model<QuoteFields>;

const who = { id: { type: String, default: null }, name: { type: String, default: '' } };

export function quoteModel(conn: Connection, clock: Clock): QuoteModel {
  return modelOnce<QuoteModel>(conn, 'Quote', () => {
    const s = new Schema<QuoteFields>(
      {
        number: { type: String, required: true, unique: true },
        ticketId: { type: Schema.Types.ObjectId, required: true },
        ticketNumber: { type: Number, required: true },
        team: { type: String, required: true },
        customerId: { type: Schema.Types.ObjectId, required: true },
        workOrderId: { type: Schema.Types.ObjectId, default: null },
        lines: {
          type: [new Schema({ kind: { type: String, enum: LINE_KINDS }, sku: { type: String, default: null }, description: String, qty: Number, unitPrice: Number, amount: Number }, { _id: false })],
          default: [],
        },
        total: { type: Number, required: true, validate: Number.isSafeInteger },
        currency: { type: String, enum: ['CNY'], default: 'CNY' },
        status: { type: String, enum: QUOTE_STATUSES, default: 'sent' },
        validDays: { type: Number, required: true },
        validUntil: { type: Date, required: true },
        email: { type: String, default: null },
        locale: { type: String, enum: ['en', 'zh-CN'], default: 'en' },
        decidedAt: { type: Date, default: null },
        payment: { type: new Schema({ amount: Number, reference: String, by: who, at: Date }, { _id: false }), default: null },
        createdBy: who,
      },
      { timestamps: { currentTime: () => clock.now() }, versionKey: false },
    );
    s.index({ ticketNumber: 1 });
    s.index({ ticketId: 1 });
    s.index({ status: 1, validUntil: 1 });
    return s;
  });
}
