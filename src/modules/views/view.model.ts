import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

const viewSchema = (clock: Clock) =>
  new Schema(
    {
      name: { type: String, required: true, maxlength: 80 },
      /** personal: only its owner sees it; team: every member of the team */
      scope: { type: String, enum: ['personal', 'team'], required: true },
      ownerId: { type: Schema.Types.ObjectId, required: true },
      team: { type: String, default: null },
      /** `user:<agentId>` or `team:<key>`: a name is unique where it is seen */
      scopeKey: { type: String, required: true },
      /** the list filters, as `GET /api/tickets` takes them (strings and lists of strings) */
      filters: { type: Schema.Types.Mixed, default: {} },
      sort: { type: String, default: 'newest' },
      position: { type: Number, default: 0 },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );

export type ViewFields = InferSchemaType<ReturnType<typeof viewSchema>>;
export type ViewDoc = HydratedDocument<ViewFields>;
export type ViewModel = Model<ViewFields>;

export function viewModel(conn: Connection, clock: Clock): ViewModel {
  return modelOnce<ViewModel>(conn, 'TicketView', () => {
    const s = viewSchema(clock);
    s.index({ scopeKey: 1, name: 1 }, { unique: true });
    return s;
  });
}
