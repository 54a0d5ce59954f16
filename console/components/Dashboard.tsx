import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { errorText } from '../errors';
import { duration, useT } from '../i18n';
import { useDebounced, useLive } from '../live';
import type { Me } from '../session';
import { teamName, useTeams } from '../teams';
import { Time } from './common';

interface Snapshot {
  teams: { team: { key: string; name: string; nameZh: string }; waiting: number; open: number; atRisk: number; breached: number; longestWaitSec: number }[];
  agents: { id: string; name: string; role: string; teams: string[]; presence: string; since: string | null; load: number; chats: number; chatCapacity: number }[];
  generatedAt: string;
}
interface Escalation {
  id?: string;
  ticketNumber: number;
  subject?: string;
  team?: string;
  target: string;
  kind: 'warning' | 'breach';
  level: number;
  dueAt: string | null;
  at?: string;
  acknowledgedAt?: string | null;
  acknowledgedBy?: string | null;
  acknowledgedByName?: string;
}

/** "SLA warning · first response", "Escalated to the manager · resolution": levels by name, warnings as warnings. */
function escalationTitle(e: Escalation, t: (k: string, v?: Record<string, string | number>) => string): string {
  const what = t(`target.${e.target}`);
  if (e.kind === 'warning' && !e.level) return t('esc.warningOf', { target: what });
  if (e.kind === 'warning') return t('esc.alertTo', { target: what, level: t(`esc.levelName.${e.level}`) });
  return t('esc.breachTo', { target: what, level: t(`esc.levelName.${Math.max(1, e.level)}`) });
}

/**
 * The supervisor's live view: recomputed by the server whenever a ticket or an agent's presence
 * changes (a short debounce folds bursts); no timer asks the server anything. The escalation feed
 * is worked from here: acknowledge, reassign, open.
 */
