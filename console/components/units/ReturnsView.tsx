import { useEffect, useRef, useState } from 'preact/hooks';
import { api, download, session } from '../../api';
import { useT } from '../../i18n';
import { useDebounced, useLive } from '../../live';
import { Time } from '../common';
import { returnEventText } from './return-events';
import type { Return } from './return-types';
import { errorText, newClientId, yuan } from './units-common';

/** The returns team's work list (退换货): open returns newest first, one return's steps as buttons. */
export function ReturnsView({ selected }: { selected: string | null }) {
  const { t } = useT();
  const [filter, setFilter] = useState<'open' | 'all'>('open');
  const [list, setList] = useState<Return[]>([]);
  const seq = useRef(0);
  const load = async () => {
    const mine = ++seq.current;
    const res = await api<{ returns: Return[] }>(`/api/returns?limit=100${filter === 'open' ? '&status=open' : ''}`);
    if (mine === seq.current) setList(res.returns); // else the answer of a filter left meanwhile
  };
  const reload = useDebounced(() => void load(), 150);
  useEffect(() => void load(), [filter]);
  useLive(['return:updated', 'connect'], reload);
  return (
    <div class="returns-view">
      <aside class="left">
        <h2>{t('returns.title')}</h2>
        <div class="row">
          {(['open', 'all'] as const).map((f) => <button class={filter === f ? 'active' : ''} data-filter={f} onClick={() => setFilter(f)}>{t(`returns.list.${f}`)}</button>)}
        </div>
        {!list.length && <p class="muted">{t('returns.empty')}</p>}
        <ul class="tickets">
          {list.map((r) => (
            <li key={r.id} class={`qi ${selected === r.id ? 'selected' : ''}`} data-return={r.id} data-status={r.status}>
              <a href={`#/returns/${r.id}`}>
                <div class="row"><span class="num">{r.number}</span><span class="subject">{t(`returns.kind.${r.kind}`)} · {r.model}</span></div>
                <div class="row small"><span class={`badge rs-${r.status}`}>{t(`returns.status.${r.status}`)}</span><span class="muted">{r.serial}</span><span class="spacer" /><span class="muted">#{r.ticketNumber}</span></div>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      {selected ? <ReturnDetail id={selected} onChanged={reload} /> : <section class="ticket empty muted">{t('returns.pick')}</section>}
    </div>
  );
}

function ReturnDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, locale } = useT();
  const [r, setR] = useState<Return | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [amount, setAmount] = useState('');
  const [newSerial, setNewSerial] = useState('');
  // one client id per intended step, kept until the server has it: a retry after a lost answer is the same step
  const [pending, setPending] = useState<{ type: string; clientId: string } | null>(null);
  const load = () => api<Return>(`/api/returns/${id}`).then(setR).catch((err) => setError(errorText(t, err)));
  useEffect(() => {
    setR(null);
    setError(null);
    void load();
  }, [id]);
  useLive('return:updated', (p) => p.id === id && void load());
  if (!r) return <section class="ticket muted">{error ?? t('ticket.loading')}</section>;

  const step = async (type: string) => {
    const clientId = pending?.type === type ? pending.clientId : newClientId();
    setPending({ type, clientId });
    setError(null);
    const body: Record<string, unknown> = { type, clientId };
    if (note.trim()) body.note = note.trim();
    if (type === 'refund') body.amount = Math.round(Number(amount) * 100);
    if (type === 'replace') body.newSerial = newSerial.trim();
    try {
      setR(await api<Return>(`/api/returns/${id}/events`, { method: 'POST', body }));
      setPending(null);
      setNote('');
      onChanged();
    } catch (err) {
      setError(errorText(t, err));
      if ((err as { status?: number }).status) setPending(null); // the server answered: a new attempt is a new step
    }
  };
  const upload = async (file: File) => {
    setError(null);
    const res = await fetch(`/api/returns/${id}/attachments?filename=${encodeURIComponent(file.name)}`, { method: 'POST', headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': file.type || 'application/octet-stream' }, body: file });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) setError(t('error.generic', { message: data?.error?.message ?? res.statusText }));
    else setR(data as Return);
  };
  const o = r.outcome;
  return (
    <section class="ticket return-detail" data-return={r.id} data-status={r.status}>
      <header class="ticket-head">
        <h2><span class="num">{r.number}</span> {t(`returns.kind.${r.kind}`)} · {r.model} <span class="muted">{r.serial}</span></h2>
        <div class="fields">
          <span class={`badge rs-${r.status}`} data-testid="return-status">{t(`returns.status.${r.status}`)}</span>
          <a href={`#/ticket/${r.ticketNumber}`}>{t('returns.ticket', { number: r.ticketNumber })}</a>
          <span class="muted small">{t(`returns.reasonCode.${r.reasonCode}`)}: {r.reason}</span>
          <span class="muted small">{t('returns.warrantyAtRequest', { status: t(`units.warranty.${r.warranty.status}`), days: r.warranty.days ?? '–' })}</span>
        </div>
        {r.override && <p class="small warning">{t('returns.overrideBy', { name: r.override.by.name, reason: r.override.reason })}</p>}
        {o && (
          <p class="outcome" data-outcome={o.type}>
            {o.type === 'refund' ? t('returns.outcome.refund', { amount: yuan(o.amount ?? 0) }) : o.type === 'replace' ? t('returns.outcome.replace', { serial: o.newSerial ?? '' }) : t('returns.outcome.repair')}
          </p>
        )}
      </header>
      <div class="return-steps">
        <h4>{t('returns.nextSteps')}</h4>
        {!r.nextSteps.length && <p class="muted small">{t('returns.noSteps')}</p>}
        {r.nextSteps.length > 0 && (
          <>
            <textarea name="return-note" rows={2} placeholder={t('returns.note')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            {r.nextSteps.includes('refund') && <label class="small">{t('returns.amount')} <input name="return-amount" type="number" min="0.01" step="0.01" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} /></label>}
            {r.nextSteps.includes('replace') && <label class="small">{t('returns.newSerial')} <input name="return-new-serial" value={newSerial} onInput={(e) => setNewSerial(e.currentTarget.value)} /></label>}
            <div class="row steps">
              {r.nextSteps.map((s) => <button class={s === 'reject' ? '' : 'primary'} data-step={s} onClick={() => void step(s)}>{t(`returns.step.${s}`)}</button>)}
            </div>
            {pending && !error && <p class="muted small">…</p>}
          </>
        )}
        {error && <p class="error small" data-testid="return-error">{error}{pending && <button class="link" onClick={() => void step(pending.type)}>{t('returns.retry')}</button>}</p>}
      </div>
      <div class="return-photos">
        <h4>{t('returns.photos')}</h4>
        <ul class="plain">
          {r.attachments.map((a) => (
            <li><a href={a.url} data-attachment={a.id} onClick={(e) => { e.preventDefault(); void download(a.url, a.filename); }}>{a.filename}</a> <span class="muted small">{Math.ceil(a.size / 1024)} KB · {a.by.name}</span></li>
          ))}
        </ul>
        {r.nextSteps.length > 0 && (
          <label class="small">{t('returns.upload')} <input type="file" name="return-photo" accept="image/*,application/pdf" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void upload(f); e.currentTarget.value = ''; }} /></label>
        )}
      </div>
      <h4>{t('returns.history')}</h4>
      <ol class="return-events">
        {r.events.map((e) => (
          <li data-event={e.type}>
            <Time at={e.at} /> {returnEventText(t, locale, e, r)}{e.note ? ` — ${e.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
