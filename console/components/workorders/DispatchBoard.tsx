import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Me } from '../../session';
import { Due } from '../common';
import { axisOf, instantAt, moved, overlapping, place, shownSpans, Span, withinHours } from './board-layout';
import type { Board, WorkOrder } from './types';

const localDate = (d = new Date()) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const onDay = (wo: WorkOrder, b: Board) => !!wo.window && Date.parse(wo.window.start) < Date.parse(b.dayEnd) && Date.parse(wo.window.end) > Date.parse(b.dayStart);

/** Puts a freshly read work order where it now belongs on the board (or takes it off). */
function upsert(b: Board, wo: WorkOrder): Board {
  const without = (list: WorkOrder[]) => list.filter((w) => w.id !== wo.id);
  const engineers = b.engineers.map((e) => ({ ...e, workOrders: without(e.workOrders) }));
  let unassigned = without(b.unassigned);
  if (wo.team === b.team && wo.status !== 'cancelled') {
    const lane = wo.engineer && engineers.find((e) => e.id === wo.engineer!.id);
    if (lane && onDay(wo, b)) lane.workOrders = [...lane.workOrders, wo].sort((x, y) => Date.parse(x.window!.start) - Date.parse(y.window!.start));
    else if (!wo.engineer && (wo.status === 'new' || wo.status === 'scheduled')) unassigned = [...unassigned, wo];
  }
  return { ...b, engineers, unassigned };
}

interface Drag {
  id: string;
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  /** where in the block it was grabbed, so the block's left edge lands where it is shown */
  grab: number;
}

/**
 * The dispatch board: engineers (rows) × the day's hours, each work order a block placed by its
 * window; drag a block to another engineer or time, or to the pool (pointer events: mouse and
 * touch). Warns of overlapping windows and windows outside the team's business hours. Live: every
 * `workorder:updated` re-reads that work order by id and moves its block on every open board.
 */
