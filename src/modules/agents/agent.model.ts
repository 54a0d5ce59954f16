import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { LOCALES, ROLES } from '../../core/types';

export const PRESENCE = ['online', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCE)[number];

export function agentSchema(clock: Clock) {
  return new Schema(
    {
      name: { type: String, required: true },
      email: { type: String, required: true, unique: true, lowercase: true, trim: true },
      passwordHash: { type: String, required: true, select: false },
      role: { type: String, enum: ROLES, default: 'agent' },
      teams: { type: [String], default: [] },
      locale: { type: String, enum: LOCALES, default: 'en' },
      phone: { type: String, default: null },
      chatCapacity: { type: Number, default: 3, min: 0, max: 50 },
      presence: {
        status: { type: String, enum: PRESENCE, default: 'offline' },
        since: { type: Date, default: () => clock.now() },
      },
      active: { type: Boolean, default: true },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

export type AgentFields = InferSchemaType<ReturnType<typeof agentSchema>>;
export type AgentDoc = HydratedDocument<AgentFields>;
export type AgentModel = Model<AgentFields>;

export function agentModel(conn: Connection, clock: Clock): AgentModel {
  return conn.model('Agent', agentSchema(clock)) as unknown as AgentModel;
}
