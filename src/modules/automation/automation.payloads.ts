/**
 * The automation API's wire shapes: rules and macros as `GET /api/automations` and `/api/macros`
 * answer them. A leaf (types only, from sibling leaves), imported type-only by the console.
 */
import type { RuleEvent } from './rule.vocabulary';

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
  on: RuleEvent;
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
