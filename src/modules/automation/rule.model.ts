import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';
import { RULE_EVENTS } from './rule.vocabulary';

/** An automation rule: what it reacts to, its conditions and actions, its place in the order. */
function ruleSchema(clock: Clock) {
  return new Schema(
    {
      name: { type: String, required: true, maxlength: 120 },
      active: { type: Boolean, default: true },
      on: { type: String, enum: RULE_EVENTS, required: true },
      conditions: { type: Schema.Types.Mixed, default: () => ({ all: [], any: [] }) },
      actions: { type: [Schema.Types.Mixed], default: [] },
      order: { type: Number, default: 0 },
      /** bumped on every edit: a time rule's timers of an older revision are re-planned, not fired */
      rev: { type: Number, default: 1 },
      createdBy: { type: String, default: null },
      updatedBy: { type: String, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

/**
 * One time rule's timer on one ticket (`_id` `<ruleId>:<ticketId>`): when the watched state was
 * entered (`entryKey`, ms), when the rule is due (`dueAt`, null once fired or while other
 * conditions fail), and the entry it fired for (`firedFor`), so it fires once per entry until the
 * condition is false again. The BullMQ job is only the trigger; the sweeper fires what is due.
 */
const timerSchema = new Schema(
  {
    _id: { type: String },
    ruleId: { type: String, required: true, index: true },
    ticketId: { type: String, required: true },
    entryKey: { type: String, required: true },
    dueAt: { type: Date, default: null, index: true },
    rev: { type: Number, required: true },
    firedFor: { type: String, default: null },
    /** a firing in progress: others leave it alone until then */
    leaseUntil: { type: Date, default: null },
  },
  { versionKey: false },
);

/**
 * Since when each attribute of a ticket has had its value (`_id` is the ticket id): what time rules
 * measure. Keys: `status`, `priority`, `type`, `team`, `assignee`, `field_<key>`.
 */
const stateClockSchema = new Schema({ _id: { type: String }, since: { type: Schema.Types.Mixed, default: {} } }, { versionKey: false, minimize: false });

export type RuleFields = InferSchemaType<ReturnType<typeof ruleSchema>>;
export type RuleDoc = HydratedDocument<RuleFields>;
export type RuleModel = Model<RuleFields>;
export interface TimerFields {
  _id: string;
  ruleId: string;
  ticketId: string;
  entryKey: string;
  dueAt: Date | null;
  rev: number;
  firedFor: string | null;
  leaseUntil: Date | null;
}
export type TimerModel = Model<TimerFields>;
export type StateClockModel = Model<{ _id: string; since: Record<string, { v: unknown; at: Date }> }>;

export function automationModels(conn: Connection, clock: Clock) {
  return {
    Rule: modelOnce<RuleModel>(conn, 'AutomationRule', () => ruleSchema(clock)),
    Timer: modelOnce<TimerModel>(conn, 'AutomationTimer', () => timerSchema),
    StateClock: modelOnce<StateClockModel>(conn, 'TicketStateClock', () => stateClockSchema),
  };
}
export type AutomationModels = ReturnType<typeof automationModels>;
