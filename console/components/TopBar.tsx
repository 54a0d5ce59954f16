import { useState } from 'preact/hooks';
import { navEntries } from '../areas';
import { LOCALES, Locale, useT } from '../i18n';
import type { Me } from '../session';

/**
 * The shell's bar: the navigation of every area the agent may open (from console/areas.tsx), the
 * live state, presence, language and sign-out. On a phone the navigation folds into a menu.
 */
export function TopBar(p: { me: Me; area: string; connected: boolean; presence: string; onPresence: (s: string) => void; locale: Locale; onLocale: (l: Locale) => void; onLogout: () => void; onHelp: () => void }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const entries = navEntries(p.me);
  return (
    <header class={`topbar ${open ? 'menu-open' : ''}`}>
      <strong class="brand">{t('app.title')}</strong>
      <button type="button" class="menu-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
        <span aria-hidden="true">☰</span> {t('nav.menu')}
      </button>
      <nav id="main-nav" aria-label={t('nav.label')} onClick={() => setOpen(false)}>
        {entries.map((a) => (
          <a key={a.key} href={a.nav.href ?? `#/${a.paths[0]}`} class={p.area === a.key ? 'active' : ''} aria-current={p.area === a.key ? 'page' : undefined} data-nav={a.key}>
            {t(a.nav.label)}
          </a>
        ))}
      </nav>
      <div class="bar-tools">
        <span class={`live ${p.connected ? 'on' : 'off'}`} data-live={p.connected ? 'on' : 'off'}>{p.connected ? t('live.connected') : t('live.disconnected')}</span>
        <select class={`presence ${p.presence}`} aria-label={t('presence.label')} value={p.presence} onChange={(e) => p.onPresence(e.currentTarget.value)}>
          {['online', 'away'].map((s) => <option value={s}>{t(`presence.${s}`)}</option>)}
        </select>
        <select aria-label={t('language.label')} name="locale" value={p.locale} onChange={(e) => p.onLocale(e.currentTarget.value as Locale)}>
          {LOCALES.map((l) => <option value={l.key} lang={l.key}>{l.label}</option>)}
        </select>
        <button type="button" class="link help-button" aria-label={t('shortcuts.title')} title={t('shortcuts.title')} onClick={p.onHelp}>?</button>
        <span class="me">{p.me.name}</span>
        <button type="button" class="link" onClick={p.onLogout}>{t('nav.logout')}</button>
      </div>
    </header>
  );
}
