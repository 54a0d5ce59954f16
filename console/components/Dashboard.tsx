import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { duration, useT } from '../i18n';
import { debounce, useLive } from '../live';
import type { Me } from '../session';
import type { EscalationPayload as Escalation } from '../../src/realtime/agents.events';
import { Time } from './common';

interface Snapshot {
  teams: { team: { key: string; name: string; nameZh: string }; waiting: number; open: number; atRisk: number; breached: number; longestWaitSec: number }[];
  agents: { id: string; name: string; role: string; teams: string[]; presence: string; since: string | null; load: number; chats: number; chatCapacity: number }[];
  generatedAt: string;
}
/**
 * The supervisor's live view: recomputed by the server whenever a ticket or an agent's presence
 * changes (a short debounce folds bursts); no timer asks the server anything.
 */
export function Dashboard({ me }: { me: Me }) {
  const { t, locale } = useT();
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
      setError((err as Error).message);
    }
  };
  const reload = useMemo(() => debounce(load, 250), []);
  useEffect(() => {
    void load();
    api<{ escalations: Escalation[] }>('/api/escalations?limit=30')
      .then((r) => setFeed(r.escalations))
      .catch((err) => !(err instanceof ApiError && err.status === 404) && setError((err as Error).message));
    // only re-renders the "for 5 min" durations locally; nothing is fetched
    const clock = setInterval(() => setTick((x) => x + 1), 30_000);
    return () => clearInterval(clock);
  }, []);
  useLive(['ticket:created', 'ticket:updated', 'ticket:assigned', 'agent:presence', 'connect'], reload);
  useLive('escalation', (e) => {
    setFeed((list) => [e, ...list.filter((x) => !(x.id && x.id === e.id))].slice(0, 50));
    reload();
  });

  const reassign = async (n: number, agentId: string) => {
    try {
      await api(`/api/tickets/${n}`, { method: 'PATCH', body: { assignee: agentId } });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!snap) return <main class="dashboard muted">{error ? t('error.generic', { message: error }) : t('ticket.loading')}</main>;
  const teamName = (x: Snapshot['teams'][number]['team']) => (locale === 'zh-CN' && x.nameZh ? x.nameZh : x.name);
  return (
    <main class="dashboard">
      <div class="dash-main">
        <h2>{t('dash.title')} <span class="muted small">{me.name}</span></h2>
        {error && <p class="error">{t('error.generic', { message: error })}</p>}
        <div class="team-cards">
          {snap.teams.map((x) => (
            <div class="card team-card" data-team={x.team.key} key={x.team.key}>
              <h3>{teamName(x.team)}</h3>
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
        <table class="agents">
          <thead>
            <tr><th>{t('dash.agent')}</th><th>{t('ticket.team')}</th><th>{t('dash.state')}</th><th>{t('dash.since')}</th><th>{t('dash.load')}</th><th>{t('dash.chats')}</th></tr>
          </thead>
          <tbody>
            {snap.agents.map((a) => (
              <tr key={a.id} data-agent={a.name}>
                <td>{a.name}</td>
                <td class="muted small">{a.teams.join(', ')}</td>
                <td><span class={`dot ${a.presence}`} /> {t(`presence.${a.presence}`)}</td>
                <td>{a.since ? duration((Date.now() + skewMs - Date.parse(a.since)) / 1000, locale) : '—'}</td>
                <td>{a.load}</td>
                <td>{a.chats} / {a.chatCapacity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <aside class="feed">
        <h3>{t('dash.escalations')}</h3>
        {!feed.length && <p class="muted">{t('dash.noEscalations')}</p>}
        <ul>
          {feed.map((e) => (
            <li class={`esc ${e.kind}`} key={`${e.id ?? ''}${e.ticketNumber}${e.at ?? ''}`}>
              <div>
                <strong>{e.kind === 'breach' ? t('esc.breach') : t('esc.warning')}</strong> · {t(`target.${e.target}`)} · {t('esc.level', { level: e.level })}
              </div>
              <div><a href={`#/ticket/${e.ticketNumber}`}>#{e.ticketNumber} {e.subject ?? ''}</a></div>
              <div class="muted small">{e.dueAt && <Time at={e.dueAt} />} {e.team ?? ''}</div>
              <select aria-label={t('dash.reassign')} value="" onChange={(ev) => ev.currentTarget.value && void reassign(e.ticketNumber, ev.currentTarget.value)}>
                <option value="">{t('dash.reassign')}</option>
                {snap.agents.filter((a) => !e.team || a.teams.includes(e.team)).map((a) => <option value={a.id}>{a.name} ({a.load})</option>)}
              </select>
            </li>
          ))}
        </ul>
      </aside>
    </main>
  );
}
