import type { Condition, Conditions } from './rule.schemas';
import type { TextMatcher } from './text-matcher';
import { CHANGE_OPS, CONDITION_FIELDS, type ValueKind } from './rule.vocabulary';

/** A field's kind and, for enums, its values in order (what greater/less compare by). */
export interface FieldKind {
  kind: ValueKind;
  values?: readonly string[];
}

/**
 * What a rule's conditions read about one event: each field's value, resolved lazily (a rule on
 * the subject never loads the customer), and the changes of the event by condition field name
 * (`ticket.status`, `fields.warranty_code`, `return.status`): `[before, after]`.
 */
export interface Facts {
  get(field: string): Promise<unknown>;
  changes: Record<string, [unknown, unknown]> | null;
}

export interface Evaluator {
  matcher: TextMatcher;
  kindOf(field: string): FieldKind | null;
}

/** Whether the conditions hold: every one of `all`, and one of `any` when there are some. */
export async function holds(conditions: Pick<Conditions, 'all' | 'any'>, facts: Facts, ev: Evaluator): Promise<boolean> {
  for (const c of conditions.all) if (!(await test(c, facts, ev))) return false;
  if (!conditions.any.length) return true;
  for (const c of conditions.any) if (await test(c, facts, ev)) return true;
  return false;
}

const fold = (v: unknown) => (typeof v === 'string' ? v.normalize('NFKC').toLowerCase().trim() : v);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Equality as a manager means it: text without regard to case and width, numbers by value, empty equals null. */
export function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b);
  return fold(String(a)) === fold(String(b));
}

function compare(a: unknown, b: unknown, kind: FieldKind): number | null {
  if (isEmpty(a) || isEmpty(b)) return null;
  if (kind.kind === 'enum' && kind.values) {
    const i = kind.values.indexOf(String(a));
    const j = kind.values.indexOf(String(b));
    return i < 0 || j < 0 ? null : i - j;
  }
  if (kind.kind === 'date') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : null;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : isEmpty(v) ? [] : [v]);

export async function test(c: Condition, facts: Facts, ev: Evaluator): Promise<boolean> {
  const kind = ev.kindOf(c.field) ?? { kind: 'text' };
  if (CHANGE_OPS.includes(c.op)) {
    const ch = facts.changes?.[c.field];
    if (!ch) return false;
    const [before, after] = ch;
    if (kind.kind === 'list') {
      const added = asList(after).filter((x) => !asList(before).some((y) => same(x, y)));
      const removed = asList(before).filter((x) => !asList(after).some((y) => same(x, y)));
      if (c.op === 'changed') return added.length + removed.length > 0;
      return (c.op === 'changed_to' ? added : removed).some((x) => same(x, c.value));
    }
    if (c.op === 'changed') return !same(before, after);
    return same(c.op === 'changed_to' ? after : before, c.value) && !same(before, after);
  }
  const actual = await facts.get(c.field);
  switch (c.op) {
    case 'equals':
      return kind.kind === 'list' ? asList(actual).some((x) => same(x, c.value)) : same(actual, c.value);
    case 'not_equals':
      return !(kind.kind === 'list' ? asList(actual).some((x) => same(x, c.value)) : same(actual, c.value));
    case 'contains':
    case 'not_contains': {
      const found = kind.kind === 'list' ? asList(actual).some((x) => same(x, c.value)) : ev.matcher.contains(String(actual ?? ''), String(c.value ?? ''));
      return c.op === 'contains' ? found : !found;
    }
    case 'in':
    case 'not_in': {
      const found = asList(c.value).some((v) => same(actual, v));
      return c.op === 'in' ? found : !found;
    }
    case 'greater':
    case 'less': {
      const r = compare(actual, c.value, kind);
      return r !== null && (c.op === 'greater' ? r > 0 : r < 0);
    }
    case 'is_set':
      return !isEmpty(actual);
    case 'not_set':
      return isEmpty(actual);
    default:
      return false;
  }
}

/** The kind of a fixed field of the vocabulary (custom fields are looked up by the caller). */
export function fixedKind(field: string): FieldKind | null {
  const f = (CONDITION_FIELDS as Record<string, { kind: ValueKind; values?: readonly string[] }>)[field];
  return f ? { kind: f.kind, values: f.values } : null;
}
