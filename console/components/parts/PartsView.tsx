import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Me } from '../../session';
import { errorText } from '../units/units-common';
import { type Engineer, fenText, keepsStore, type Move, newRef, type OldPart, type Part, placeText, type StockRow } from './parts-common';

/** The parts page (备件): search the catalogue, stock by location, receive and transfer, the ledger of a part, and the old parts (旧件). */
export function PartsView({ me, tab }: { me: Me; tab: 'catalogue' | 'old' }) {
  const { t } = useT();
  const [engineers, setEngineers] = useState<Engineer[]>([]);
  useEffect(() => {
    api<{ agents: { id: string; name: string; role: string }[] }>('/api/agents?team=field')
      .then((r) => setEngineers(r.agents.filter((a) => a.role === 'engineer').map((a) => ({ id: a.id, name: a.name }))))
      .catch(() => setEngineers([]));
  }, []);
  return (
    <div class="parts-view reports">
      <div class="row">
        <h2>{t('parts.title')}</h2>
        <nav class="tabs">
          <a href="#/parts" class={tab === 'catalogue' ? 'active' : ''} data-tab="catalogue">{t('parts.tab.catalogue')}</a>
          <a href="#/parts/old" class={tab === 'old' ? 'active' : ''} data-tab="old">{t('parts.tab.old')}</a>
        </nav>
      </div>
      {tab === 'old' ? <OldParts engineers={engineers} /> : <Catalogue me={me} engineers={engineers} />}
    </div>
  );
}