export function DispatchBoard({ me, date: initialDate }: { me: Me; date: string | null }) {
  const { t, locale } = useT();
  const [date, setDate] = useState(initialDate ?? localDate());
  const [team, setTeam] = useState(me.teams.includes('field') ? 'field' : (me.teams[0] ?? 'field'));
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const boardRef = useRef<Board | null>(null);
  boardRef.current = board;

  const load = async () => {
    try {
      setBoard(await api<Board>(`/api/dispatch/board?date=${date}&team=${encodeURIComponent(team)}`));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), [date, team]);
  useLive('workorder:updated', async (p: { id: string; team: string }) => {
    if (!boardRef.current || p.team !== boardRef.current.team) return;
    try {
      const wo = await api<WorkOrder>(`/api/work-orders/${p.id}`);
      setBoard((b) => (b ? upsert(b, wo) : b));
    } catch {
      /* gone or no longer visible */
    }
  });

  const axis: Span | null = useMemo(
    () => (board ? axisOf(board.dayStart, board.dayEnd, shownSpans(board.hours, board.engineers.flatMap((e) => e.workOrders.map((w) => w.window)))) : null),
    [board],
  );
  const hours = useMemo(() => {
    if (!axis) return [];
    const out: number[] = [];
    for (let h = axis.start; h <= axis.end; h += 3600_000) out.push(h);
    return out;
  }, [axis]);
  const fmt = (ms: number) => new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: board?.timeZone });

  const warnings = useMemo(() => {
    const out = new Map<string, string[]>();
    if (!board) return out;
    for (const e of board.engineers) {
      const clash = overlapping(e.workOrders);
      for (const wo of e.workOrders) {
        const w: string[] = [];
        if (clash.has(wo.id)) w.push(t('wo.board.overlap', { number: wo.number, name: e.name }));
        if (wo.window && !withinHours(wo.window, board.hours)) w.push(t('wo.board.outsideHours', { number: wo.number }));
        if (w.length) out.set(wo.id, w);
      }
    }
    return out;
  }, [board, locale]);

  const patch = async (wo: WorkOrder, body: Record<string, unknown>) => {
    try {
      const fresh = await api<WorkOrder>(`/api/work-orders/${wo.id}`, { method: 'PATCH', body });
      setBoard((b) => (b ? upsert(b, fresh) : b));
      setError(null);
    } catch (err) {
      setError(t('wo.board.moveFailed', { number: wo.number, message: (err as Error).message }));
      void load();
    }
  };

  const start = (wo: WorkOrder, e: PointerEvent) => {
    if (e.button !== 0) return;
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    setDrag({ id: wo.id, x0: e.clientX, y0: e.clientY, dx: 0, dy: 0, grab: e.clientX - el.getBoundingClientRect().left });
  };
  const moveDrag = (e: PointerEvent) => drag && setDrag({ ...drag, dx: e.clientX - drag.x0, dy: e.clientY - drag.y0 });
  const drop = (wo: WorkOrder, e: PointerEvent) => {
    const d = drag;
    setDrag(null);
    if (!d || !board || !axis) return;
    if (Math.abs(d.dx) < 4 && Math.abs(d.dy) < 4) return setSelected(selected === wo.id ? null : wo.id);
    const under = document.elementsFromPoint(e.clientX, e.clientY) as HTMLElement[];
    if (under.some((el) => el.dataset?.pool !== undefined)) {
      if (wo.engineer) void patch(wo, { engineer: null });
      return;
    }
    const track = under.find((el) => el.dataset?.track !== undefined);
    if (!track) return;
    const r = track.getBoundingClientRect();
    const startAt = instantAt((e.clientX - d.grab - r.left) / r.width, axis);
    const engineer = track.dataset.engineer!;
    const window = moved(wo.window, startAt);
    if (engineer === wo.engineer?.id && window.start === wo.window?.start) return;
    void patch(wo, { engineer, window });
  };

  const block = (wo: WorkOrder, inLane: boolean) => {
    const pos = inLane && wo.window && axis ? place(wo.window, axis) : null;
    const dragging = drag?.id === wo.id;
    const warn = warnings.get(wo.id);
    const due = wo.sla.onSite && (wo.sla.onSite.status === 'active' || wo.sla.onSite.status === 'breached') ? wo.sla.onSite : null;
    return (
      <div
        key={wo.id}
        class={`wo-block wst-${wo.status} ${wo.emergency ? 'emergency' : ''} ${warn ? 'warn' : ''} ${dragging ? 'dragging' : ''} ${selected === wo.id ? 'selected' : ''}`}
        data-wo={wo.number}
        data-id={wo.id}
        title={[`${wo.number} · ${t(`wo.status.${wo.status}`)}`, wo.address, ...(warn ?? [])].join('\n')}
        style={{ ...(pos ? { left: `${pos.left}%`, width: `${pos.width}%` } : {}), ...(dragging ? { transform: `translate(${drag!.dx}px, ${drag!.dy}px)`, zIndex: 10 } : {}) }}
        onPointerDown={(e) => start(wo, e)}
        onPointerMove={moveDrag}
        onPointerUp={(e) => drop(wo, e)}
        onPointerCancel={() => setDrag(null)}
      >
        <strong>{wo.number}</strong> {wo.window && <span class="small">{fmt(Date.parse(wo.window.start))}</span>}
        {warn && <span class="warn-mark" aria-label={warn.join('; ')}>⚠</span>}
        <PaymentBadge wo={wo} />
        {wo.outcome?.reason && <span class="badge" data-outcome={wo.outcome.reason}>{t(`wo.reason.${wo.outcome.reason}`)}</span>}
        <div class="small ellipsis">{wo.contact.name} · {wo.address}</div>
        {due && <Due dueAt={due.dueAt} status={due.status} />}
      </div>
    );
  };

  const sel = board && [...board.unassigned, ...board.engineers.flatMap((e) => e.workOrders)].find((w) => w.id === selected);
  return (
    <div class="dispatch" data-testid="board">
      <header class="board-head">
        <h2>{t('wo.board.title')}</h2>
        <label>{t('wo.board.date')} <input type="date" name="date" value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} /></label>
        <label>{t('wo.board.team')} <select name="team" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>{[...new Set([team, ...me.teams])].map((k) => <option value={k}>{k}</option>)}</select></label>
        {board && <span class="muted small">{board.timeZone}</span>}
        {board && <span class="muted small" data-testid="board-ready">{t('wo.board.count', { count: board.engineers.reduce((n, e) => n + e.workOrders.length, 0) })}</span>}
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      {board && axis && (
        <>
          <section class="pool" data-pool="">
            <h4>{t('wo.board.pool', { count: board.unassigned.length })}</h4>
            <div class="pool-items">{board.unassigned.length ? board.unassigned.map((wo) => block(wo, false)) : <span class="muted small">{t('wo.board.poolEmpty')}</span>}</div>
          </section>
          <section class="lanes">
            <div class="lane axis"><div class="who" /><div class="track">{hours.map((h) => <span class="hour" style={{ left: `${((h - axis.start) / (axis.end - axis.start)) * 100}%` }}>{fmt(h)}</span>)}</div></div>
            {board.engineers.map((e) => (
              <div class="lane" data-lane={e.id} key={e.id}>
                <div class="who"><span class={`presence-dot p-${e.presence}`} /> {e.name}</div>
                <div class="track" data-track="" data-engineer={e.id}>
                  {board.hours.map((o) => {
                    const p = place(o, axis);
                    return <div class="open-hours" style={{ left: `${p.left}%`, width: `${p.width}%` }} />;
                  })}
                  {e.workOrders.map((wo) => block(wo, true))}
                </div>
              </div>
            ))}
          </section>
          {warnings.size > 0 && (
            <ul class="board-warnings" data-testid="board-warnings">
              {[...warnings.values()].flat().map((w) => <li>⚠ {w}</li>)}
            </ul>
          )}
          {sel && (
            <aside class="wo-detail card" data-testid="wo-detail">
              <h3>{sel.number} · {t(`wo.kind.${sel.kind}`)} <a href={`#/ticket/${sel.ticketNumber}`}>#{sel.ticketNumber}</a></h3>
              <p>{sel.description}</p>
              <p class="muted small">{sel.contact.name} · {sel.contact.phone} · {sel.address}</p>
              <p class="small">{t(`wo.status.${sel.status}`)}{sel.engineer ? ` · ${sel.engineer.name}` : ''}</p>
              {sel.payment.required && sel.payment.status !== 'paid' && <p class="small warn" data-testid="payment-why">{t('wo.payment.why')}</p>}
              {sel.outcome?.note && <p class="small">{sel.outcome.note}</p>}
            </aside>
          )}
        </>
      )}
    </div>
  );
}

/** Why an out-of-warranty repair waits in the pool: its quote is not paid yet (the dispatch gate answers 409 payment_required). */
export function PaymentBadge({ wo }: { wo: WorkOrder }) {
  const { t } = useT();
  if (!wo.payment.required) return null;
  const paid = wo.payment.status === 'paid';
  // the customer turned the quote down or let it lapse: a new quote or a cancellation is wanted, not a wait
  const stuck = !paid && (wo.payment.quoteStatus === 'declined' || wo.payment.quoteStatus === 'expired') ? wo.payment.quoteStatus : null;
  const label = paid ? 'wo.payment.paid' : stuck ? `wo.payment.quote_${stuck}` : 'wo.payment.awaiting';
  return <span class={`badge ${paid ? 'pay-paid' : stuck ? 'pay-declined' : 'pay-awaiting'}`} data-payment={wo.payment.status} data-quote={wo.payment.quoteStatus ?? ''} title={paid ? undefined : t(stuck ? 'wo.payment.requote' : 'wo.payment.why')}>{t(label)}</span>;
}
