import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/** A macro: a named set of actions an agent applies to a ticket in one click. */
function macroSchema(clock: Clock) {
  return new Schema(
    {
      name: { type: String, required: true, maxlength: 120 },
      scope: { type: String, enum: ['personal', 'team', 'global'], required: true },
      team: { type: String, default: null },
      ownerId: { type: String, default: null },
      actions: { type: [Schema.Types.Mixed], default: [] },
      createdBy: { type: String, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

export type MacroFields = InferSchemaType<ReturnType<typeof macroSchema>>;
export type MacroDoc = HydratedDocument<MacroFields>;
export type MacroModel = Model<MacroFields>;

export function macroModel(conn: Connection, clock: Clock): MacroModel {
  return modelOnce<MacroModel>(conn, 'Macro', () => macroSchema(clock));
}
