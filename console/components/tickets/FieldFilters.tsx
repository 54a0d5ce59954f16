import { useState } from 'preact/hooks';
import type { FieldPayload } from '../../../src/modules/fields/field.payloads';
import { useT } from '../../i18n';
import { DATA_SLOT, DataLabel } from '../common';

/** The query key of a custom field filter (`fields.warranty_code=E4`, as GET /api/tickets takes it). */
export const fieldParam = (key: string) => `fields.${key}`;
export const isFieldParam = (k: string) => /^fields\.[a-z][a-z0-9_]{0,39}$/.test(k);

/**
 * The ticket list's custom field filters: those in force, each removable, and a row to add one —
 * a field of tickets, then its value in the field's own form (a select's options, yes or no for
 * a checkbox, a date, a number or text). Tickets whose field equals the value are listed.
 */
export function FieldFilters({ defs, filters, set }: { defs: FieldPayload[]; filters: URLSearchParams; set: (param: string, value: string | null) => void }) {
  const { t, locale } = useT();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  if (!defs.length) return null;
  const label = (d: FieldPayload) => (locale === 'zh-CN' ? d.label['zh-CN'] : d.label.en);
  const shown = (d: FieldPayload | undefined, v: string) => {
    if (d?.type === 'checkbox') return v === 'true' ? t('search.fieldYes') : t('search.fieldNo');
    const o = d?.options.find((x) => x.value === v);
    return o ? (locale === 'zh-CN' ? o.label['zh-CN'] : o.label.en) : v;
  };
  const active = [...filters.entries()].filter(([k]) => isFieldParam(k)).map(([k, v]) => ({ key: k.slice(7), value: v, def: defs.find((d) => d.key === k.slice(7)) }));
  const def = defs.find((d) => d.key === key);
  const add = (e: Event) => {
    e.preventDefault();
    if (!def || value.trim() === '') return;
    set(fieldParam(def.key), value.trim());
    setKey('');
    setValue('');
  };
  const pick = (k: string) => {
    setKey(k);
    const d = defs.find((x) => x.key === k);
    setValue(d?.type === 'checkbox' ? 'true' : '');
  };
  return (
    <fieldset class="field-filters">
      <legend>{t('search.fieldFilter')}</legend>
      {active.length > 0 && (
        <ul class="chips field-chips" aria-label={t('search.fieldFilters')}>
          {active.map((a) => (
            <li key={a.key} class="chip" data-field={a.key}>
              <span>{a.def ? label(a.def) : a.key}: {shown(a.def, a.value)}</span>
              <button type="button" class="link small" onClick={() => set(fieldParam(a.key), null)}>
                <span aria-hidden="true">×</span>
                <DataLabel text={t('search.fieldRemove', { name: DATA_SLOT })} name={a.def ? label(a.def) : a.key} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="row field-filter-add" onSubmit={add}>
        <label>{t('search.field')}
          <select name="filterField" value={key} onChange={(e) => pick(e.currentTarget.value)}>
            <option value="">{t('search.fieldChoose')}</option>
            {defs.map((d) => <option key={d.key} value={d.key}>{label(d)}</option>)}
          </select>
        </label>
        {def && (
          <label>{t('search.fieldValue')}
            {def.type === 'select' ? (
              <select name="filterValue" value={value} onChange={(e) => setValue(e.currentTarget.value)}>
                <option value="">{t('search.fieldChoose')}</option>
                {def.options.map((o) => <option key={o.value} value={o.value}>{locale === 'zh-CN' ? o.label['zh-CN'] : o.label.en}</option>)}
              </select>
            ) : def.type === 'checkbox' ? (
              <select name="filterValue" value={value} onChange={(e) => setValue(e.currentTarget.value)}>
                <option value="true">{t('search.fieldYes')}</option>
                <option value="false">{t('search.fieldNo')}</option>
              </select>
            ) : (
              <input name="filterValue" type={(def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text') as 'text'} maxLength={200} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            )}
          </label>
        )}
        <button type="submit" disabled={!def || value.trim() === ''}>{t('search.fieldAdd')}</button>
      </form>
    </fieldset>
  );
}
