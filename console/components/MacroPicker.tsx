import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import type { MacroPayload } from '../../src/modules/automation/automation.payloads';
import type { Ticket } from '../types';

/** The composer's macro list: one pick applies the macro to the ticket (its reply, status, tags...). */
export function MacroPicker(p: { ticket: Ticket; onApplied: (t: Ticket) => void; onMessage: (text: string, error: boolean) => void }) {
  const { t } = useT();
  const [macros, setMacros] = useState<MacroPayload[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => void api<{ macros: MacroPayload[] }>('/api/macros').then((r) => setMacros(r.macros)).catch(() => undefined), [p.ticket.number]);
  if (!macros.length) return null;
  const apply = async (m: MacroPayload) => {
    setBusy(true);
    try {
      const res = await api<{ ticket: Ticket; failures: { action: string; error: string }[] }>(`/api/tickets/${p.ticket.number}/macros/${m.id}`, { method: 'POST' });
      p.onApplied(res.ticket);
      p.onMessage(res.failures.length ? t('macros.failures', { failures: res.failures.map((f) => f.error).join('; ') }) : t('macros.applied', { name: m.name }), res.failures.length > 0);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      p.onMessage(t(`error.${code}`) !== `error.${code}` ? t(`error.${code}`, { message: (err as Error).message }) : (err as Error).message, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <select name="macro" aria-label={t('macros.apply')} value="" disabled={busy} onChange={(e) => {
      const m = macros.find((x) => x.id === e.currentTarget.value);
      if (m) void apply(m);
    }}>
      <option value="">{t('macros.apply')}</option>
      {macros.map((m) => <option value={m.id}>{m.name}</option>)}
    </select>
  );
}