function Catalogue({ me, engineers }: { me: Me; engineers: Engineer[] }) {
  const { t, locale } = useT();
  const [q, setQ] = useState('');
  const [model, setModel] = useState('');
  const [parts, setParts] = useState<Part[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams();
    if (q.trim()) params.set('q', q.trim());
    if (model.trim()) params.set('model', model.trim());
    // an answer to an older search that arrives late must not overwrite the newer one
    let current = true;
    const timer = setTimeout(() => void api<{ parts: Part[] }>(`/api/parts?${params}`).then((r) => current && setParts(r.parts)).catch(() => current && setParts([])), 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, model]);
  return (
    <>
      <div class="row">
        <input name="parts-q" type="search" placeholder={t('parts.search')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <input name="parts-model" placeholder={t('parts.model')} value={model} onInput={(e) => setModel(e.currentTarget.value)} />
      </div>
      <table class="report-table parts-table">
        <thead><tr><th>{t('parts.sku')}</th><th>{t('parts.name')}</th><th>{t('parts.models')}</th><th class="num-col">{t('parts.price')}</th></tr></thead>
        <tbody>
          {parts.map((p) => (
            <tr data-sku={p.sku} class={selected === p.sku ? 'selected' : ''} onClick={() => setSelected(p.sku)}>
              <td><button class="link" data-action="open-part">{p.sku}</button></td>
              <td>{p.name[locale]} <span class="muted">{p.name[locale === 'en' ? 'zh-CN' : 'en']}</span></td>
              <td>{p.models.join(', ')}</td>
              <td class="num-col">{fenText(p.price)}</td>
            </tr>
          ))}
          {!parts.length && <tr><td colSpan={4} class="muted">{t('parts.none')}</td></tr>}
        </tbody>
      </table>
      {selected && <PartDetail key={selected} sku={selected} me={me} engineers={engineers} />}
    </>
  );
}

function PartDetail({ sku, me, engineers }: { sku: string; me: Me; engineers: Engineer[] }) {
  const { t } = useT();
  const [rows, setRows] = useState<StockRow[]>([]);
  const [moves, setMoves] = useState<Move[]>([]);
  const load = async () => {
    const [s, m] = await Promise.all([api<{ stock: StockRow[] }>(`/api/stock?sku=${encodeURIComponent(sku)}`), api<{ moves: Move[] }>(`/api/stock/moves?sku=${encodeURIComponent(sku)}&limit=50`)]);
    setRows(s.stock);
    setMoves(m.moves);
  };
  useEffect(() => void load(), [sku]);
  // another storekeeper's move, a reservation or a report's consumption: re-read the rows
  useLive('stock:changed', (p) => p.sku === sku && void load());
  const place = (l: string) => placeText(t, l, engineers);
  return (
    <section class="card part-detail" data-part-detail={sku}>
      <h3>{t('parts.stockOf', { sku })}</h3>
      <table class="report-table stock-table">
        <thead><tr><th>{t('parts.location')}</th><th>{t('parts.condition')}</th><th class="num-col">{t('parts.onHand')}</th><th class="num-col">{t('parts.reserved')}</th><th class="num-col">{t('parts.available')}</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr data-location={r.location} data-condition={r.condition}>
              <td>{place(r.location)}</td><td>{t(`parts.cond.${r.condition}`)}</td>
              <td class="num-col" data-col="onHand">{r.onHand}</td><td class="num-col" data-col="reserved">{r.reserved}</td><td class="num-col" data-col="available">{r.available}</td>
            </tr>
          ))}
          {!rows.length && <tr><td colSpan={5} class="muted">{t('parts.noStock')}</td></tr>}
        </tbody>
      </table>
      {keepsStore(me) && (
        <div class="row forms">
          <MoveForm kind="receive" sku={sku} engineers={engineers} onDone={load} />
          <MoveForm kind="transfer" sku={sku} engineers={engineers} onDone={load} />
          <MoveForm kind="adjust" sku={sku} engineers={engineers} onDone={load} />
          <MoveForm kind="scrap" sku={sku} engineers={engineers} onDone={load} />
        </div>
      )}
      <h4>{t('parts.ledger')}</h4>
      <table class="report-table ledger-table">
        <thead><tr><th>{t('parts.when')}</th><th>{t('parts.reason')}</th><th class="num-col">{t('parts.qty')}</th><th>{t('parts.from')}</th><th>{t('parts.to')}</th><th>{t('parts.by')}</th><th>{t('parts.ref')}</th></tr></thead>
        <tbody>
          {moves.map((m) => (
            <tr data-ref={m.ref} data-state={m.state} class={m.state === 'applied' ? '' : 'muted'}>
              <td>{new Date(m.createdAt).toLocaleString()}</td>
              <td>{t(`parts.reason.${m.reason}`)}{m.state !== 'applied' && ` (${t(`parts.state.${m.state}`)})`}</td>
              <td class="num-col">{m.qty}</td>
              <td>{m.legs.find((l) => l.onHand < 0 || l.reserved < 0 || l.available < 0) ? place(m.legs[0].location) : '–'}</td>
              <td>{m.to ? place(m.to.location) : m.reason === 'reserve' || m.reason === 'release' ? place(m.legs[0].location) : '–'}</td>
              <td>{m.by.name}{m.workOrder?.number ? ` · ${m.workOrder.number}` : ''}</td>
              <td class="muted small">{m.ref}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Receive into a store, transfer between two (central, a van, a service point), correct a count
 * after a stocktake (adjust: add or remove, with why) or write stock off (scrap, with why).
 */
function MoveForm({ kind, sku, engineers, onDone }: { kind: 'receive' | 'transfer' | 'adjust' | 'scrap'; sku: string; engineers: Engineer[]; onDone: () => void }) {
  const { t } = useT();
  const [qty, setQty] = useState(1);
  const [from, setFrom] = useState('central');
  const [to, setTo] = useState(kind === 'transfer' && engineers[0] ? `engineer:${engineers[0].id}` : 'central');
  const [condition, setCondition] = useState<'new' | 'defective'>(kind === 'scrap' ? 'defective' : 'new');
  const [direction, setDirection] = useState<'add' | 'remove'>('remove');
  const [note, setNote] = useState('');
  // a correction or a write-off says why (the ledger is what an audit of the store reads)
  const why = kind === 'adjust' || kind === 'scrap';
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [ref, setRef] = useState(newRef(kind)); // one ref per intended move: a double click or a retry posts it once
  const places = ['central', ...engineers.map((e) => `engineer:${e.id}`)];
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const legs =
        kind === 'transfer' ? { from: { location: from, condition: 'new' }, to: { location: to, condition: 'new' } }
        : kind === 'receive' ? { to: { location: to, condition: 'new' } }
        : kind === 'scrap' || direction === 'remove' ? { from: { location: from, condition } }
        : { to: { location: from, condition } };
      const body = { ref, sku, qty: Number(qty), reason: kind, ...legs, ...(note.trim() ? { note: note.trim() } : {}) };
      await api('/api/stock/moves', { method: 'POST', body });
      setDone(t(`parts.${kind}.done`, { qty }));
      setRef(newRef(kind));
      onDone();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form class="card move-form" data-form={kind} onSubmit={submit}>
      <h4>{t(`parts.${kind}.title`)}</h4>
      {kind === 'adjust' && (
        <label>{t('parts.adjust.direction')}<select name="direction" value={direction} onChange={(e) => setDirection(e.currentTarget.value as 'add' | 'remove')}><option value="remove">{t('parts.adjust.remove')}</option><option value="add">{t('parts.adjust.add')}</option></select></label>
      )}
      <label>{t('parts.qty')}<input name="qty" type="number" min={1} required value={qty} onInput={(e) => setQty(Number(e.currentTarget.value))} /></label>
      {kind !== 'receive' && (
        <label>{t(why ? 'parts.location' : 'parts.from')}<select name="from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>{places.map((p) => <option value={p}>{placeText(t, p, engineers)}</option>)}</select></label>
      )}
      {why ? (
        <label>{t('parts.condition')}<select name="condition" value={condition} onChange={(e) => setCondition(e.currentTarget.value as 'new' | 'defective')}>{(['new', 'defective'] as const).map((c) => <option value={c}>{t(`parts.cond.${c}`)}</option>)}</select></label>
      ) : (
        <label>{t('parts.to')}<select name="to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>{places.map((p) => <option value={p}>{placeText(t, p, engineers)}</option>)}</select></label>
      )}
      <label>{t(why ? 'parts.why' : 'parts.note')}<input name="note" required={why} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} /></label>
      {error && <p class="error" role="alert">{error}</p>}
      {done && !error && <p class="ok" role="status">{done}</p>}
      <button class="primary" type="submit" data-action={kind}>{t(`parts.${kind}.submit`)}</button>
    </form>
  );
}

function OldParts({ engineers }: { engineers: Engineer[] }) {
  const { t } = useT();
  const [status, setStatus] = useState<'outstanding' | 'overdue' | 'returned'>('outstanding');
  const [list, setList] = useState<OldPart[]>([]);
  useEffect(() => void api<{ oldParts: OldPart[] }>(`/api/old-parts?status=${status}`).then((r) => setList(r.oldParts)), [status]);
  return (
    <>
      <div class="row">
        {(['outstanding', 'overdue', 'returned'] as const).map((s) => (
          <label class="check"><input type="radio" name="old-status" checked={status === s} onChange={() => setStatus(s)} /> {t(`parts.old.${s}`)}</label>
        ))}
      </div>
      <table class="report-table old-parts-table">
        <thead><tr><th>{t('parts.sku')}</th><th>{t('parts.modelCol')}</th><th class="num-col">{t('parts.qty')}</th><th>{t('parts.old.serial')}</th><th>{t('parts.old.workOrder')}</th><th>{t('parts.old.engineer')}</th><th>{t('parts.old.due')}</th><th>{t('parts.old.status')}</th></tr></thead>
        <tbody>
          {list.map((l) => (
            <tr data-old-part={l.id} class={l.status === 'overdue' ? 'overdue' : ''}>
              <td>{l.sku}</td><td>{l.model ?? '–'}</td><td class="num-col">{l.qty}</td><td>{l.defectiveSerial ?? '–'}</td>
              <td>{l.workOrder.number}{l.ticketNumber ? <a href={`#/ticket/${l.ticketNumber}`}> #{l.ticketNumber}</a> : null}</td>
              <td>{l.engineerId ? placeText(t, `engineer:${l.engineerId}`, engineers) : '–'}</td>
              <td>{new Date(l.dueAt).toLocaleDateString()}</td>
              <td>{t(`parts.old.${l.status}`)}</td>
            </tr>
          ))}
          {!list.length && <tr><td colSpan={8} class="muted">{t('parts.old.none')}</td></tr>}
        </tbody>
      </table>
    </>
  );
}
