import { modelOnce } from '../../infra/mongo';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { CHANNELS } from '../../core/types';
import { PRIORITIES, TYPES } from '../tickets/ticket.types';

const policySchema = (clock: Clock) =>
  new Schema(
    {
      name: { type: String, required: true, unique: true },
      /** the first matching active policy by ascending order applies */
      order: { type: Number, required: true },
      match: {
        priority: { type: String, enum: [...PRIORITIES, null], default: null },
        type: { type: String, enum: [...TYPES, null], default: null },
        channel: { type: String, enum: [...CHANNELS, null], default: null },
        team: { type: String, default: null },
      },
      /** ISO 8601 durations */
      targets: {
        firstResponse: { type: String, default: null },
        nextResponse: { type: String, default: null },
        resolution: { type: String, default: null },
      },
      /** a calendar name; null: around the clock */
      calendar: { type: String, default: null },
      /** escalate to this level as soon as a ticket gets the policy (2: the manager hears of every urgent complaint) */
      escalateOnCreate: { type: Number, default: 0, min: 0, max: 3 },
      active: { type: Boolean, default: true },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );

export type SlaPolicyFields = InferSchemaType<ReturnType<typeof policySchema>>;
export type SlaPolicyDoc = HydratedDocument<SlaPolicyFields>;
export type SlaPolicyModel = Model<SlaPolicyFields>;

export function slaPolicyModel(conn: Connection, clock: Clock): SlaPolicyModel {
  return modelOnce<SlaPolicyModel>(conn, 'SlaPolicy', () => policySchema(clock));
}
