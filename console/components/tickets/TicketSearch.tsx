import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText, fieldErrors } from '../../errors';
import { useT } from '../../i18n';
import { useListNav } from '../../listnav';
import { useDebounced, useLive } from '../../live';
import { go, hashOf, useRoute } from '../../router';
import { isLead, seesAllTeams, type Me } from '../../session';
import { useShortcut } from '../../shortcuts';
import { teamName, useTeams } from '../../teams';
import type { Ticket as TicketPayload } from '../../types';
import { TicketRow, type QueueItem } from '../Queue';
import { DATA_SLOT, DataLabel } from '../common';
import { TicketView } from '../TicketView';
import { useFieldDefs } from '../FieldInputs';
import { FieldFilters, isFieldParam } from './FieldFilters';

const LIVE = 'new,open,pending,on_hold';
const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const CHANNELS = ['email', 'chat', 'voice', 'web'];
const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const SLA = ['breached', 'at_risk', 'on_track', 'none'];
const SORTS = ['newest', 'oldest', 'updated', 'due', 'priority'];
/** query fields that are filters (not the order or the page) */
const FILTERS = ['q', 'status', 'team', 'channel', 'type', 'priority', 'assignee', 'customer', 'sla', 'createdFrom', 'createdTo', 'updatedFrom', 'updatedTo'];

interface SavedView {
  id: string;
  name: string;
  nameKey?: string;
  scope: 'personal' | 'team' | 'builtin';
  team: string | null;
  ownerId: string;
  filters: Record<string, string>;
  sort: string;
  count?: number;
  countCapped?: boolean;
}

function rowOf(t: TicketPayload): QueueItem {
  const targets = [t.sla?.firstResponse, t.sla?.nextResponse, t.sla?.resolution].filter((x): x is { dueAt: string | null; status: string } => !!x && !!x.dueAt);
  const running = targets.filter((x) => x.status === 'active' || x.status === 'breached').sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
  const breached = targets.some((x) => x.status === 'breached');
  return { ...t, priority: t.priority as QueueItem['priority'], dueAt: running[0]?.dueAt ?? null, slaStatus: breached ? 'breached' : (running[0]?.status ?? null) };
}

const isFilter = (k: string) => FILTERS.includes(k) || isFieldParam(k);

/**
 * The filters of a route's query in one order (the others, the custom field filters by key, then
 * the order), so that the same list has one address and a saved view is recognised; with the live
 * statuses when nothing is asked for.
 */
function filtersOf(q: URLSearchParams): URLSearchParams {
  const f = new URLSearchParams();
  for (const k of FILTERS) {
    const v = q.get(k);
    if (v) f.set(k, v);
  }
  for (const [k, v] of [...q.entries()].filter(([k]) => isFieldParam(k)).sort(([a], [b]) => (a < b ? -1 : 1))) if (v) f.set(k, v);
  if (![...f.keys()].some(isFilter)) f.set('status', LIVE);
  const sort = q.get('sort');
  if (sort) f.set('sort', sort);
  return f;
}

