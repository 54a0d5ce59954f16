import { LOCALES, Locale, useT } from '../i18n';
import { isEngineer, isLead, type Me, type View } from '../session';
import { mayEditCatalogue, seesReturns } from './units/units-common';
import { hasRole, ROLE_SETS } from '../../src/core/types';

export function TopBar(p: { me: Me; view: View; connected: boolean; presence: string; onPresence: (s: string) => void; locale: Locale; onLocale: (l: Locale) => void; onLogout: () => void }) {
  const { t } = useT();
  return (
    <header class="topbar">
      <strong class="brand">{t('app.title')}</strong>
      <nav>
        {isEngineer(p.me) ? (
          <a href="#/visits" class={p.view === 'visits' || p.view === 'queue' ? 'active' : ''} data-nav="visits">{t('nav.visits')}</a>
        ) : (
          <a href="#/" class={p.view === 'queue' ? 'active' : ''}>{t('nav.queue')}</a>
        )}
        {!isEngineer(p.me) && <a href="#/dispatch" class={p.view === 'dispatch' ? 'active' : ''} data-nav="dispatch">{t('nav.dispatch')}</a>}
        {isLead(p.me) && <a href="#/dashboard" class={p.view === 'dashboard' ? 'active' : ''} data-nav="dashboard">{t('nav.dashboard')}</a>}
        {isLead(p.me) && <a href="#/reports" class={p.view === 'reports' ? 'active' : ''} data-nav="reports">{t('nav.reports')}</a>}
        {seesReturns(p.me) && <a href="#/returns" class={p.view === 'returns' ? 'active' : ''} data-nav="returns">{t('nav.returns')}</a>}
        {mayEditCatalogue(p.me) && <a href="#/products" class={p.view === 'products' ? 'active' : ''} data-nav="products">{t('nav.products')}</a>}
        {hasRole(p.me.role, ROLE_SETS.managers) && <a href="#/channels" class={p.view === 'channels' ? 'active' : ''} data-nav="channels">{t('nav.channels')}</a>}
      </nav>
      <span class="spacer" />
      <span class={`live ${p.connected ? 'on' : 'off'}`} data-live={p.connected ? 'on' : 'off'}>{p.connected ? t('live.connected') : t('live.disconnected')}</span>
      <select class={`presence ${p.presence}`} aria-label="presence" value={p.presence} onChange={(e) => p.onPresence(e.currentTarget.value)}>
        {['online', 'away'].map((s) => <option value={s}>{t(`presence.${s}`)}</option>)}
      </select>
      <select aria-label="language" value={p.locale} onChange={(e) => p.onLocale(e.currentTarget.value as Locale)}>
        {LOCALES.map((l) => <option value={l.key}>{l.label}</option>)}
      </select>
      <span class="me">{p.me.name}</span>
      <button class="link" onClick={p.onLogout}>{t('nav.logout')}</button>
    </header>
  );
}
