import { z } from 'zod';
import { objectId } from '../tickets/ticket.schemas';
import { PRIORITIES, STATUSES, TYPES } from '../tickets/ticket.types';
import { CONDITION_FIELDS, CONDITION_OPS, RULE_EVENTS } from './rule.vocabulary';

const fieldName = z
  .string()
  .max(60)
  .refine((f) => f in CONDITION_FIELDS || /^(unit\.)?fields\.[a-z][a-z0-9_]{0,39}$/.test(f), 'must be a field of the rules vocabulary, fields.<key> or unit.fields.<key>');
const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const value = z.union([scalar, z.array(z.union([z.string().max(200), z.number()])).max(50)]);

export const conditionSchema = z.strictObject({ field: fieldName, op: z.enum(CONDITION_OPS), value: value.optional() });
export type Condition = z.output<typeof conditionSchema>;

/** A time rule's state: a field holding one value for at least `hours`. */
export const sinceSchema = z.strictObject({ field: fieldName, value: scalar, hours: z.number().min(0).max(24 * 365) });
export type Since = z.output<typeof sinceSchema>;

/**
 * The short forms of a time rule's state, as CONTRACT.md writes them: `{status:'pending', hoursSince:48}`,
 * `{priority:'urgent', hoursSince:4}`, `{field:{key,value}, hoursSince}`, `{sla:{target:'resolution', status:'breached'}, hoursSince}`.
 */
function expandShorthand(input: unknown): unknown {
  if (!input || typeof input !== 'object' || !('hoursSince' in input)) return input;
  const { hoursSince, status, priority, type, team, assignee, field, sla, ...rest } = input as Record<string, unknown>;
  let since: unknown = null;
  const pairs: [string, unknown][] = [['ticket.status', status], ['ticket.priority', priority], ['ticket.type', type], ['ticket.team', team], ['ticket.assignee', assignee]];
  for (const [f, v] of pairs) if (v !== undefined) since = { field: f, value: v, hours: hoursSince };
  if (field && typeof field === 'object') since = { field: `fields.${(field as { key?: string }).key}`, value: (field as { value?: unknown }).value ?? null, hours: hoursSince };
  if (sla && typeof sla === 'object') since = { field: `ticket.sla.${(sla as { target?: string }).target}`, value: (sla as { status?: unknown }).status ?? null, hours: hoursSince };
  return { ...rest, since: since ?? { hours: hoursSince } };
}

export const conditionsSchema = z.preprocess(
  expandShorthand,
  z.strictObject({
    all: z.array(conditionSchema).max(30).default([]),
    any: z.array(conditionSchema).max(30).default([]),
    since: sinceSchema.optional(),
  }),
);
export type Conditions = z.output<typeof conditionsSchema>;

const localized = z
  .strictObject({ en: z.string().trim().min(1).max(10_000).optional(), 'zh-CN': z.string().trim().min(1).max(10_000).optional() })
  .refine((t) => t.en || t['zh-CN'], 'needs the text in at least one language');

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('set_status'), value: z.enum(STATUSES) }),
  z.strictObject({ type: z.literal('set_priority'), value: z.enum(PRIORITIES) }),
  z.strictObject({ type: z.literal('set_type'), value: z.enum(TYPES) }),
  z.strictObject({ type: z.literal('set_team'), value: z.string().min(1).max(32) }),
  z.strictObject({ type: z.literal('set_assignee'), value: z.union([objectId, z.literal('me'), z.null()]).describe('an agent id, `me` (macros: the agent applying it) or null') }),
  z.strictObject({ type: z.literal('set_field'), key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), value: scalar }),
  z.strictObject({ type: z.literal('add_tags'), tags: z.array(z.string().trim().min(1).max(40)).min(1).max(20) }),
  z.strictObject({ type: z.literal('remove_tags'), tags: z.array(z.string().trim().min(1).max(40)).min(1).max(20) }),
  z.strictObject({ type: z.literal('note'), text: z.string().trim().min(1).max(10_000) }),
  z.strictObject({ type: z.literal('reply'), template: localized.describe('the reply in each language; the customer gets theirs ({{customer.name}}, {{ticket.number}}, {{ticket.subject}} filled in)') }),
  z.strictObject({ type: z.literal('callback'), inHours: z.number().min(0).max(24 * 60).optional().describe('due in this many hours; absent: the team\'s next opening'), note: z.string().max(1000).optional() }),
  z.strictObject({ type: z.literal('webhook'), webhookId: objectId }),
]);
export type Action = z.output<typeof actionSchema>;

export const ruleBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  active: z.boolean().default(true),
  on: z.enum(RULE_EVENTS),
  conditions: conditionsSchema.default({ all: [], any: [] }),
  actions: z.array(actionSchema).min(1).max(20),
  order: z.number().int().min(-100_000).max(100_000).default(0),
});
export type RuleInput = z.output<typeof ruleBody>;

export const ruleIdParams = z.strictObject({ id: objectId });

export const dryRunBody = z.strictObject({
  rule: ruleBody.describe('the rule as edited (not saved)'),
  limit: z.number().int().min(1).max(500).default(200).describe('how many of the most recent tickets to try it on'),
});

export const macroBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** personal: only its owner sees it; team: that team's agents; neither: everybody (managers) */
  scope: z.enum(['personal', 'team', 'global']).default('personal'),
  team: z.string().min(1).max(32).optional(),
  actions: z.array(actionSchema).min(1).max(20),
});
export type MacroInput = z.output<typeof macroBody>;
export const macroIdParams = z.strictObject({ id: objectId });
export const applyMacroParams = z.strictObject({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), id: objectId });