export function Dashboard({ me }: { me: Me }) {
  const { t, locale } = useT();
  const teams = useTeams();
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [feed, setFeed] = useState<Escalation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [, setTick] = useState(0);
  // times in state are counted on the server's clock, whatever the browser's says
  const [skewMs, setSkewMs] = useState(0);
  const load = async () => {
    try {
      const s = await api<Snapshot>('/api/dashboard');
      setSkewMs(Date.parse(s.generatedAt) - Date.now());
      setSnap(s);
      setError(null);
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  const reload = useDebounced(() => void load(), 250);
  useEffect(() => {
    void load();
    api<{ escalations: Escalation[] }>('/api/escalations?limit=30')
      .then((r) => setFeed(r.escalations))
      .catch((err) => setError(errorText(err, t)));
    // only re-renders the "for 5 min" durations locally; nothing is fetched
    const clock = setInterval(() => setTick((x) => x + 1), 30_000);
    return () => clearInterval(clock);
  }, []);
  useLive(['ticket:created', 'ticket:updated', 'ticket:assigned', 'agent:presence', 'connect'], reload);
  useLive('escalation', (e: Escalation) => {
    setFeed((list) => [e, ...list.filter((x) => !(x.id && x.id === e.id))].slice(0, 50));
    reload();
  });
  useLive('escalation:acknowledged', (e: Escalation) => setFeed((list) => list.map((x) => (x.id === e.id ? { ...x, ...e } : x))));

  const reassign = async (n: number, agentId: string) => {
    try {
      await api(`/api/tickets/${n}`, { method: 'PATCH', body: { assignee: agentId } });
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  const acknowledge = async (e: Escalation) => {
    try {
      const res = await api<Escalation>(`/api/tickets/${e.ticketNumber}/escalations/${e.id}/ack`, { method: 'POST' });
      setFeed((list) => list.map((x) => (x.id === e.id ? { ...x, ...res, acknowledgedByName: me.name } : x)));
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  if (!snap) return <div class="dashboard muted">{error ? t('error.generic', { message: error }) : t('ticket.loading')}</div>;
  const name = (x: Snapshot['teams'][number]['team']) => (locale === 'zh-CN' && x.nameZh ? x.nameZh : x.name);
  return (
    <div class="dashboard">
      <div class="dash-main">
        <h2>{t('dash.title')} <span class="muted small" translate={false}>{me.name}</span></h2>
        {error && <p class="error" role="alert">{t('error.generic', { message: error })}</p>}
        <div class="team-cards">
          {snap.teams.map((x) => (
            <div class="card team-card" data-team={x.team.key} key={x.team.key}>
              <h3>{name(x.team)}</h3>
              <dl>
                <div><dt>{t('dash.waiting')}</dt><dd data-k="waiting">{x.waiting}</dd></div>
                <div><dt>{t('dash.open')}</dt><dd data-k="open">{x.open}</dd></div>
                <div class={x.atRisk ? 'warn' : ''}><dt>{t('dash.atRisk')}</dt><dd data-k="atRisk">{x.atRisk}</dd></div>
                <div class={x.breached ? 'bad' : ''}><dt>{t('dash.breached')}</dt><dd data-k="breached">{x.breached}</dd></div>
                <div><dt>{t('dash.longestWait')}</dt><dd data-k="longestWait">{x.waiting ? duration(x.longestWaitSec, locale) : '—'}</dd></div>
              </dl>
            </div>
          ))}
        </div>
        <h3>{t('dash.agents')}</h3>
        <div class="table-wrap">
          <table class="agents">
            <thead>
              <tr><th>{t('dash.agent')}</th><th>{t('ticket.team')}</th><th>{t('dash.state')}</th><th>{t('dash.since')}</th><th>{t('dash.load')}</th><th>{t('dash.chats')}</th></tr>
            </thead>
            <tbody>
              {snap.agents.map((a) => (
                <tr key={a.id} data-agent={a.name}>
                  <td translate={false}>{a.name}</td>
                  <td class="muted small" data-k="teams">{a.teams.map((k) => teamName(teams, k, locale)).join(t('event.listSeparator'))}</td>
                  <td><span class={`dot ${a.presence}`} /> {t(`presence.${a.presence}`)}</td>
                  <td>{a.since ? duration((Date.now() + skewMs - Date.parse(a.since)) / 1000, locale) : '—'}</td>
                  <td>{a.load}</td>
                  <td>{a.chats} / {a.chatCapacity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <aside class="feed" aria-labelledby="feed-title">
        <h3 id="feed-title">{t('dash.escalations')}</h3>
        {!feed.length && <p class="muted">{t('dash.noEscalations')}</p>}
        <ul>
          {feed.map((e) => (
            <li class={`esc ${e.kind} ${e.acknowledgedAt ? 'acked' : ''}`} key={`${e.id ?? ''}${e.ticketNumber}${e.at ?? ''}`} data-escalation={e.id ?? ''}>
              <div>
                <strong>{escalationTitle(e, t)}</strong>
              </div>
              <div><a href={`#/ticket/${e.ticketNumber}`}>#{e.ticketNumber} <span translate={false}>{e.subject ?? ''}</span></a></div>
              <div class="muted small">{e.dueAt && <><Time at={e.dueAt} /> · </>}{teamName(teams, e.team, locale)}</div>
              {e.acknowledgedAt ? (
                <div class="small ok-text" data-testid="acknowledged">{t('esc.acknowledged', { name: e.acknowledgedByName ?? '' })} · <Time at={e.acknowledgedAt} /></div>
              ) : null}
              <div class="esc-actions">
                {e.id && /^[a-f0-9]{24}$/.test(e.id) && !e.acknowledgedAt && (
                  <button type="button" class="primary" data-action="ack" onClick={() => void acknowledge(e)}>{t('esc.acknowledge')}</button>
                )}
                <a class="button" href={`#/ticket/${e.ticketNumber}`}>{t('esc.open')}</a>
                <select aria-label={t('dash.reassign')} value="" onChange={(ev) => ev.currentTarget.value && void reassign(e.ticketNumber, ev.currentTarget.value)}>
                  <option value="">{t('dash.reassign')}</option>
                  {snap.agents.filter((a) => !e.team || a.teams.includes(e.team)).map((a) => <option value={a.id} translate={false}>{a.name} ({a.load})</option>)}
                </select>
              </div>
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
