import en from '../../../templates/fields/en.json';
import zh from '../../../templates/fields/zh-CN.json';
import type { FieldPayload } from './field.payloads';

/** How a value reads to a customer in their language (templates/fields/<lang>.json). */
const WORDS: Record<'en' | 'zh-CN', typeof en> = { en, 'zh-CN': zh };

/** Why a value does not fit its field; one per field in a 422's `details`. */
export interface FieldIssue {
  field: string;
  code: 'unknown' | 'inactive' | 'scope' | 'type' | 'option' | 'required';
  message: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a field applies to a ticket of this type and team (an empty list in the scope means every one). */
export function inScope(f: Pick<FieldPayload, 'scope'>, ctx: { type: string; team: string }): boolean {
  return (!f.scope.types.length || f.scope.types.includes(ctx.type)) && (!f.scope.teams.length || f.scope.teams.includes(ctx.team));
}

/** Whether a stored value counts as given (required fields). */
export function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '' && !(typeof v === 'number' && Number.isNaN(v));
}

/**
 * One value in its stored form: text trimmed, numbers as numbers, dates as `YYYY-MM-DD`, checkboxes
 * as booleans, a select's value one of its options. `null` (or an empty text) clears the field.
 * Answers the value, or the issue.
 */
export function normalizeValue(f: FieldPayload, raw: unknown): { value: unknown } | { issue: FieldIssue } {
  const bad = (code: FieldIssue['code'], message: string) => ({ issue: { field: f.key, code, message } });
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { value: null };
  switch (f.type) {
    case 'text':
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad('type', 'must be text');
      return String(raw).trim().length > 2000 ? bad('type', 'must be at most 2000 characters') : { value: String(raw).trim() };
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      return Number.isFinite(n) ? { value: n } : bad('type', 'must be a number');
    }
    case 'date': {
      const s = typeof raw === 'string' ? raw.trim().slice(0, 10) : '';
      const d = new Date(`${s}T00:00:00Z`);
      return DATE.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? { value: s } : bad('type', 'must be a date YYYY-MM-DD');
    }
    case 'checkbox':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return bad('type', 'must be true or false');
    case 'select': {
      const v = String(raw);
      return f.options.some((o) => o.value === v) ? { value: v } : bad('option', `must be one of ${f.options.map((o) => o.value).join(', ')}`);
    }
  }
}

/**
 * The values of a write, each checked against its definition for a record of this type and team:
 * the stored forms, or every issue found (a write with any issue changes nothing).
 */
export function checkValues(
  defs: Map<string, FieldPayload>,
  values: Record<string, unknown>,
  ctx: { type: string; team: string } | null,
): { values: Record<string, unknown>; issues: FieldIssue[] } {
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const f = defs.get(key);
    if (!f) {
      issues.push({ field: key, code: 'unknown', message: 'no such field' });
      continue;
    }
    const r = normalizeValue(f, raw);
    if ('issue' in r) {
      issues.push(r.issue);
      continue;
    }
    if (r.value !== null && !f.active) issues.push({ field: key, code: 'inactive', message: 'this field is retired' });
    else if (r.value !== null && ctx && !inScope(f, ctx)) issues.push({ field: key, code: 'scope', message: `does not apply to ${ctx.type} tickets of team ${ctx.team}` });
    else out[key] = r.value;
  }
  return { values: out, issues };
}

/** The fields a ticket of this type and team needs before it is solved and does not have. */
export function missingOnSolve(defs: Iterable<FieldPayload>, ctx: { type: string; team: string; fields: Record<string, unknown> }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const f of defs) {
    if (f.appliesTo !== 'ticket' || !f.active || !f.required || !inScope(f, ctx)) continue;
    if (!hasValue(ctx.fields[f.key])) issues.push({ field: f.key, code: 'required', message: 'required before the ticket is solved' });
  }
  return issues;
}

/**
 * The custom fields a customer may read, as template placeholders (`fields.<key>`) in their
 * language: only fields marked `customerVisible`; an option by its label, a checkbox as yes/no,
 * a date as its day. Fields not visible to customers are left out, so a reply template cannot
 * leak them (the placeholder stays as written).
 */
export function customerFieldValues(defs: Iterable<FieldPayload>, values: Record<string, unknown>, locale: 'en' | 'zh-CN'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of defs) {
    const v = values[f.key];
    if (!f.customerVisible || !hasValue(v)) continue;
    if (f.type === 'select') out[`fields.${f.key}`] = f.options.find((o) => o.value === v)?.label[locale] ?? String(v);
    else if (f.type === 'checkbox') out[`fields.${f.key}`] = WORDS[locale][v === true ? 'checkbox.yes' : 'checkbox.no'];
    else if (f.type === 'date') out[`fields.${f.key}`] = (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);
    else out[`fields.${f.key}`] = String(v);
  }
  return out;
}
