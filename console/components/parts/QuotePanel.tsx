import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Me } from '../../session';
import { errorText } from '../units/units-common';
import type { WorkOrder } from '../workorders/types';
import { PartPicker } from './PartPicker';
import { fenText } from './parts-common';

type LineKind = 'part' | 'labour' | 'travel' | 'other';
interface Quote {
  id: string;
  number: string;
  workOrderId: string | null;
  total: number;
  status: 'sent' | 'accepted' | 'declined' | 'expired' | 'paid';
  lines: { kind: LineKind; sku: string | null; description: string; qty: number; unitPrice: number; amount: number }[];
  validUntil: string;
  payment: { amount: number; reference: string; by: { name: string }; at: string } | null;
}
interface Line {
  kind: LineKind;
  sku: string;
  description: string;
  qty: number;
  /** yuan as typed; a part is priced by the catalogue */
  price: string;
}

/** Same rule as the server's PAYERS: a payment is recorded by a supervisor (of the team), a manager or an admin. */
const pays = (me: Me) => ['supervisor', 'manager', 'admin'].includes(me.role);
const fen = (yuan: string) => Math.round(Number(yuan) * 100);
const blank = (): Line => ({ kind: 'labour', sku: '', description: '', qty: 1, price: '' });

/**
 * The quotes of a ticket (报价, 先款后货): each with its lines, status and total; a new quote of
 * catalogue parts, labour, travel and other lines, for one of the ticket's work orders or none,
 * mailed to the customer with its link; the payment of an accepted quote, by who may record it.
 */
export function QuotePanel({ ticketNumber, me }: { ticketNumber: number; me: Me }) {
  const { t, locale } = useT();
  const [quotes, setQuotes] = useState<Quote[]>([]);
  const [workOrders, setWorkOrders] = useState<WorkOrder[]>([]);
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState<Line[]>([blank()]);
  const [workOrderId, setWorkOrderId] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    Promise.all([
      api<{ quotes: Quote[] }>(`/api/tickets/${ticketNumber}/quotes`).then((r) => setQuotes(r.quotes)),
      api<{ workOrders: WorkOrder[] }>(`/api/work-orders?ticket=${ticketNumber}`).then((r) => setWorkOrders(r.workOrders)),
    ]).catch(() => undefined);
  useEffect(() => {
    setQuotes([]);
    void load();
  }, [ticketNumber]);
  useLive('quote:updated', (p: { ticketNumber: number }) => p.ticketNumber === ticketNumber && void load());

  const set = (i: number, patch: Partial<Line>) => setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body = {
        lines: lines.map((l) => (l.kind === 'part' ? { kind: 'part', sku: l.sku, qty: Number(l.qty) } : { kind: l.kind, description: l.description.trim(), qty: Number(l.qty), unitPrice: fen(l.price) })),
        ...(workOrderId ? { workOrderId } : {}),
      };
      await api(`/api/tickets/${ticketNumber}/quotes`, { method: 'POST', body });
      setOpen(false);
      setLines([blank()]);
      void load();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  return (
    <section class="quote-panel" data-testid="quote-panel">
      <h4>{t('quote.panel.title')}</h4>
      <ul>
        {quotes.map((q) => (
          <li data-quote={q.number} data-status={q.status}>
            <strong>{q.number}</strong> {fenText(q.total)} · <span class={`badge qst-${q.status}`}>{t(`quote.status.${q.status}`)}</span>
            <div class="small muted">{q.lines.map((l) => `${l.description} × ${l.qty}`).join(' · ')}</div>
            {q.status === 'sent' && <div class="small muted">{t('quote.validUntil', { date: new Date(q.validUntil).toLocaleDateString(locale) })}</div>}
            {q.payment && <div class="small">{t('quote.paidBy', { reference: q.payment.reference, name: q.payment.by.name })}</div>}
            {q.status === 'accepted' && pays(me) && <PaymentForm quote={q} onDone={() => void load()} />}
          </li>
        ))}
        {!quotes.length && <li class="muted small">{t('quote.none')}</li>}
      </ul>
      {!open && <button data-action="new-quote" onClick={() => setOpen(true)}>{t('quote.new')}</button>}
      {open && (
        <form class="card quote-form" onSubmit={create}>
          {lines.map((l, i) => (
            <fieldset class="quote-line" data-line={i}>
              <select name="kind" value={l.kind} onChange={(e) => set(i, { kind: e.currentTarget.value as LineKind })}>
                {(['part', 'labour', 'travel', 'other'] as const).map((k) => <option value={k}>{t(`quote.kind.${k}`)}</option>)}
              </select>
              {l.kind === 'part' ? (
                <PartPicker value={l.sku} onChange={(sku) => set(i, { sku })} model={null} engineerId={null} />
              ) : (
                <>
                  <input name="description" required maxLength={200} placeholder={t('quote.description')} value={l.description} onInput={(e) => set(i, { description: e.currentTarget.value })} />
                  <input name="price" required type="number" min="0" step="0.01" placeholder={t('quote.price')} value={l.price} onInput={(e) => set(i, { price: e.currentTarget.value })} />
                </>
              )}
              <input name="qty" type="number" min={1} required value={l.qty} onInput={(e) => set(i, { qty: Number(e.currentTarget.value) })} aria-label={t('parts.qty')} />
              {lines.length > 1 && <button type="button" class="link" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>{t('quote.removeLine')}</button>}
            </fieldset>
          ))}
          <button type="button" data-action="add-line" onClick={() => setLines((ls) => [...ls, blank()])}>{t('quote.addLine')}</button>
          <label>{t('quote.forWorkOrder')}<select name="workOrderId" value={workOrderId} onChange={(e) => setWorkOrderId(e.currentTarget.value)}>
            <option value="">{t('quote.noWorkOrder')}</option>
            {workOrders.map((w) => <option value={w.id}>{w.number} · {t(`wo.kind.${w.kind}`)}</option>)}
          </select></label>
          <p class="small muted">{t('quote.partsPriced')}</p>
          {error && <p class="error" role="alert">{error}</p>}
          <button class="primary" type="submit" data-action="send-quote">{t('quote.send')}</button>
          <button type="button" onClick={() => setOpen(false)}>{t('quote.cancel')}</button>
        </form>
      )}
    </section>
  );
}

/** The payment of the exact total with its reference (bank transfer, POS slip): recorded once, a retry answers the first. */
function PaymentForm({ quote, onDone }: { quote: Quote; onDone: () => void }) {
  const { t } = useT();
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api(`/api/quotes/${quote.id}/payment`, { method: 'POST', body: { amount: quote.total, reference: reference.trim() } });
      onDone();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form class="row payment-form" onSubmit={submit}>
      <input name="reference" required maxLength={100} placeholder={t('quote.reference')} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
      <button class="primary" type="submit" data-action="record-payment">{t('quote.recordPayment', { total: fenText(quote.total) })}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
