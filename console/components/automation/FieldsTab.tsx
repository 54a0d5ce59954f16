import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import type { FieldPayload } from '../../../src/modules/fields/field.payloads';
import { TYPES } from '../../../src/modules/tickets/ticket.types';
import { type EditorData, type Issues, issuesOf } from './editor-data';

const FIELD_TYPES: FieldPayload['type'][] = ['text', 'number', 'date', 'select', 'checkbox'];
type Draft = Omit<FieldPayload, 'options'> & { options: string; existing: boolean };
const blank = (): Draft => ({ key: '', label: { en: '', 'zh-CN': '' }, type: 'text', options: '', required: false, scope: { types: [], teams: [] }, customerVisible: false, appliesTo: 'ticket', order: 0, active: true, existing: false });

/** Custom fields of tickets and units: created and changed by managers; the type of a field stays. */
export function FieldsTab({ data }: { data: EditorData }) {
  const { t, locale } = useT();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [issues, setIssues] = useState<Issues>(new Map());
  const [error, setError] = useState<string | null>(null);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  async function save(d: Draft) {
    setError(null);
    setIssues(new Map());
    const options = d.type === 'select' ? d.options.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const body = { label: d.label, type: d.type, ...(options ? { options } : {}), required: d.required, scope: d.scope, customerVisible: d.customerVisible, appliesTo: d.appliesTo, order: d.order, active: d.active };
    try {
      if (d.existing) await api(`/api/fields/${d.key}`, { method: 'PUT', body });
      else await api('/api/fields', { method: 'POST', body: { key: d.key, ...body } });
      setDraft(null);
      data.reload();
    } catch (err) {
      if (err instanceof ApiError) setIssues(issuesOf(err.details));
      setError((err as Error).message);
    }
  }

  if (draft) {
    const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
    return (
      <form class="card field-editor" onSubmit={(e) => (e.preventDefault(), void save(draft))}>
        <div class="row">
          <label>{t('fields.key')} <input name="key" required disabled={draft.existing} pattern="[a-z][a-z0-9_]*" value={draft.key} onInput={(e) => set({ key: e.currentTarget.value })} /></label>
          <label>{t('fields.labelEn')} <input name="label-en" required value={draft.label.en} onInput={(e) => set({ label: { ...draft.label, en: e.currentTarget.value } })} /></label>
          <label>{t('fields.labelZh')} <input name="label-zh" required value={draft.label['zh-CN']} onInput={(e) => set({ label: { ...draft.label, 'zh-CN': e.currentTarget.value } })} /></label>
        </div>
        <div class="row">
          <label>{t('fields.type')}
            <select name="type" disabled={draft.existing} value={draft.type} onChange={(e) => set({ type: e.currentTarget.value as Draft['type'] })}>
              {FIELD_TYPES.map((x) => <option value={x}>{t(`fields.type.${x}`)}</option>)}
            </select>
          </label>
          {draft.type === 'select' && <label>{t('fields.options')} <input name="options" placeholder={t('value.listHint')} value={draft.options} onInput={(e) => set({ options: e.currentTarget.value })} /></label>}
          <label>{t('fields.appliesTo')}
            <select name="applies-to" value={draft.appliesTo} onChange={(e) => set({ appliesTo: e.currentTarget.value as Draft['appliesTo'] })}>
              {(['ticket', 'unit'] as const).map((x) => <option value={x}>{t(`fields.appliesTo.${x}`)}</option>)}
            </select>
          </label>
          <label class="check"><input type="checkbox" name="required" checked={draft.required} onChange={(e) => set({ required: e.currentTarget.checked })} /> {t('fields.required')}</label>
          <label class="check"><input type="checkbox" name="customer-visible" checked={draft.customerVisible} onChange={(e) => set({ customerVisible: e.currentTarget.checked })} /> {t('fields.customerVisible')}</label>
          <label class="check"><input type="checkbox" name="active" checked={draft.active} onChange={(e) => set({ active: e.currentTarget.checked })} /> {t('auto.active')}</label>
        </div>
        <fieldset><legend>{t('fields.scopeTypes')}</legend>
          {TYPES.map((x) => <label class="check"><input type="checkbox" checked={draft.scope.types.includes(x)} onChange={() => set({ scope: { ...draft.scope, types: toggle(draft.scope.types, x) } })} /> {t(`type.${x}`)}</label>)}
        </fieldset>
        <fieldset><legend>{t('fields.scopeTeams')}</legend>
          {data.teams.map((x) => <label class="check"><input type="checkbox" checked={draft.scope.teams.includes(x.key)} onChange={() => set({ scope: { ...draft.scope, teams: toggle(draft.scope.teams, x.key) } })} /> {locale === 'zh-CN' && x.nameZh ? x.nameZh : x.name}</label>)}
        </fieldset>
        {[...issues].map(([k, v]) => <p class="error field-issue">{k}: {v}</p>)}
        {error && <p class="error" role="alert">{error}</p>}
        <div class="row buttons"><span class="spacer" /><button type="button" onClick={() => setDraft(null)}>{t('auto.cancel')}</button><button type="submit" class="primary">{t('auto.save')}</button></div>
      </form>
    );
  }
  return (
    <section class="fields-tab">
      <div class="row"><button class="primary" onClick={() => setDraft(blank())}>{t('fields.new')}</button></div>
      {data.fields.length === 0 ? <p class="muted">{t('auto.none')}</p> : (
        <table class="report-table">
          <thead><tr><th>{t('fields.key')}</th><th>{t('auto.name')}</th><th>{t('fields.type')}</th><th>{t('fields.required')}</th><th>{t('fields.scopeTypes')}</th><th /></tr></thead>
          <tbody>
            {data.fields.map((f) => (
              <tr class={f.active ? '' : 'muted'}>
                <td><code>{f.key}</code></td>
                <td>{locale === 'zh-CN' ? f.label['zh-CN'] : f.label.en}</td>
                <td>{t(`fields.type.${f.type}`)}</td>
                <td>{f.required ? t('value.true') : t('value.false')}</td>
                <td>{f.scope.types.length ? f.scope.types.map((x) => t(`type.${x}`)).join(', ') : t('fields.all')}</td>
                <td><button class="link" onClick={() => setDraft({ ...f, options: f.options.map((o) => o.value).join(', '), existing: true })}>{t('auto.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
