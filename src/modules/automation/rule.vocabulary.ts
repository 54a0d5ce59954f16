/**
 * The words rules and macros are written in: events, condition fields and operators, actions. The
 * server validates with it, and the console's rules editor reads it from
 * `GET /api/automations/vocabulary`, so the editor offers exactly what the server accepts.
 */
import { CHANNELS, LOCALES } from '../../core/types';
import { PRIORITIES, STATUSES, TYPES } from '../tickets/ticket.types';

/** What a rule reacts to; `time` rules fire when a state has held long enough. */
export const RULE_EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'workorder.updated', 'return.updated', 'time'] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

export const CONDITION_OPS = ['equals', 'not_equals', 'contains', 'not_contains', 'in', 'not_in', 'greater', 'less', 'is_set', 'not_set', 'changed', 'changed_to', 'changed_from'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
/** Operators about the change a rule reacts to (`ticket.updated`, `workorder.updated`, `return.updated`). */
export const CHANGE_OPS: readonly ConditionOp[] = ['changed', 'changed_to', 'changed_from'];
/** The events whose rules see what changed. */
export const CHANGE_EVENTS: readonly RuleEvent[] = ['ticket.updated', 'workorder.updated', 'return.updated'];

export type ValueKind = 'text' | 'enum' | 'number' | 'date' | 'boolean' | 'list' | 'team' | 'agent';

export interface ConditionField {
  kind: ValueKind;
  /** the values of an enum, in order (priorities compare by it) */
  values?: readonly string[];
  /** only these events can tell it (a message's words exist on messages and new tickets) */
  events?: readonly RuleEvent[];
  /** its change is reported (changed, changed to, changed from) */
  changes?: boolean;
  /** may be watched by a time rule ("pending for 48 hours") */
  holds?: boolean;
}

export const SLA_STATUSES = ['active', 'paused', 'hit', 'breached'] as const;
export const WORKORDER_STATUSES = ['new', 'scheduled', 'dispatched', 'accepted', 'en_route', 'on_site', 'completed', 'cannot_complete', 'cancelled'] as const;
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'received', 'inspected', 'refunded', 'replaced', 'repaired', 'closed'] as const;
const WITH_MESSAGE: RuleEvent[] = ['ticket.created', 'message.created'];

/** Every field a condition can test; custom fields are `fields.<key>` with the kind of their type. */
export const CONDITION_FIELDS = {
  'ticket.subject': { kind: 'text', changes: true },
  'ticket.status': { kind: 'enum', values: STATUSES, changes: true, holds: true },
  'ticket.priority': { kind: 'enum', values: PRIORITIES, changes: true, holds: true },
  'ticket.type': { kind: 'enum', values: TYPES, changes: true, holds: true },
  'ticket.channel': { kind: 'enum', values: CHANNELS },
  'ticket.team': { kind: 'team', changes: true, holds: true },
  'ticket.assignee': { kind: 'agent', changes: true, holds: true },
  'ticket.tags': { kind: 'list', changes: true },
  'ticket.reopenCount': { kind: 'number' },
  'ticket.messageCount': { kind: 'number' },
  'ticket.product.model': { kind: 'text' },
  'ticket.sla.firstResponse': { kind: 'enum', values: SLA_STATUSES, holds: true },
  'ticket.sla.resolution': { kind: 'enum', values: SLA_STATUSES, holds: true },
  'customer.name': { kind: 'text' },
  'customer.email': { kind: 'text' },
  'customer.phone': { kind: 'text' },
  'customer.locale': { kind: 'enum', values: LOCALES },
  'customer.company': { kind: 'text' },
  'unit.model': { kind: 'text' },
  'unit.serial': { kind: 'text' },
  'unit.warranty': { kind: 'enum', values: ['in', 'out', 'unknown'] },
  'message.body': { kind: 'text', events: WITH_MESSAGE },
  'message.author': { kind: 'enum', values: ['customer', 'agent'], events: WITH_MESSAGE },
  'message.channel': { kind: 'enum', values: CHANNELS, events: WITH_MESSAGE },
  'message.internal': { kind: 'boolean', events: WITH_MESSAGE },
  'workorder.status': { kind: 'enum', values: WORKORDER_STATUSES, events: ['workorder.updated'], changes: true },
  'workorder.kind': { kind: 'enum', values: ['repair', 'installation', 'maintenance', 'inspection'], events: ['workorder.updated'] },
  'workorder.emergency': { kind: 'boolean', events: ['workorder.updated'] },
  'return.status': { kind: 'enum', values: RETURN_STATUSES, events: ['return.updated'], changes: true },
  'return.kind': { kind: 'enum', values: ['return', 'exchange', 'repair'], events: ['return.updated'] },
} as const satisfies Record<string, ConditionField>;
export type FixedConditionField = keyof typeof CONDITION_FIELDS;

/** Which operators fit a kind of value. */
export const OPS_BY_KIND: Record<ValueKind, readonly ConditionOp[]> = {
  text: ['equals', 'not_equals', 'contains', 'not_contains', 'is_set', 'not_set', 'changed', 'changed_to', 'changed_from'],
  enum: ['equals', 'not_equals', 'in', 'not_in', 'greater', 'less', 'changed', 'changed_to', 'changed_from'],
  number: ['equals', 'not_equals', 'greater', 'less', 'is_set', 'not_set', 'changed'],
  date: ['equals', 'not_equals', 'greater', 'less', 'is_set', 'not_set', 'changed'],
  boolean: ['equals', 'changed', 'changed_to'],
  list: ['contains', 'not_contains', 'is_set', 'not_set', 'changed', 'changed_to', 'changed_from'],
  team: ['equals', 'not_equals', 'in', 'not_in', 'changed', 'changed_to', 'changed_from'],
  agent: ['equals', 'not_equals', 'is_set', 'not_set', 'changed', 'changed_to', 'changed_from'],
};

export const ACTION_TYPES = ['set_status', 'set_priority', 'set_type', 'set_team', 'set_assignee', 'set_field', 'add_tags', 'remove_tags', 'note', 'reply', 'callback', 'webhook'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
/** Macros are applied by an agent on one ticket: everything but calling a webhook. */
export const MACRO_ACTION_TYPES = ACTION_TYPES.filter((t) => t !== 'webhook');

/** The most rule applications one change can cause through other rules' changes (the loop guard). */
export const MAX_CHAIN_DEPTH = 5;

/** The kind of value of a custom field's type (`fields.<key>` conditions). */
export const KIND_OF_FIELD_TYPE: Record<'text' | 'number' | 'date' | 'select' | 'checkbox', ValueKind> = {
  text: 'text',
  number: 'number',
  date: 'date',
  select: 'enum',
  checkbox: 'boolean',
};