function CheckGroup({ name, label, values, selected, onChange, text }: { name: string; label: string; values: string[]; selected: string[]; onChange: (v: string[]) => void; text: (v: string) => string }) {
  return (
    <fieldset class="checks">
      <legend>{label}</legend>
      {values.map((v) => (
        <label key={v} class="check">
          <input type="checkbox" name={name} value={v} checked={selected.includes(v)} onChange={(e) => onChange(e.currentTarget.checked ? [...selected, v] : selected.filter((x) => x !== v))} />
          {text(v)}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Ticket search and views: words, filters (status, team, channel, type, priority, assignee, SLA
 * state, dates, customer), an order, cursor paging; personal and team views saved by name with their
 * counts. The filters live in the address (`#/tickets?status=solved&q=...`), so a view, a search and
 * the back button all lead to the same list; a ticket opens beside it (on a phone, instead of it).
 */
export function TicketSearch({ me, selected }: { me: Me; selected: number | null }) {
  const { t, locale } = useT();
  const route = useRoute();
  const teams = useTeams();
  const fieldDefs = useFieldDefs('ticket');
  const filters = filtersOf(route.query);
  const key = filters.toString();
  const [rows, setRows] = useState<QueueItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [views, setViews] = useState<SavedView[]>([]);
  const [saving, setSaving] = useState<{ name: string; scope: 'personal' | 'team'; team: string } | null>(null);
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const [words, setWords] = useState(filters.get('q') ?? '');
  const searchBox = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  const set = (field: string, value: string | string[] | null) => {
    const q = new URLSearchParams(filters);
    const v = Array.isArray(value) ? value.join(',') : value;
    if (v) q.set(field, v);
    else q.delete(field);
    if (field === 'status' && !v) q.set('status', STATUSES.join(','));
    go(['tickets'], q);
  };

  const load = async (cursor: string | null) => {
    const mine = ++seq.current;
    setBusy(true);
    try {
      const q = new URLSearchParams(filters);
      q.set('limit', '25');
      if (cursor) q.set('cursor', cursor);
      const res = await api<{ tickets: TicketPayload[]; nextCursor: string | null }>(`/api/tickets?${q}`);
      if (mine !== seq.current) return;
      setRows((old) => (cursor ? [...old, ...res.tickets.map(rowOf)] : res.tickets.map(rowOf)));
      setNext(res.nextCursor);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorText(err, t));
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  };
  const loadViews = () => api<{ views: SavedView[] }>('/api/views?counts=true').then((r) => setViews(r.views)).catch(() => undefined);
  useEffect(() => {
    setWords(filters.get('q') ?? '');
    void load(null);
  }, [key]);
  useEffect(() => void loadViews(), []);
  const refresh = useDebounced(() => (void load(null), void loadViews()), 400);
  // a message may move a row (sort by last update) or make it match the words: chat lines bring no ticket:updated
  useLive(['ticket:created', 'ticket:updated', 'message:new'], refresh);
  useShortcut('search', () => searchBox.current?.focus());
  useListNav(rows.map((r) => r.number), selected, (n) => go(['tickets', n], filters));

  const list = (field: string) => (filters.get(field) ?? '').split(',').filter(Boolean);
  const activeView = views.find((v) => new URLSearchParams({ ...v.filters, ...(v.sort && v.sort !== 'newest' ? { sort: v.sort } : {}) }).toString() === key);
  const viewName = (v: SavedView) => (v.nameKey ? t(v.nameKey) : v.name);

  async function saveView(e: Event) {
    e.preventDefault();
    if (!saving) return;
    setSaveErrors({});
    const f: Record<string, string> = {};
    for (const [k, v] of filters.entries()) if (isFilter(k) && v) f[k] = v;
    try {
      await api('/api/views', { method: 'POST', body: { name: saving.name, scope: saving.scope, ...(saving.scope === 'team' ? { team: saving.team } : {}), filters: f, sort: filters.get('sort') ?? 'newest' } });
      setSaving(null);
      await loadViews();
    } catch (err) {
      const fe = fieldErrors(err, t);
      setSaveErrors(Object.keys(fe).length ? fe : { '': errorText(err, t) });
    }
  }
  async function removeView(v: SavedView) {
    if (!confirm(t('views.confirmDelete', { name: v.name }))) return;
    await api(`/api/views/${v.id}`, { method: 'DELETE' }).catch((err) => setError(errorText(err, t)));
    await loadViews();
  }
  const myTeams = seesAllTeams(me) ? teams.map((x) => x.key) : me.teams;
  const canDelete = (v: SavedView) => v.scope === 'personal' || (v.scope === 'team' && isLead(me));

  return (
    <div class={`tickets-page list-detail ${selected ? 'has-detail' : ''}`}>
      <aside class="list-pane search-pane" aria-label={t('search.title')}>
        <form role="search" class="searchbar" onSubmit={(e) => (e.preventDefault(), set('q', words.trim() || null))}>
          <label class="visually-hidden" for="ticket-q">{t('search.words')}</label>
          <input id="ticket-q" ref={searchBox} type="search" name="q" placeholder={t('search.placeholder')} value={words} onInput={(e) => setWords(e.currentTarget.value)} />
          <button type="submit" class="primary">{t('search.go')}</button>
        </form>

        <section class="views" aria-labelledby="views-title">
          <h3 id="views-title">{t('views.title')}</h3>
          <ul class="view-list">
            {views.map((v) => (
              <li key={v.id} class={activeView?.id === v.id ? 'active' : ''} data-view={v.nameKey ?? v.name}>
                <a href={hashOf(['tickets'], { ...v.filters, ...(v.sort && v.sort !== 'newest' ? { sort: v.sort } : {}) })} aria-current={activeView?.id === v.id ? 'true' : undefined}>
                  <span translate={v.nameKey ? undefined : false}>{viewName(v)}</span>
                  {v.scope === 'team' && <span class="muted small"> · {teamName(teams, v.team, locale)}</span>}
                </a>
                <span class="count" data-count={v.count ?? ''}>{v.count === undefined ? '' : v.countCapped ? `${v.count}+` : v.count}</span>
                {canDelete(v) && v.scope !== 'builtin' && (
                  <button type="button" class="link small" onClick={() => void removeView(v)}>
                    <span aria-hidden="true">×</span>
                    <DataLabel text={t('views.delete', { name: DATA_SLOT })} name={v.name} />
                  </button>
                )}
              </li>
            ))}
          </ul>
          {saving ? (
            <form class="save-view" onSubmit={saveView}>
              <label>
                {t('views.name')}
                <input name="viewName" required maxLength={80} value={saving.name} aria-invalid={!!saveErrors.name} onInput={(e) => setSaving({ ...saving, name: e.currentTarget.value })} />
                {saveErrors.name && <span class="field-error">{saveErrors.name}</span>}
              </label>
              {isLead(me) && (
                <label>
                  {t('views.scope')}
                  <select name="viewScope" value={saving.scope} onChange={(e) => setSaving({ ...saving, scope: e.currentTarget.value as 'personal' | 'team' })}>
                    <option value="personal">{t('views.personal')}</option>
                    <option value="team">{t('views.team')}</option>
                  </select>
                </label>
              )}
              {saving.scope === 'team' && (
                <label>
                  {t('ticket.team')}
                  <select name="viewTeam" value={saving.team} onChange={(e) => setSaving({ ...saving, team: e.currentTarget.value })}>
                    {myTeams.map((k) => <option value={k}>{teamName(teams, k, locale)}</option>)}
                  </select>
                  {saveErrors.team && <span class="field-error">{saveErrors.team}</span>}
                </label>
              )}
              {Object.entries(saveErrors).filter(([k]) => !['name', 'team'].includes(k)).map(([, v]) => <p class="error">{v}</p>)}
              <div class="row">
                <button type="submit" class="primary">{t('views.save')}</button>
                <button type="button" onClick={() => setSaving(null)}>{t('common.cancel')}</button>
              </div>
            </form>
          ) : (
            <button type="button" class="save-view-button" onClick={() => setSaving({ name: '', scope: 'personal', team: myTeams[0] ?? '' })}>{t('views.saveCurrent')}</button>
          )}
        </section>

        <details class="filters">
          <summary>{t('search.filters')}</summary>
          <CheckGroup name="status" label={t('ticket.status')} values={STATUSES} selected={list('status')} onChange={(v) => set('status', v)} text={(v) => t(`status.${v}`)} />
          <div class="filter-grid">
            <label>{t('ticket.team')}
              <select name="team" value={filters.get('team') ?? ''} onChange={(e) => set('team', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                {myTeams.map((k) => <option value={k}>{teamName(teams, k, locale)}</option>)}
              </select>
            </label>
            <label>{t('search.channel')}
              <select name="channel" value={filters.get('channel') ?? ''} onChange={(e) => set('channel', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                {CHANNELS.map((c) => <option value={c}>{t(`channel.${c}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.type')}
              <select name="type" value={filters.get('type') ?? ''} onChange={(e) => set('type', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                {TYPES.map((c) => <option value={c}>{t(`type.${c}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.priority')}
              <select name="priority" value={filters.get('priority') ?? ''} onChange={(e) => set('priority', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                {PRIORITIES.map((c) => <option value={c}>{t(`priority.${c}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.assignee')}
              <select name="assignee" value={filters.get('assignee') ?? ''} onChange={(e) => set('assignee', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                <option value="me">{t('search.me')}</option>
                <option value="none">{t('queue.unassigned')}</option>
              </select>
            </label>
            <label>{t('search.sla')}
              <select name="sla" value={filters.get('sla') ?? ''} onChange={(e) => set('sla', e.currentTarget.value || null)}>
                <option value="">{t('search.any')}</option>
                {SLA.map((c) => <option value={c}>{t(`search.slaState.${c}`)}</option>)}
              </select>
            </label>
            <label>{t('search.createdFrom')}
              <input type="date" name="createdFrom" value={filters.get('createdFrom') ?? ''} onChange={(e) => set('createdFrom', e.currentTarget.value || null)} />
            </label>
            <label>{t('search.createdTo')}
              <input type="date" name="createdTo" value={filters.get('createdTo') ?? ''} onChange={(e) => set('createdTo', e.currentTarget.value || null)} />
            </label>
            <label>{t('search.updatedFrom')}
              <input type="date" name="updatedFrom" value={filters.get('updatedFrom') ?? ''} onChange={(e) => set('updatedFrom', e.currentTarget.value || null)} />
            </label>
            <label>{t('search.updatedTo')}
              <input type="date" name="updatedTo" value={filters.get('updatedTo') ?? ''} onChange={(e) => set('updatedTo', e.currentTarget.value || null)} />
            </label>
          </div>
          <FieldFilters defs={fieldDefs.filter((d) => d.active)} filters={filters} set={set} />
          {filters.get('customer') && (
            <p class="small">
              {t('search.customerFilter')} <button type="button" class="link" onClick={() => set('customer', null)}>{t('search.clear')}</button>
            </p>
          )}
        </details>

        <div class="list-head row">
          <h3 id="results-title">{t('search.results')}</h3>
          <span class="spacer" />
          <label class="small">{t('search.sort')}{' '}
            <select name="sort" value={filters.get('sort') ?? 'newest'} onChange={(e) => set('sort', e.currentTarget.value === 'newest' ? null : e.currentTarget.value)}>
              {SORTS.map((s) => <option value={s}>{t(`search.sortBy.${s}`)}</option>)}
            </select>
          </label>
        </div>
        {error && <p class="error" role="alert">{t('error.generic', { message: error })}</p>}
        {!rows.length && !busy && !error && <p class="muted">{t('search.nothing')}</p>}
        <ul class="tickets results" aria-labelledby="results-title" aria-busy={busy}>
          {rows.map((r) => <TicketRow key={r.id} it={r} selected={selected === r.number} href={hashOf(['tickets', r.number], filters)} />)}
        </ul>
        {next && (
          <button type="button" class="more" disabled={busy} onClick={() => void load(next)}>{t('search.more')}</button>
        )}
      </aside>
      <div class="detail-pane">
        <TicketView me={me} number={selected} backHref={hashOf(['tickets'], filters)} />
      </div>
    </div>
  );
}
