/**
 * The automation API's wire shapes: rules and macros as `GET /api/automations` and `/api/macros`
 * answer them, and the vocabulary the rules editor offers (`GET /api/automations/vocabulary`).
 * A leaf (plain types), imported type-only by the console.
 */

export interface ConditionPayload {
  field: string;
  op: string;
  value?: unknown;
}

export interface ConditionsPayload {
  all: ConditionPayload[];
  any: ConditionPayload[];
  /** a time rule's state: `field` holding `value` for at least `hours` */
  since?: { field: string; value: string | number | boolean | null; hours: number };
}

/** An action of a rule or macro: `{type, ...}` as the API validates it (rule.schemas.ts). */
export type ActionPayload = { type: string } & Record<string, unknown>;

export interface RulePayload {
  id: string;
  name: string;
  active: boolean;
  on: string;
  conditions: ConditionsPayload;
  actions: ActionPayload[];
  order: number;
  rev: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface MacroPayload {
  id: string;
  name: string;
  scope: 'personal' | 'team' | 'global';
  team: string | null;
  ownerId: string | null;
  actions: ActionPayload[];
}

export interface DryRunPayload {
  matched: number;
  of: number;
  tickets: number[];
}

export type ValueKindPayload = 'text' | 'enum' | 'number' | 'date' | 'boolean' | 'list' | 'team' | 'agent';

export interface ConditionFieldPayload {
  kind: ValueKindPayload;
  values?: readonly string[];
  events?: readonly string[];
  changes?: boolean;
  holds?: boolean;
}

/** What rules and macros are written in (src/modules/automation/rule.vocabulary.ts), for the editor. */
export interface VocabularyPayload {
  events: readonly string[];
  fields: Record<string, ConditionFieldPayload>;
  opsByKind: Record<ValueKindPayload, readonly string[]>;
  changeOps: readonly string[];
  /** the events whose rules see a change (changed, changed to, changed from) */
  changeEvents: readonly string[];
  actions: readonly string[];
  macroActions: readonly string[];
  kindOfFieldType: Record<string, ValueKindPayload>;
}
