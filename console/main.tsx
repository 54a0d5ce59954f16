import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, session } from './api';
import { I18n, Locale, translator } from './i18n';
import { AgentsSocket, connect, Live } from './live';
import { isEngineer, isLead, type Me, type View } from './session';
import { hasRole, ROLE_SETS } from '../src/core/types';
import type { PresenceStatus } from '../src/realtime/agents.events';
import { Login } from './components/Login';
import { TopBar } from './components/TopBar';
import { Workspace } from './components/Workspace';
import { Dashboard } from './components/Dashboard';
import { Reports } from './components/Reports';
import { DispatchBoard } from './components/workorders/DispatchBoard';
import { EngineerView } from './components/workorders/EngineerView';
import { ProductsView } from './components/units/ProductsView';
import { ReturnsView } from './components/units/ReturnsView';
import { Channels } from './components/Channels';
import css from './styles.css';

const LOCALE_KEY = 'aftercare.locale';
const PRESENCE_KEY = 'aftercare.presence';

/** "#/ticket/12" → {view:'ticket', n:12}; "#/dashboard"; "#/reports"; "#/returns/<id>"; "#/products"; "#/dispatch[/YYYY-MM-DD]"; "#/visits"; "#/channels"; anything else is the queue. */
function parseHash(): { view: View; ticket: number | null; returnId: string | null; date: string | null } {
  const h = location.hash;
  const m = /^#\/ticket\/(\d+)/.exec(h);
  if (m) return { view: 'queue', ticket: Number(m[1]), returnId: null, date: null };
  const r = /^#\/returns(?:\/([0-9a-f]{24}))?/.exec(h);
  if (r) return { view: 'returns', ticket: null, returnId: r[1] ?? null, date: null };
  if (h.startsWith('#/channels')) return { view: 'channels', ticket: null, returnId: null, date: null };
  if (h.startsWith('#/products')) return { view: 'products', ticket: null, returnId: null, date: null };
  const d = /^#\/dispatch\/(\d{4}-\d{2}-\d{2})/.exec(h);
  const view: View = h.startsWith('#/dashboard') ? 'dashboard' : h.startsWith('#/reports') ? 'reports' : h.startsWith('#/dispatch') ? 'dispatch' : h.startsWith('#/visits') ? 'visits' : 'queue';
  return { view, ticket: null, returnId: null, date: d?.[1] ?? null };
}
const isChannelAdmin = (me: Me) => hasRole(me.role, ROLE_SETS.managers);

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(!!session.token);
  const [locale, setLocale] = useState<Locale>((sessionStorage.getItem(LOCALE_KEY) as Locale) || 'en');
  const [route, setRoute] = useState(parseHash());
  const [socket, setSocket] = useState<AgentsSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [presence, setPresence] = useState<string>(sessionStorage.getItem(PRESENCE_KEY) || 'online');

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    const onUnauthorized = () => logout();
    window.addEventListener('hashchange', onHash);
    window.addEventListener('aftercare:unauthorized', onUnauthorized);
    if (session.token) {
      api<Me>('/api/auth/me')
        .then((m) => signedIn(m))
        .catch(() => (session.token = null))
        .finally(() => setChecking(false));
    }
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('aftercare:unauthorized', onUnauthorized);
    };
  }, []);

  useEffect(() => {
    if (!me || !session.token) return;
    const s = connect(session.token);
    (window as unknown as { __aftercareSocket?: AgentsSocket }).__aftercareSocket = s; // for the browser tests
    s.on('connect', () => {
      setConnected(true);
      s.emit('presence:set', { status: (sessionStorage.getItem(PRESENCE_KEY) as PresenceStatus) || 'online' }, () => undefined);
    });
    s.on('disconnect', (reason) => {
      setConnected(false);
      // the server closes sockets whose access changed (new teams or role): connect again to join what we may see now
      if (reason === 'io server disconnect') s.connect();
    });
    // a revoked session (signed out elsewhere, deactivated, new password) cannot reconnect: back to the login
    s.on('connect_error', (err: Error & { data?: { error?: { code?: string } } }) => {
      if (err.data?.error?.code === 'unauthorized') window.dispatchEvent(new Event('aftercare:unauthorized'));
    });
    s.on('agent:presence', (p) => {
      if (p.id === me.id) setPresence(p.presence);
    });
    setSocket(s);
    return () => {
      s.close();
      setSocket(null);
    };
  }, [me?.id]);

  function signedIn(m: Me) {
    if (!sessionStorage.getItem(LOCALE_KEY)) setLocale(m.locale === 'zh-CN' ? 'zh-CN' : 'en');
    setMe(m);
  }
  function logout() {
    if (session.token) void api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    session.token = null;
    setMe(null);
  }
  function changeLocale(l: Locale) {
    sessionStorage.setItem(LOCALE_KEY, l);
    setLocale(l);
  }
  function changePresence(status: string) {
    sessionStorage.setItem(PRESENCE_KEY, status);
    setPresence(status);
    socket?.emit('presence:set', { status: status as PresenceStatus }, () => undefined);
  }

  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('app.title');
  }, [locale]);

  let body;
  if (checking) body = <div class="center muted">…</div>;
  else if (!me) body = <Login onLogin={(token, agent) => ((session.token = token), signedIn(agent))} />;
  else
    body = (
      <Live.Provider value={socket}>
        <div class="app">
          <TopBar me={me} view={route.view} connected={connected} presence={presence} onPresence={changePresence} locale={locale} onLocale={changeLocale} onLogout={logout} />
          {route.view === 'channels' && isChannelAdmin(me) ? (
            <Channels me={me} />
          ) : route.view === 'dashboard' && isLead(me) ? (
            <Dashboard me={me} />
          ) : route.view === 'reports' && isLead(me) ? (
            <Reports me={me} />
          ) : route.view === 'returns' ? (
            <ReturnsView selected={route.returnId} />
          ) : route.view === 'products' ? (
            <ProductsView />
          ) : route.view === 'dispatch' && !isEngineer(me) ? (
            <DispatchBoard me={me} date={route.date} />
          ) : isEngineer(me) && (route.view === 'visits' || (route.view === 'queue' && !route.ticket)) ? (
            <EngineerView />
          ) : (
            <Workspace me={me} ticket={route.ticket} />
          )}
        </div>
      </Live.Provider>
    );
  return <I18n.Provider value={i18n}>{body}</I18n.Provider>;
}

const style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);
render(<App />, document.getElementById('app')!);
