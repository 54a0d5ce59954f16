import { Connection, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/** An Official Account (公众号): `_id` is the key in `/webhooks/wechat/:account`. Secrets are sealed (SecretBox). */
export interface WechatAccountFields {
  _id: string;
  name: string;
  appId: string;
  token: string;
  /** sealed AppSecret */
  secret: string | null;
  /** sealed EncodingAESKey */
  aesKey: string | null;
  /** plain: no encryption; compat: both; safe: every push encrypted */
  mode: 'plain' | 'compat' | 'safe';
  team: string;
  active: boolean;
  updatedAt?: Date;
}

/** One customer (openid) of one account: the customer record, the current ticket and the 48-hour window. */
export interface WechatUserFields {
  _id: string; // `${account}:${openId}`
  account: string;
  openId: string;
  customerId: Schema.Types.ObjectId | null;
  ticketId: Schema.Types.ObjectId | null;
  /** the customer's last message or action: it opens the 48-hour customer-service window */
  lastInteractionAt: Date | null;
  /** customer-service messages sent since that interaction */
  sentInWindow: number;
  /** the replies (message ids) that took those slots: a retried send takes none again */
  windowSlots: string[];
  subscribed: boolean;
  /** a phone the customer named, until they prove it with the code sent there */
  pendingPhone: { phone: string; codeHash: string; expiresAt: Date; tries: number } | null;
  verifiedPhone: string | null;
}

/** A push as received, stored before WeChat is answered; `_id` is `${account}:${MsgId | openid:CreateTime:event}`. */
export interface WechatInboundFields {
  _id: string;
  account: string;
  fields: Record<string, string>;
  receivedAt: Date;
  processedAt: Date | null;
}

export type WechatAccountModel = Model<WechatAccountFields>;
export type WechatUserModel = Model<WechatUserFields>;
export type WechatInboundModel = Model<WechatInboundFields>;

export function wechatModels(conn: Connection, clock: Clock) {
  const ts = { timestamps: { createdAt: true, updatedAt: true, currentTime: () => clock.now() }, versionKey: false } as const;
  return {
    WechatAccount: modelOnce<WechatAccountModel>(conn, 'WechatAccount', () =>
      new Schema(
        {
          _id: { type: String },
          name: { type: String, default: '' },
          appId: { type: String, required: true },
          token: { type: String, required: true },
          secret: { type: String, default: null },
          aesKey: { type: String, default: null },
          mode: { type: String, enum: ['plain', 'compat', 'safe'], default: 'plain' },
          team: { type: String, default: 'support' },
          active: { type: Boolean, default: true },
        },
        ts,
      ),
    ),
    WechatUser: modelOnce<WechatUserModel>(conn, 'WechatUser', () =>
      new Schema(
        {
          _id: { type: String },
          account: { type: String, required: true },
          openId: { type: String, required: true },
          customerId: { type: Schema.Types.ObjectId, default: null },
          ticketId: { type: Schema.Types.ObjectId, default: null },
          lastInteractionAt: { type: Date, default: null },
          sentInWindow: { type: Number, default: 0 },
          windowSlots: { type: [String], default: [] },
          subscribed: { type: Boolean, default: true },
          pendingPhone: { type: new Schema({ phone: String, codeHash: String, expiresAt: Date, tries: Number }, { _id: false }), default: null },
          verifiedPhone: { type: String, default: null },
        },
        ts,
      ),
    ),
    WechatInbound: modelOnce<WechatInboundModel>(conn, 'WechatInbound', () => {
      const s = new Schema(
        {
          _id: { type: String },
          account: { type: String, required: true },
          fields: { type: Schema.Types.Mixed, required: true },
          receivedAt: { type: Date, required: true },
          processedAt: { type: Date, default: null },
        },
        { versionKey: false, minimize: false },
      );
      s.index({ processedAt: 1, receivedAt: 1 }); // the sweeper's query on MongoDB
      return s;
    }),
  };
}
export type WechatModels = ReturnType<typeof wechatModels>;
