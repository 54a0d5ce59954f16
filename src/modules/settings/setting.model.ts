import { Connection, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/** One document per settings area (`_id: 'voice'`...): values an admin changes in the console instead of in code. */
export interface SettingFields {
  _id: string;
  value: Record<string, unknown>;
  updatedAt: Date;
}
export type SettingModel = Model<SettingFields>;

export function settingModel(conn: Connection, clock: Clock): SettingModel {
  return modelOnce<SettingModel>(
    conn,
    'Setting',
    () =>
      new Schema<SettingFields>(
        { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed, default: {} }, updatedAt: { type: Date, default: () => clock.now() } },
        { versionKey: false, minimize: false },
      ),
  );
}
