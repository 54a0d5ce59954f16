import { ValidationError } from '../../errors';
import type { FieldPayload } from '../fields/field.payloads';
import { normalizeValue } from '../fields/field.values';
import type { Action, Conditions } from './rule.schemas';
import { CHANGE_EVENTS, CHANGE_OPS, CONDITION_FIELDS, type ConditionField, KIND_OF_FIELD_TYPE, OPS_BY_KIND, type RuleEvent, type ValueKind } from './rule.vocabulary';

export interface ValidationSources {
  fields(): Promise<FieldPayload[]>;
  teamExists(key: string): Promise<boolean>;
  agentExists(id: string): Promise<boolean>;
  webhookExists(id: string): Promise<boolean>;
}

interface Issue {
  path: string;
  message: string;
}


/**
 * The vocabulary entry of a condition field, custom fields included: `fields.<key>` of a ticket
 * field (its changes seen, watched over time), `unit.fields.<key>` of the linked unit's field.
 */
export function fieldEntry(field: string, defs: Map<string, FieldPayload>): (ConditionField & { custom?: FieldPayload }) | null {
  const unit = field.startsWith('unit.fields.');
  if (unit || field.startsWith('fields.')) {
    const f = defs.get(field.slice(unit ? 12 : 7));
    if (!f || f.appliesTo !== (unit ? 'unit' : 'ticket')) return null;
    return { kind: KIND_OF_FIELD_TYPE[f.type], values: f.type === 'select' ? f.options.map((o) => o.value) : undefined, changes: !unit, holds: !unit, custom: f };
  }
  return (CONDITION_FIELDS as Record<string, ConditionField>)[field] ?? null;
}

function checkValue(kind: ValueKind, values: readonly string[] | undefined, v: unknown, path: string, issues: Issue[]): void {
  if (v === undefined || v === null) return;
  if (kind === 'enum' && values && !values.includes(String(v))) issues.push({ path, message: `must be one of ${values.join(', ')}` });
  if (kind === 'number' && !Number.isFinite(Number(v))) issues.push({ path, message: 'must be a number' });
  if (kind === 'boolean' && typeof v !== 'boolean') issues.push({ path, message: 'must be true or false' });
}

/**
 * What zod cannot know about a rule or macro: that its fields exist and fit the event, operators
 * fit the fields, values fit the fields (teams, agents, options), and the targets of its actions
 * exist. Every issue is reported at once, with its path, as a 400.
 */
export async function validateRule(rule: { on: RuleEvent | 'macro'; conditions?: Conditions; actions: Action[] }, src: ValidationSources): Promise<void> {
  const issues: Issue[] = [];
  const defs = new Map((await src.fields()).map((f) => [f.key, f]));
  const c = rule.conditions;
  if (c) {
    if (rule.on === 'time' && !c.since) issues.push({ path: 'conditions.since', message: 'a time rule needs the state it waits on: {since:{field, value, hours}} or {status, hoursSince}' });
    if (rule.on !== 'time' && c.since) issues.push({ path: 'conditions.since', message: 'only time rules wait on a state' });
    if (c.since) {
      const e = fieldEntry(c.since.field, defs);
      if (!e || !e.holds) issues.push({ path: 'conditions.since.field', message: `${c.since.field} cannot be watched over time` });
      else checkValue(e.kind, e.values, c.since.value, 'conditions.since.value', issues);
      if (e?.kind === 'team' && c.since.value !== null && !(await src.teamExists(String(c.since.value)))) issues.push({ path: 'conditions.since.value', message: `unknown team ${c.since.value}` });
    }
    for (const [group, list] of [['all', c.all], ['any', c.any]] as const) {
      for (const [i, cond] of list.entries()) {
        const path = `conditions.${group}.${i}`;
        const e = fieldEntry(cond.field, defs);
        if (!e) {
          issues.push({ path: `${path}.field`, message: `unknown field ${cond.field}` });
          continue;
        }
        if (e.events && rule.on !== 'macro' && !e.events.includes(rule.on)) issues.push({ path: `${path}.field`, message: `${cond.field} is not known on ${rule.on}` });
        if (!OPS_BY_KIND[e.kind].includes(cond.op)) issues.push({ path: `${path}.op`, message: `${cond.op} does not fit ${cond.field}` });
        if (CHANGE_OPS.includes(cond.op) && (!e.changes || !CHANGE_EVENTS.includes(rule.on as RuleEvent))) issues.push({ path: `${path}.op`, message: `${cond.op} needs a change: rules on ${CHANGE_EVENTS.join(', ')}` });
        const needsValue = !['is_set', 'not_set', 'changed'].includes(cond.op);
        if (needsValue && cond.value === undefined) issues.push({ path: `${path}.value`, message: 'needs a value' });
        if ((cond.op === 'in' || cond.op === 'not_in') && !Array.isArray(cond.value)) issues.push({ path: `${path}.value`, message: 'needs a list of values' });
        const values = Array.isArray(cond.value) ? cond.value : [cond.value];
        for (const v of values) {
          checkValue(e.kind === 'list' ? 'text' : e.kind, e.values, v, `${path}.value`, issues);
          if (e.kind === 'team' && v !== null && v !== undefined && !(await src.teamExists(String(v)))) issues.push({ path: `${path}.value`, message: `unknown team ${v}` });
        }
      }
    }
  }
  for (const [i, a] of rule.actions.entries()) {
    const path = `actions.${i}`;
    if (a.type === 'set_team' && !(await src.teamExists(a.value))) issues.push({ path: `${path}.value`, message: `unknown team ${a.value}` });
    if (a.type === 'set_assignee' && a.value === 'me' && rule.on !== 'macro') issues.push({ path: `${path}.value`, message: '`me` exists only in macros' });
    if (a.type === 'set_assignee' && a.value && a.value !== 'me' && !(await src.agentExists(a.value))) issues.push({ path: `${path}.value`, message: 'no such active agent' });
    if (a.type === 'set_field') {
      const f = defs.get(a.key);
      if (!f || f.appliesTo !== 'ticket') issues.push({ path: `${path}.key`, message: `unknown field ${a.key}` });
      else {
        const r = normalizeValue(f, a.value);
        if ('issue' in r) issues.push({ path: `${path}.value`, message: r.issue.message });
      }
    }
    if (a.type === 'webhook') {
      if (rule.on === 'macro') issues.push({ path: `${path}.type`, message: 'a macro cannot call a webhook' });
      else if (!(await src.webhookExists(a.webhookId))) issues.push({ path: `${path}.webhookId`, message: 'no such webhook' });
    }
  }
  if (issues.length) throw new ValidationError(`Invalid ${rule.on === 'macro' ? 'macro' : 'rule'}: ${issues[0].path} ${issues[0].message}`, issues);
}
