import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, session } from './api';
import { areaOf } from './areas';
import { I18n, Locale, translator } from './i18n';
import { type AgentsSocket, connect, Live } from './live';
import type { PresenceStatus } from '../src/realtime/agents.events';
import { parseHash, RouteContext } from './router';
import type { Me } from './session';
import { installShortcuts } from './shortcuts';
import { Login } from './components/Login';
import { PasswordPage } from './components/PasswordPage';
import { ShortcutHelp } from './components/ShortcutHelp';
import { TopBar } from './components/TopBar';
import css from './styles.css';

/** The device remembers the last language chosen (the login page's switch), the account keeps the agent's. */
const LOCALE_KEY = 'aftercare.locale';
const PRESENCE_KEY = 'aftercare.presence';

function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return /^zh\b/i.test(navigator.language) ? 'zh-CN' : 'en';
}
function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(!!session.token);
  const [locale, setLocale] = useState<Locale>(initialLocale);
  // a language picked on the login page is the agent's choice: it goes to the account on sign-in
  const [pickedOnLogin, setPickedOnLogin] = useState(false);
  const [route, setRoute] = useState(parseHash());
  const [socket, setSocket] = useState<AgentsSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [presence, setPresence] = useState<string>(sessionStorage.getItem(PRESENCE_KEY) || 'online');
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    const onUnauthorized = () => logout();
    window.addEventListener('hashchange', onHash);
    window.addEventListener('aftercare:unauthorized', onUnauthorized);
    const removeShortcuts = installShortcuts((action) => (action === 'help' ? setHelp((h) => !h) : action === 'escape' ? setHelp(false) : undefined));
    if (session.token) {
      api<Me>('/api/auth/me')
        .then((m) => signedIn(m))
        .catch(() => (session.token = null))
        .finally(() => setChecking(false));
    }
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('aftercare:unauthorized', onUnauthorized);
      removeShortcuts();
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
    if (pickedOnLogin && m.locale !== locale) {
      void api('/api/auth/me', { method: 'PATCH', body: { locale } }).catch(() => undefined);
      m = { ...m, locale };
    } else setLocale(m.locale === 'zh-CN' ? 'zh-CN' : 'en');
    setMe(m);
  }
  function logout() {
    if (session.token) void api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    session.token = null;
    setMe(null);
  }
  function changeLocale(l: Locale, save: boolean) {
    localStorage.setItem(LOCALE_KEY, l);
    setLocale(l);
    if (save) void api('/api/auth/me', { method: 'PATCH', body: { locale: l } }).catch(() => undefined);
    else setPickedOnLogin(true);
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
  if (route.path[0] === 'password' && route.path[1] && !me) body = <PasswordPage token={route.path[1]} locale={locale} onLocale={(l) => changeLocale(l, false)} />;
  else if (checking) body = <div class="center muted">…</div>;
  else if (!me) body = <Login locale={locale} onLocale={(l) => changeLocale(l, false)} onLogin={(token, agent) => ((session.token = token), signedIn(agent))} />;
  else {
    const area = areaOf(route, me);
    body = (
      <Live.Provider value={socket}>
        <div class="app" data-area={area.key}>
          <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>{i18n.t('a11y.skip')}</a>
          <TopBar me={me} area={area.key} connected={connected} presence={presence} onPresence={changePresence} locale={locale} onLocale={(l) => changeLocale(l, true)} onLogout={logout} onHelp={() => setHelp(true)} />
          <main id="main" class="main" tabIndex={-1}>
            {area.view({ me, route })}
          </main>
          {help && <ShortcutHelp onClose={() => setHelp(false)} />}
        </div>
      </Live.Provider>
    );
  }
  return (
    <I18n.Provider value={i18n}>
      <RouteContext.Provider value={route}>{body}</RouteContext.Provider>
    </I18n.Provider>
  );
}

const style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);
render(<App />, document.getElementById('app')!);
