import { modelOnce } from '../../infra/mongo';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import { LOCALES } from '../../core/types';

const cannedSchema = new Schema(
  {
    title: { type: String, required: true, maxlength: 120 },
    /** text with `{{customer.name}}`, `{{ticket.number}}`, `{{agent.name}}` placeholders, filled in the console */
    body: { type: String, required: true, maxlength: 10_000 },
    locale: { type: String, enum: LOCALES, default: 'en' },
    /** null: every team */
    team: { type: String, default: null },
    createdBy: { type: String, default: null },
  },
  { timestamps: true },
);

export type CannedFields = InferSchemaType<typeof cannedSchema>;
export type CannedDoc = HydratedDocument<CannedFields>;
export type CannedModel = Model<CannedFields>;

export function cannedModel(conn: Connection): CannedModel {
  return modelOnce<CannedModel>(conn, 'CannedResponse', () => cannedSchema);
}

export function serializeCanned(c: CannedDoc) {
  return { id: String(c._id), title: c.title, body: c.body, locale: c.locale, team: c.team ?? null };
}

/** A few answers every after-sales desk needs, in both languages (the demo organisation). */
export async function seedCannedResponses(conn: Connection): Promise<void> {
  const Canned = cannedModel(conn);
  if (await Canned.exists({})) return;
  await Canned.insertMany([
    { title: 'Greeting', locale: 'en', body: 'Hello {{customer.name}},\n\nthank you for contacting us about ticket #{{ticket.number}}. ' },
    { title: 'Warranty registration', locale: 'en', body: 'Hello {{customer.name}},\n\nyou can register your warranty at https://demo.local/warranty with the serial number on the back of the unit.\n\nBest regards,\n{{agent.name}}' },
    { title: 'Engineer visit', locale: 'en', team: 'tech', body: 'Hello {{customer.name}},\n\nwe have scheduled an engineer visit. The engineer will call you one hour before arriving.\n\n{{agent.name}}' },
    { title: '问候', locale: 'zh-CN', body: '{{customer.name}}，您好！\n\n感谢您就工单 #{{ticket.number}} 联系我们。' },
    { title: '保修登记', locale: 'zh-CN', body: '{{customer.name}}，您好！\n\n您可以凭机身背面的序列号在 https://demo.local/warranty 登记保修。\n\n{{agent.name}}' },
    { title: '安排上门维修', locale: 'zh-CN', team: 'tech', body: '{{customer.name}}，您好！\n\n我们已为您安排工程师上门维修，工程师到达前一小时会与您电话联系。\n\n{{agent.name}}' },
  ]);
}
