import { Connection, HydratedDocument, InferSchemaType, Model, Schema, Types } from 'mongoose';
import type { Actor } from '../../core/types';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/** What a settings change can be about; one name per settings page. */
export const CONFIG_ENTITIES = ['sla_policy', 'calendar', 'team', 'agent', 'canned_response', 'voice', 'view'] as const;
export type ConfigEntity = (typeof CONFIG_ENTITIES)[number];

const configAuditSchema = (clock: Clock) =>
  new Schema(
    {
      entity: { type: String, enum: CONFIG_ENTITIES, required: true },
      /** the changed thing's id or key (a policy id, a calendar name, a team key, an agent id) */
      key: { type: String, required: true },
      action: { type: String, required: true },
      actor: { type: { type: String }, id: String, name: String },
      /** the fields before and after, as the API shows them (never a password or token) */
      before: { type: Schema.Types.Mixed, default: null },
      after: { type: Schema.Types.Mixed, default: null },
      at: { type: Date, default: () => clock.now() },
    },
    { versionKey: false, minimize: false },
  );

export type ConfigAuditFields = InferSchemaType<ReturnType<typeof configAuditSchema>>;
export type ConfigAuditModel = Model<ConfigAuditFields>;
export type ConfigAuditDoc = HydratedDocument<ConfigAuditFields>;

export function configAuditModel(conn: Connection, clock: Clock): ConfigAuditModel {
  return modelOnce<ConfigAuditModel>(conn, 'ConfigAudit', () => {
    const s = configAuditSchema(clock);
    s.index({ entity: 1, key: 1, at: -1 });
    return s;
  });
}

export interface ConfigChange {
  entity: ConfigEntity;
  key: string;
  action: 'created' | 'updated' | 'deleted' | 'reordered' | 'invited' | 'password_reset' | 'deactivated' | 'reactivated';
  before?: unknown;
  after?: unknown;
}

/** Only the fields that differ, so an entry says what changed rather than repeating the whole record. */
function diff(before: unknown, after: unknown): { before: unknown; after: unknown } {
  if (!isRecord(before) || !isRecord(after)) return { before: before ?? null, after: after ?? null };
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    b[k] = before[k] ?? null;
    a[k] = after[k] ?? null;
  }
  return { before: b, after: a };
}
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The settings audit trail: who changed which policy, calendar, team, agent, canned response or
 * hotline setting, when, and what the fields were before and after. Append-only; every settings
 * service writes here after its own write succeeded.
 */
export class ConfigAuditLog {
  constructor(private readonly Audit: ConfigAuditModel) {}

  async record(actor: Actor, change: ConfigChange): Promise<void> {
    const { before, after } = change.action === 'updated' ? diff(change.before, change.after) : { before: change.before ?? null, after: change.after ?? null };
    if (change.action === 'updated' && isRecord(after) && !Object.keys(after).length) return; // nothing changed
    await this.Audit.create({ entity: change.entity, key: change.key, action: change.action, actor: { type: actor.type, id: actor.id, name: actor.name }, before, after });
  }

  /**
   * Newest first, `before` an entry id for the next page. A filtered read scans on the embedded
   * store (non-unique index): a settings page reads it now and then, never a hot path.
   */
  async list(filter: { entity?: ConfigEntity; key?: string; limit: number; before?: string }) {
    const q: Record<string, unknown> = {};
    if (filter.entity) q.entity = filter.entity;
    if (filter.key) q.key = filter.key;
    if (filter.before && Types.ObjectId.isValid(filter.before)) q._id = { $lt: new Types.ObjectId(filter.before) };
    const rows = await this.Audit.find(q).sort({ _id: -1 }).limit(filter.limit + 1).lean();
    const page = rows.slice(0, filter.limit);
    return {
      entries: page.map((r) => ({ id: String(r._id), entity: r.entity, key: r.key, action: r.action, actor: r.actor, before: r.before, after: r.after, at: r.at })),
      nextCursor: rows.length > filter.limit ? String(page[page.length - 1]._id) : null,
    };
  }
}
