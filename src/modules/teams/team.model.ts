import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';

const teamSchema = new Schema(
  {
    key: { type: String, required: true, unique: true, match: /^[a-z0-9_-]{2,32}$/ },
    name: { type: String, required: true },
    nameZh: { type: String, default: '' },
    /** support mail addresses that route into this team */
    addresses: { type: [String], default: [] },
    assignment: { type: String, enum: ['round_robin', 'least_loaded'], default: 'least_loaded' },
    /** business-hours calendar for callbacks and SLA of this team's work; null means 24x7 */
    calendar: { type: String, default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type TeamFields = InferSchemaType<typeof teamSchema>;
export type TeamDoc = HydratedDocument<TeamFields>;
export type TeamModel = Model<TeamFields>;

export function teamModel(conn: Connection): TeamModel {
  return conn.model('Team', teamSchema) as unknown as TeamModel;
}
