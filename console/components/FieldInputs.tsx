import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import type { FieldPayload } from '../../src/modules/fields/field.payloads';

const cache = new Map<string, Promise<FieldPayload[]>>();
/** The custom fields of tickets or units (GET /api/fields), read once per page. */
export function useFieldDefs(appliesTo: 'ticket' | 'unit'): FieldPayload[] {
  const [defs, setDefs] = useState<FieldPayload[]>([]);
  useEffect(() => {
    let p = cache.get(appliesTo);
    if (!p) {
      p = api<{ fields: FieldPayload[] }>(`/api/fields?appliesTo=${appliesTo}`).then((r) => r.fields).catch(() => (cache.delete(appliesTo), []));
      cache.set(appliesTo, p);
    }
    void p.then(setDefs);
  }, [appliesTo]);
  return defs;
}

/**
 * Custom fields editable in place: each change saves that one field (`save`), and the server's
 * refusal (422 naming the field) is shown beside it.
 */
export function FieldInputs({ defs, values, save, label }: { defs: FieldPayload[]; values: Record<string, unknown>; save: (fields: Record<string, unknown>) => Promise<void>; label: string }) {
  const { t, locale } = useT();
  const [issue, setIssue] = useState<{ field: string; message: string } | null>(null);
  if (!defs.length) return null;
  const change = async (key: string, value: unknown) => {
    setIssue(null);
    try {
      await save({ [key]: value });
    } catch (err) {
      const d = err instanceof ApiError && Array.isArray(err.details) ? err.details[0] : null;
      setIssue({ field: d?.field ?? key, message: d?.message ?? (err as Error).message });
    }
  };
  const text = (l: FieldPayload['label']) => (locale === 'zh-CN' ? l['zh-CN'] : l.en);
  return (
    <div class="ticket-fields" aria-label={label}>
      {defs.map((f) => {
        const v = values[f.key];
        const name = `field-${f.key}`;
        const shown = v === undefined || v === null ? '' : f.type === 'date' ? String(v).slice(0, 10) : String(v);
        return (
          <label class={issue?.field === f.key ? 'invalid' : ''} title={f.required ? t('fields.requiredMark') : undefined}>
            {text(f.label)}{f.required ? ' *' : ''}
            {f.type === 'select' ? (
              <select name={name} value={shown} onChange={(e) => void change(f.key, e.currentTarget.value || null)}>
                <option value="">{t('fields.choose')}</option>
                {f.options.map((o) => <option value={o.value}>{text(o.label)}</option>)}
              </select>
            ) : f.type === 'checkbox' ? (
              <input type="checkbox" name={name} checked={v === true} onChange={(e) => void change(f.key, e.currentTarget.checked)} />
            ) : (
              <input {...({ type: f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text' } as { type: 'text' })} name={name} value={shown} onChange={(e) => void change(f.key, e.currentTarget.value === '' ? null : e.currentTarget.value)} />
            )}
            {issue?.field === f.key && <span class="error field-issue" role="alert">{issue.message}</span>}
          </label>
        );
      })}
    </div>
  );
}
