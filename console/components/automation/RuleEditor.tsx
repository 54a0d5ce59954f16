import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import type { ConditionsPayload, DryRunPayload, RulePayload } from '../../../src/modules/automation/automation.payloads';
import { ActionsEditor } from './ActionsEditor';
import { conditionFields, ConditionsEditor, optionLabels } from './ConditionsEditor';
import { type EditorData, type Issues, issueAt, issuesOf } from './editor-data';
import { ValueInput } from './ValueInput';

export type RuleDraft = Omit<RulePayload, 'id' | 'rev' | 'createdAt' | 'updatedAt'> & { id?: string };

export const emptyRule = (): RuleDraft => ({ name: '', active: true, on: 'ticket.created', conditions: { all: [], any: [] }, actions: [], order: 0 });

/** The body the API takes: a time rule keeps its state, an event rule has none. */
function bodyOf(r: RuleDraft) {
  const conditions: ConditionsPayload = { all: r.conditions.all, any: r.conditions.any, ...(r.on === 'time' && r.conditions.since ? { since: r.conditions.since } : {}) };
  return { name: r.name, active: r.active, on: r.on, conditions, actions: r.actions, order: r.order };
}

/**
 * The rules editor: the event from a list; for a time rule, the state it waits on and for how
 * long; conditions and actions from lists with inputs that fit each field; a dry run on the recent
 * tickets; the server's own errors shown next to the row they name.
 */
export function RuleEditor(p: { rule: RuleDraft; data: EditorData; onSaved: (r: RulePayload) => void; onCancel: () => void }) {
  const { t, locale } = useT();
  const [r, setR] = useState<RuleDraft>(p.rule);
  const [issues, setIssues] = useState<Issues>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [dry, setDry] = useState<DryRunPayload | null>(null);
  const [busy, setBusy] = useState(false);
  const upd = (patch: Partial<RuleDraft>) => (setR({ ...r, ...patch }), setDry(null));
  const holdFields = conditionFields('time', p.data, locale).filter((f) => f.entry.holds);
  const since = r.conditions.since ?? { field: 'ticket.status', value: 'pending', hours: 48 };
  const sinceField = holdFields.find((f) => f.field === since.field) ?? holdFields[0];

  const fail = (err: unknown) => {
    if (err instanceof ApiError) {
      setIssues(issuesOf(err.details));
      setError(t(`error.${err.code}`) !== `error.${err.code}` ? t(`error.${err.code}`, { message: err.message }) : err.message);
    } else setError((err as Error).message);
  };

  async function save() {
    setBusy(true);
    setError(null);
    setIssues(new Map());
    try {
      const saved = r.id ? await api<RulePayload>(`/api/automations/${r.id}`, { method: 'PUT', body: bodyOf(r) }) : await api<RulePayload>('/api/automations', { method: 'POST', body: bodyOf(r) });
      p.onSaved(saved);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function tryIt() {
    setError(null);
    setIssues(new Map());
    try {
      setDry(await api<DryRunPayload>('/api/automations/dry-run', { method: 'POST', body: { rule: bodyOf(r), limit: 200 } }));
    } catch (err) {
      fail(err);
    }
  }

  return (
    <form class="card rule-editor" onSubmit={(e) => (e.preventDefault(), void save())}>
      <div class="row">
        <label>{t('auto.name')} <input name="name" required value={r.name} onInput={(e) => upd({ name: e.currentTarget.value })} /></label>
        <label>{t('rules.when')}
          <select name="on" value={r.on} onChange={(e) => {
            const on = e.currentTarget.value;
            upd({ on, conditions: { all: [], any: [], ...(on === 'time' ? { since } : {}) } });
          }}>
            {p.data.vocabulary.events.map((ev) => <option value={ev}>{t(`rules.event.${ev}`)}</option>)}
          </select>
        </label>
        <label>{t('auto.order')} <input name="order" type="number" value={r.order} onInput={(e) => upd({ order: Number(e.currentTarget.value) || 0 })} /></label>
        <label class="check"><input type="checkbox" name="active" checked={r.active} onChange={(e) => upd({ active: e.currentTarget.checked })} /> {t('auto.active')}</label>
        {issueAt(issues, 'name') && <span class="error field-issue">{issueAt(issues, 'name')}</span>}
      </div>
      {r.on === 'time' && (
        <fieldset class="since">
          <legend>{t('rules.since')}</legend>
          <div class="row">
            <select name="since-field" aria-label={t('rules.since')} value={since.field} onChange={(e) => upd({ conditions: { ...r.conditions, since: { ...since, field: e.currentTarget.value, value: null } } })}>
              {holdFields.map((f) => <option value={f.field}>{f.label ? t('field.custom', { label: f.label }) : t(`field.${f.field}`)}</option>)}
            </select>
            <span>{t('rules.since.holds')}</span>
            <ValueInput name="since-value" kind={sinceField.entry.kind} field={since.field} values={sinceField.entry.values} labels={optionLabels(p.data, since.field, locale)} value={since.value} data={p.data} allowNobody onChange={(v) => upd({ conditions: { ...r.conditions, since: { ...since, value: v as string } } })} />
            <span>{t('rules.since.for')}</span>
            <input type="number" name="since-hours" min="0" step="any" aria-label={t('rules.hours')} value={since.hours} onInput={(e) => upd({ conditions: { ...r.conditions, since: { ...since, hours: Number(e.currentTarget.value) || 0 } } })} />
            <span>{t('rules.hours')}</span>
            {issueAt(issues, 'conditions.since') && <span class="error field-issue">{issueAt(issues, 'conditions.since')}</span>}
          </div>
        </fieldset>
      )}
      <ConditionsEditor event={r.on} group="all" list={r.conditions.all} data={p.data} issues={issues} onChange={(all) => upd({ conditions: { ...r.conditions, all } })} />
      <ConditionsEditor event={r.on} group="any" list={r.conditions.any} data={p.data} issues={issues} onChange={(any) => upd({ conditions: { ...r.conditions, any } })} />
      <ActionsEditor list={r.actions} data={p.data} issues={issues} onChange={(actions) => upd({ actions })} />
      {error && <p class="error" role="alert">{error}</p>}
      {dry && <p class="dry-run" data-testid="dry-run">{t('rules.dryRunResult', { matched: dry.matched, of: dry.of })}</p>}
      <div class="row buttons">
        <button type="button" onClick={() => void tryIt()}>{t('rules.dryRun')}</button>
        <span class="spacer" />
        <button type="button" onClick={p.onCancel}>{t('auto.cancel')}</button>
        <button type="submit" class="primary" disabled={busy}>{t('auto.save')}</button>
      </div>
    </form>
  );
}
