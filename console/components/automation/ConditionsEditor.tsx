import { useT } from '../../i18n';
import type { ConditionPayload } from '../../../src/modules/automation/automation.payloads';
import type { ConditionFieldPayload as ConditionField } from '../../../src/modules/automation/automation.payloads';
import { type EditorData, type Issues, issueAt } from './editor-data';
import { ValueInput } from './ValueInput';

/** The fields a condition of this event can test: the vocabulary's, the custom fields of tickets and of the linked unit. */
export function conditionFields(event: string, data: EditorData, locale: string): { field: string; entry: ConditionField; label?: string }[] {
  const fixed = Object.entries(data.vocabulary.fields)
    .filter(([, e]) => !e.events || e.events.includes(event))
    .map(([field, entry]) => ({ field, entry }));
  const custom = data.fields
    .filter((f) => f.appliesTo === 'ticket' && f.active)
    .map((f) => ({ field: `fields.${f.key}`, entry: { kind: data.vocabulary.kindOfFieldType[f.type], values: f.type === 'select' ? f.options.map((o) => o.value) : undefined, changes: true, holds: true } as ConditionField, label: locale === 'zh-CN' ? f.label['zh-CN'] : f.label.en }));
  const unit = data.fields
    .filter((f) => f.appliesTo === 'unit' && f.active)
    .map((f) => ({ field: `unit.fields.${f.key}`, entry: { kind: data.vocabulary.kindOfFieldType[f.type], values: f.type === 'select' ? f.options.map((o) => o.value) : undefined } as ConditionField, label: locale === 'zh-CN' ? f.label['zh-CN'] : f.label.en, unit: true }));
  return [...fixed, ...custom, ...unit];
}

export function optionLabels(data: EditorData, field: string, locale: string): Record<string, string> | undefined {
  if (!field.startsWith('fields.') && !field.startsWith('unit.fields.')) return undefined;
  const f = data.fields.find((x) => `fields.${x.key}` === field || `unit.fields.${x.key}` === field);
  return f ? Object.fromEntries(f.options.map((o) => [o.value, locale === 'zh-CN' ? o.label['zh-CN'] : o.label.en])) : undefined;
}

/** One list of conditions (all / any): field, operator and value picked from lists, no JSON. */
export function ConditionsEditor(p: { event: string; group: 'all' | 'any'; list: ConditionPayload[]; data: EditorData; issues: Issues; onChange: (list: ConditionPayload[]) => void }) {
  const { t, locale } = useT();
  const fields = conditionFields(p.event, p.data, locale);
  const labelOf = (f: (typeof fields)[number]) => (f.label ? t('unit' in f ? 'field.unitCustom' : 'field.custom', { label: f.label }) : t(`field.${f.field}`));
  const set = (i: number, c: ConditionPayload) => p.onChange(p.list.map((x, j) => (j === i ? c : x)));
  const v = p.data.vocabulary;
  const opsFor = (entry: ConditionField) => v.opsByKind[entry.kind].filter((op) => !v.changeOps.includes(op) || (entry.changes && v.changeEvents.includes(p.event)));
  return (
    <fieldset class="conditions" data-group={p.group}>
      <legend>{t(p.group === 'all' ? 'rules.all' : 'rules.any')}</legend>
      {p.list.map((c, i) => {
        const f = fields.find((x) => x.field === c.field) ?? fields[0];
        const ops = opsFor(f.entry);
        const needsValue = !['is_set', 'not_set', 'changed'].includes(c.op);
        const many = c.op === 'in' || c.op === 'not_in';
        const issue = issueAt(p.issues, `conditions.${p.group}.${i}`);
        return (
          <div class="row condition" data-row={i}>
            <select name="field" aria-label={t('rules.when')} value={c.field} onChange={(e) => {
              const nf = fields.find((x) => x.field === e.currentTarget.value)!;
              set(i, { field: nf.field, op: opsFor(nf.entry)[0], value: undefined });
            }}>
              {fields.map((x) => <option value={x.field}>{labelOf(x)}</option>)}
            </select>
            <select name="op" aria-label="op" value={c.op} onChange={(e) => set(i, { ...c, op: e.currentTarget.value, value: ['in', 'not_in'].includes(e.currentTarget.value) ? [] : undefined })}>
              {ops.map((op) => <option value={op}>{t(`op.${op}`)}</option>)}
            </select>
            {needsValue && <ValueInput name="value" kind={f.entry.kind === 'list' ? 'text' : f.entry.kind} field={c.field} values={f.entry.values} labels={optionLabels(p.data, c.field, locale)} value={c.value} many={many} data={p.data} allowNobody onChange={(v) => set(i, { ...c, value: v })} />}
            <button type="button" class="link" onClick={() => p.onChange(p.list.filter((_, j) => j !== i))}>{t('auto.remove')}</button>
            {issue && <span class="error field-issue" role="alert">{issue}</span>}
          </div>
        );
      })}
      <button type="button" class="add-condition" onClick={() => p.onChange([...p.list, { field: fields[0].field, op: opsFor(fields[0].entry)[0], value: undefined }])}>{t('rules.addCondition')}</button>
    </fieldset>
  );
}
