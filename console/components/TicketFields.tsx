import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import type { FieldPayload } from '../../src/modules/fields/field.payloads';
import type { Ticket } from '../types';

let cached: Promise<FieldPayload[]> | null = null;
const ticketFields = () => (cached ??= api<{ fields: FieldPayload[] }>('/api/fields?appliesTo=ticket').then((r) => r.fields).catch(() => ((cached = null), [])));

/**
 * The ticket's custom fields that apply to its type and team, editable in place: each change is a
 * PATCH of that field, and the server's refusal (422 naming the field) is shown beside it.
 */
export function TicketFields({ ticket, onTicket }: { ticket: Ticket; onTicket: (t: Ticket) => void }) {
  const { t, locale } = useT();
  const [defs, setDefs] = useState<FieldPayload[]>([]);
  const [issue, setIssue] = useState<{ field: string; message: string } | null>(null);
  useEffect(() => void ticketFields().then(setDefs), []);
  const shown = defs.filter((f) => f.active && (!f.scope.types.length || f.scope.types.includes(ticket.type)) && (!f.scope.teams.length || f.scope.teams.includes(ticket.team)));
  if (!shown.length) return null;
  const label = (f: FieldPayload) => (locale === 'zh-CN' ? f.label['zh-CN'] : f.label.en);
  const save = async (key: string, value: unknown) => {
    setIssue(null);
    try {
      onTicket(await api<Ticket>(`/api/tickets/${ticket.number}`, { method: 'PATCH', body: { fields: { [key]: value } } }));
    } catch (err) {
      const d = err instanceof ApiError && Array.isArray(err.details) ? err.details[0] : null;
      setIssue({ field: d?.field ?? key, message: d?.message ?? (err as Error).message });
    }
  };
  const values = ticket.fields ?? {};
  return (
    <div class="ticket-fields" aria-label={t('fields.panel')}>
      {shown.map((f) => {
        const v = values[f.key];
        const name = `field-${f.key}`;
        return (
          <label class={issue?.field === f.key ? 'invalid' : ''} title={f.required ? t('fields.requiredMark') : undefined}>
            {label(f)}{f.required ? ' *' : ''}
            {f.type === 'select' ? (
              <select name={name} value={v === undefined || v === null ? '' : String(v)} onChange={(e) => void save(f.key, e.currentTarget.value || null)}>
                <option value="">{t('fields.choose')}</option>
                {f.options.map((o) => <option value={o.value}>{locale === 'zh-CN' ? o.label['zh-CN'] : o.label.en}</option>)}
              </select>
            ) : f.type === 'checkbox' ? (
              <input type="checkbox" name={name} checked={v === true} onChange={(e) => void save(f.key, e.currentTarget.checked)} />
            ) : (
              <input {...({ type: f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text' } as { type: 'text' })} name={name} value={v === undefined || v === null ? '' : String(v)} onChange={(e) => void save(f.key, e.currentTarget.value === '' ? null : e.currentTarget.value)} />
            )}
            {issue?.field === f.key && <span class="error field-issue" role="alert">{issue.message}</span>}
          </label>
        );
      })}
    </div>
  );
}
