import { Connection, Model, Schema, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';
import { LOCALES } from '../../core/types';

export const SMS_STATES = ['queued', 'sent', 'delivered', 'failed'] as const;

export interface SmsFields {
  _id: Types.ObjectId;
  /** what makes a send idempotent: the same reference sends once */
  reference: string;
  to: string;
  customerId: Types.ObjectId | null;
  ticketId: Types.ObjectId | null;
  /** the ticket message this SMS delivers (an agent's reply by SMS) */
  messageId: Types.ObjectId | null;
  template: string;
  locale: (typeof LOCALES)[number];
  text: string;
  params: string[];
  provider: string;
  providerId: string | null;
  status: (typeof SMS_STATES)[number];
  error: string | null;
  attempts: number;
  events: { status: string; at: Date; detail?: string | null }[];
  createdAt: Date;
  updatedAt: Date;
}

/** A provider's message id → our SMS, read by `_id` when a delivery callback arrives. */
export interface SmsRefFields {
  _id: string; // `${provider}:${providerId}`
  smsId: Types.ObjectId;
}

/** The ticket a phone number's replies continue: the ticket of the latest SMS sent to it (or its latest reply's). */
export interface SmsThreadFields {
  _id: string; // E.164
  ticketId: Types.ObjectId;
  at: Date;
}

/** The opt-out flag of a phone number (E.164): STOP / 退订 from the customer, or set by an agent. */
export interface SmsOptOutFields {
  _id: string;
  optedOut: boolean;
  via: string;
  at: Date;
}

export function smsModels(conn: Connection, clock: Clock) {
  return {
    Sms: modelOnce<Model<SmsFields>>(conn, 'Sms', () =>
      new Schema(
        {
          reference: { type: String, required: true, unique: true },
          to: { type: String, required: true },
          customerId: { type: Schema.Types.ObjectId, default: null },
          ticketId: { type: Schema.Types.ObjectId, default: null },
          messageId: { type: Schema.Types.ObjectId, default: null },
          template: { type: String, required: true },
          locale: { type: String, enum: LOCALES, default: 'en' },
          text: { type: String, required: true },
          params: { type: [String], default: [] },
          provider: { type: String, required: true },
          providerId: { type: String, default: null },
          status: { type: String, enum: SMS_STATES, default: 'queued' },
          error: { type: String, default: null },
          attempts: { type: Number, default: 0 },
          events: { type: [new Schema({ status: String, at: Date, detail: String }, { _id: false })], default: [] },
        },
        { timestamps: { currentTime: () => clock.now() }, versionKey: false },
      ),
    ),
    SmsThread: modelOnce<Model<SmsThreadFields>>(conn, 'SmsThread', () => new Schema({ _id: { type: String }, ticketId: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } }, { versionKey: false })),
    SmsRef: modelOnce<Model<SmsRefFields>>(conn, 'SmsRef', () => new Schema({ _id: { type: String }, smsId: { type: Schema.Types.ObjectId, required: true } }, { versionKey: false })),
    SmsOptOut: modelOnce<Model<SmsOptOutFields>>(conn, 'SmsOptOut', () =>
      new Schema({ _id: { type: String }, optedOut: { type: Boolean, required: true }, via: { type: String, default: 'api' }, at: { type: Date, required: true } }, { versionKey: false }),
    ),
  };
}
export type SmsModels = ReturnType<typeof smsModels>;
