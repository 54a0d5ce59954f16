import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import { Due } from '../common';
import { enqueue, onOutbox, pending, Pending, startOutbox } from './outbox';
import { ReportForm } from './ReportForm';
import { NEXT_FROM, STEP_TO, WorkOrder } from './types';

const OPEN = 'dispatched,accepted,en_route,on_site';

function today(): { from: string; to: string } {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  const end = new Date(d.getTime() + 24 * 3600_000);
  return { from: d.toISOString(), to: end.toISOString() };
}

/** The status the engineer sees: the server's, moved on by the steps still waiting to be sent. */
function withPending(wo: WorkOrder, queue: Pending[]): { status: string; unsent: Pending[] } {
  const unsent = queue.filter((p) => p.workOrderId === wo.id);
  let status = wo.status;
  for (const p of unsent) status = p.kind === 'report' ? 'completed' : (STEP_TO[p.type!] ?? status);
  return { status, unsent };
}

const timeOf = (iso: string, locale: string) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * The engineer's phone (390 px): today's visits in the order of their windows, tap-to-call and a map
 * link, one big button for the next step. Steps go through the local outbox, so they work offline
 * and say what is still unsent.
 */
export function EngineerView() {
  const { t, locale } = useT();
  const [list, setList] = useState<WorkOrder[]>([]);
  const [queue, setQueue] = useState<Pending[]>(pending());
  const [failure, setFailure] = useState<string | null>(null);
  const [reporting, setReporting] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const range = useMemo(today, []);

  const load = async () => {
    try {
      const [day, open] = await Promise.all([
        api<{ workOrders: WorkOrder[] }>(`/api/work-orders?engineer=me&from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`),
        api<{ workOrders: WorkOrder[] }>(`/api/work-orders?engineer=me&status=${OPEN}`),
      ]);
      const byId = new Map([...open.workOrders, ...day.workOrders].map((w) => [w.id, w]));
      setList([...byId.values()].sort((a, b) => Date.parse(a.window?.start ?? a.createdAt) - Date.parse(b.window?.start ?? b.createdAt)));
      setLoaded(true);
    } catch {
      /* offline: keep what is shown */
    }
  };
  useEffect(() => {
    startOutbox();
    void load();
    return onOutbox((items, fail) => {
      setQueue(items);
      if (fail) setFailure(t('wo.phone.refused', { number: fail.item.number, message: fail.message }));
      if (!items.length || fail) void load();
    });
  }, []);
  useLive('workorder:updated', () => void load());

  const step = (wo: WorkOrder, type: string, reason?: string) => {
    setFailure(null);
    void enqueue({ workOrderId: wo.id, number: wo.number, kind: 'step', type, reason });
  };

  return (
    <div class="phone" data-testid="engineer-view">
      <header class="phone-head">
        <h2>{t('wo.phone.today')}</h2>
        <span class={`unsent ${queue.length ? 'has' : ''}`} data-testid="unsent" data-count={queue.length}>
          {queue.length ? t('wo.phone.unsent', { count: queue.length }) : t('wo.phone.allSent')}
        </span>
      </header>
      {failure && <p class="error" role="alert">{failure}</p>}
      {loaded && !list.length && <p class="muted">{t('wo.phone.none')}</p>}
      <ol class="visits">
        {list.map((wo) => {
          const { status, unsent } = withPending(wo, queue);
          const next = (NEXT_FROM[status] ?? []).filter((s) => !unsent.length || s !== 'reject');
          const primary = next[0];
          return (
            <li class={`visit st-${status}`} data-wo={wo.number} key={wo.id}>
              <div class="visit-head">
                <strong>{wo.window ? `${timeOf(wo.window.start, locale)}–${timeOf(wo.window.end, locale)}` : t('wo.noWindow')}</strong>
                <span class={`badge wst-${status}`} data-status={status}>{t(`wo.status.${status}`)}</span>
                {wo.emergency && <span class="badge pr-urgent">{t('wo.emergency')}</span>}
              </div>
              <div class="visit-body">
                <div>{wo.number} · {t(`wo.kind.${wo.kind}`)} · {wo.contact.name}</div>
                <div class="muted small">{wo.description}</div>
                <a class="address" href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(wo.address)}`} target="_blank" rel="noopener">{wo.address}</a>
                {wo.sla.onSite && (wo.sla.onSite.status === 'active' || wo.sla.onSite.status === 'breached') && <div><Due dueAt={wo.sla.onSite.dueAt} status={wo.sla.onSite.status} /></div>}
              </div>
              <div class="visit-actions">
                {wo.contact.phone && <a class="big call" href={`tel:${wo.contact.phone.replace(/[^\d+]/g, '')}`}>{t('wo.phone.call')}</a>}
                {primary && primary !== 'complete' && <button class="big primary" data-step={primary} onClick={() => step(wo, primary)}>{t(`wo.step.${primary}`)}</button>}
                {status === 'on_site' && !unsent.some((p) => p.kind === 'report') && <button class="big primary" data-action="report" onClick={() => setReporting(wo.id)}>{t('wo.phone.report')}</button>}
                {next.includes('reject') && <button class="big secondary" data-step="reject" onClick={() => step(wo, 'reject')}>{t('wo.step.reject')}</button>}
                {next.includes('cannot_complete') && (
                  <select class="big secondary" aria-label={t('wo.step.cannot_complete')} value="" onChange={(e) => e.currentTarget.value && step(wo, 'cannot_complete', e.currentTarget.value)}>
                    <option value="">{t('wo.step.cannot_complete')}…</option>
                    {['customer_absent', 'part_missing', 'quote_declined', 'other'].map((r) => <option value={r}>{t(`wo.reason.${r}`)}</option>)}
                  </select>
                )}
              </div>
              {unsent.length > 0 && <p class="unsent-note small" data-testid="unsent-note">{t('wo.phone.waiting', { steps: unsent.map((p) => (p.kind === 'report' ? t('wo.phone.report') : t(`wo.step.${p.type}`))).join(', ') })}</p>}
              {reporting === wo.id && <ReportForm wo={wo} onDone={() => setReporting(null)} />}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
