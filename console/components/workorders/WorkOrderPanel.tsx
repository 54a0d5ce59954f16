import { useEffect, useState } from 'preact/hooks';
import { api, download } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import { Due } from '../common';
import type { WorkOrder } from './types';

const KINDS = ['repair', 'installation', 'maintenance', 'inspection'];

/** The work orders of a ticket: raise one, follow its status and on-site target, download its report. */
export function WorkOrderPanel({ ticketNumber }: { ticketNumber: number }) {
  const { t, locale } = useT();
  const [list, setList] = useState<WorkOrder[]>([]);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState('repair');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [emergency, setEmergency] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () => api<{ workOrders: WorkOrder[] }>(`/api/work-orders?ticket=${ticketNumber}`).then((r) => setList(r.workOrders)).catch(() => undefined);
  useEffect(() => {
    setList([]);
    void load();
  }, [ticketNumber]);
  useLive('workorder:updated', (p: { ticketNumber: number }) => p.ticketNumber === ticketNumber && void load());

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      await api(`/api/tickets/${ticketNumber}/work-orders`, { method: 'POST', body: { kind, description, address, emergency } });
      setOpen(false);
      setDescription('');
      setError(null);
      void load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="wo-panel" data-testid="wo-panel">
      <h4>{t('wo.panel.title')}</h4>
      <ul>
        {list.map((wo) => (
          <li data-wo={wo.number}>
            <strong>{wo.number}</strong> {t(`wo.kind.${wo.kind}`)} · <span class={`badge wst-${wo.status}`}>{t(`wo.status.${wo.status}`)}</span>
            {wo.visit > 1 && <span class="badge">{t('wo.revisit')}</span>}
            <div class="small muted">
              {wo.engineer?.name ?? t('wo.unassigned')}
              {wo.window ? ` · ${new Date(wo.window.start).toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}` : ''}
            </div>
            {wo.sla.onSite && (wo.sla.onSite.status === 'active' || wo.sla.onSite.status === 'breached') && <Due dueAt={wo.sla.onSite.dueAt} status={wo.sla.onSite.status} />}
            {wo.report && (
              <button class="link" data-action="report-pdf" onClick={() => void download(`/api/work-orders/${wo.id}/report.pdf`, `${wo.number}.pdf`, 'application/pdf').catch((err: Error) => setError(err.message))}>
                {t('wo.panel.pdf', { version: wo.report.version })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {open ? (
        <form class="wo-create" onSubmit={create}>
          <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>{KINDS.map((k) => <option value={k}>{t(`wo.kind.${k}`)}</option>)}</select>
          <textarea name="description" required placeholder={t('wo.panel.description')} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          <input name="address" required placeholder={t('wo.panel.address')} value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
          <label class="small"><input type="checkbox" checked={emergency} onChange={(e) => setEmergency(e.currentTarget.checked)} /> {t('wo.emergency')}</label>
          <button type="submit" class="primary">{t('wo.panel.create')}</button>
        </form>
      ) : (
        <button onClick={() => setOpen(true)} data-action="new-work-order">{t('wo.panel.new')}</button>
      )}
      {error && <p class="error small">{error}</p>}
    </section>
  );
}
