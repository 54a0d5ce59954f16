import { useT } from '../../i18n';
import type { EditorData } from './editor-data';

export type Kind = 'text' | 'enum' | 'number' | 'date' | 'boolean' | 'list' | 'team' | 'agent';

/** The words of an enum value: statuses, priorities and types come from the core strings, others from the editor's. */
export function valueLabel(t: (k: string) => string, field: string, v: string): string {
  const area = field.endsWith('.status') && field.startsWith('ticket.') ? 'status' : field.endsWith('priority') ? 'priority' : field.endsWith('.type') && field.startsWith('ticket') ? 'type' : field.endsWith('channel') ? 'channel' : null;
  if (area) return t(`${area}.${v}`);
  const key = `value.${v}`;
  const s = t(key);
  return s === key ? v : s;
}

/**
 * One value of a condition or action, as the field's kind wants it: a list to pick from (enums,
 * teams, agents, yes/no), a number, a date or text; `many` takes several (is one of).
 */
export function ValueInput(p: { kind: Kind; field: string; values?: readonly string[]; labels?: Record<string, string>; value: unknown; many?: boolean; data: EditorData; onChange: (v: unknown) => void; name?: string; allowNobody?: boolean; allowMe?: boolean }) {
  const { t, locale } = useT();
  const options: [string, string][] | null =
    p.kind === 'enum' ? (p.values ?? []).map((v) => [v, p.labels?.[v] ?? valueLabel(t, p.field, v)])
    : p.kind === 'team' ? p.data.teams.map((x) => [x.key, locale === 'zh-CN' && x.nameZh ? x.nameZh : x.name])
    : p.kind === 'agent' ? [...(p.allowMe ? [['me', t('act.me')] as [string, string]] : []), ...(p.allowNobody ? [['', t('value.nobody')] as [string, string]] : []), ...p.data.agents.map((a) => [a.id, a.name] as [string, string])]
    : p.kind === 'boolean' ? [['true', t('value.true')], ['false', t('value.false')]]
    : null;
  if (options && p.many) {
    const chosen = Array.isArray(p.value) ? p.value.map(String) : [];
    return (
      <select multiple name={p.name} aria-label={p.name} onChange={(e) => p.onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}>
        {options.map(([v, l]) => <option value={v} selected={chosen.includes(v)}>{l}</option>)}
      </select>
    );
  }
  if (options) {
    const v = p.value === null ? '' : p.value === undefined ? undefined : String(p.value);
    return (
      <select name={p.name} aria-label={p.name} value={v} onChange={(e) => {
        const x = e.currentTarget.value;
        p.onChange(p.kind === 'boolean' ? x === 'true' : p.kind === 'agent' && x === '' ? null : x);
      }}>
        <option value="" disabled={!(p.kind === 'agent' && p.allowNobody)}>{p.kind === 'agent' && p.allowNobody ? t('value.nobody') : '—'}</option>
        {options.filter(([o]) => o !== '').map(([o, l]) => <option value={o}>{l}</option>)}
      </select>
    );
  }
  if (p.kind === 'number') return <input type="number" step="any" name={p.name} aria-label={p.name} value={p.value === undefined || p.value === null ? '' : String(p.value)} onInput={(e) => p.onChange(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))} />;
  if (p.kind === 'date') return <input type="date" name={p.name} aria-label={p.name} value={String(p.value ?? '')} onInput={(e) => p.onChange(e.currentTarget.value || null)} />;
  if (p.many) {
    return <input type="text" name={p.name} aria-label={p.name} placeholder={t('value.listHint')} value={Array.isArray(p.value) ? p.value.join(', ') : ''} onInput={(e) => p.onChange(e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean))} />;
  }
  return <input type="text" name={p.name} aria-label={p.name} value={String(p.value ?? '')} onInput={(e) => p.onChange(e.currentTarget.value)} />;
}
