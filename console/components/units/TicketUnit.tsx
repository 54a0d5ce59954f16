import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Me } from '../../session';
import { KINDS, REASON_CODES, type Return } from './return-types';
import { errorText, FormActions, mayDecideWarranty, newClientId, type Unit, UnitCard } from './units-common';

interface TicketRef {
  number: number;
  customer: { id: string };
  unitId?: string | null;
  unit?: Unit | null;
}

/** The ticket's unit with its entitlement (or a choice among the customer's units), and its returns. */
export function TicketUnit({ ticket, me, onChanged }: { ticket: TicketRef; me: Me; onChanged: () => void }) {
  const { t, locale } = useT();
  const [choices, setChoices] = useState<Unit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const link = async (unitId: string | null) => {
    try {
      await api(`/api/tickets/${ticket.number}`, { method: 'PATCH', body: { unitId } });
      setChoices(null);
      onChanged();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  const pick = () => api<{ units: Unit[] }>(`/api/customers/${ticket.customer.id}/units`).then((r) => setChoices(r.units));
  const unit = ticket.unit ?? null;
  return (
    <section class="ticket-unit" data-testid="ticket-unit">
      <h4>{t('ticket.unit.title')}</h4>
      {unit ? <UnitCard unit={unit} me={me} onChange={onChanged} /> : <p class="muted small">{t('ticket.unit.none')}</p>}
      {!choices && <button class="link small" onClick={pick}>{t('ticket.unit.link')}</button>}
      {unit && <button class="link small" onClick={() => link(null)}>{t('ticket.unit.unlink')}</button>}
      {choices && (
        <select name="link-unit" value="" onChange={(e) => e.currentTarget.value && link(e.currentTarget.value)}>
          <option value="">{t('ticket.unit.link')}</option>
          {choices.map((u) => <option value={u.id}>{(u.product ? u.product.name[locale] : u.model) + ' · ' + u.serial}</option>)}
        </select>
      )}
      {error && <p class="error small">{error}</p>}
      {unit && <TicketReturns number={ticket.number} unit={unit} me={me} onChanged={onChanged} />}
    </section>
  );
}

function TicketReturns({ number, unit, me, onChanged }: { number: number; unit: Unit; me: Me; onChanged: () => void }) {
  const { t } = useT();
  const [list, setList] = useState<Return[]>([]);
  const [asking, setAsking] = useState(false);
  const load = () => api<{ returns: Return[] }>(`/api/returns?ticket=${number}`).then((r) => setList(r.returns)).catch(() => undefined);
  useEffect(() => void load(), [number]);
  useLive('return:updated', (p) => p.ticketNumber === number && void load());
  return (
    <div class="ticket-returns">
      <h4>{t('returns.ofTicket')}</h4>
      <ul class="plain">
        {list.map((r) => (
          <li data-return={r.id}>
            <a href={`#/returns/${r.id}`}>{r.number}</a> {t(`returns.kind.${r.kind}`)} <span class={`badge rs-${r.status}`}>{t(`returns.status.${r.status}`)}</span>
          </li>
        ))}
      </ul>
      {!unit.openReturnId && !asking && <button class="small" onClick={() => setAsking(true)}>{t('returns.start')}</button>}
      {asking && <AskReturn number={number} unit={unit} me={me} onDone={(r) => (setAsking(false), r && (setList((l) => [r, ...l]), onChanged()))} />}
    </div>
  );
}

function AskReturn({ number, unit, me, onDone }: { number: number; unit: Unit; me: Me; onDone: (r: Return | null) => void }) {
  const { t } = useT();
  const entitled: readonly string[] = unit.warranty.entitlement;
  const [kind, setKind] = useState<string>(KINDS.find((k) => entitled.includes(k)) ?? 'repair');
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<string>('performance_fault');
  const [override, setOverride] = useState('');
  const [clientId] = useState(newClientId);
  const [error, setError] = useState<string | null>(null);
  const outside = !entitled.includes(kind);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onDone(await api<Return>(`/api/tickets/${number}/returns`, { method: 'POST', body: { kind, unitId: unit.id, reason, reasonCode, clientId, ...(outside ? { override: { reason: override } } : {}) } }));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form class="ask-return" onSubmit={submit}>
      <label>{t('returns.kind')}
        <select name="return-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {KINDS.map((k) => (
            <option value={k} disabled={!entitled.includes(k) && !mayDecideWarranty(me)}>
              {t(`returns.kind.${k}`)}{entitled.includes(k) ? '' : ` (${t('returns.notEntitled')})`}
            </option>
          ))}
        </select>
      </label>
      <label>{t('returns.reasonCode')}
        <select name="return-reason-code" value={reasonCode} onChange={(e) => setReasonCode(e.currentTarget.value)}>
          {REASON_CODES.map((c) => <option value={c}>{t(`returns.reasonCode.${c}`)}</option>)}
        </select>
      </label>
      <textarea name="return-reason" rows={2} placeholder={t('returns.reason')} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
      {outside && <textarea name="return-override" rows={2} placeholder={t('returns.override')} value={override} onInput={(e) => setOverride(e.currentTarget.value)} required minLength={3} />}
      <FormActions error={error} save={t('returns.create')} onCancel={() => onDone(null)} />
    </form>
  );
}
