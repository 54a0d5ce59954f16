/**
 * Every page of the console in one list: its address, its entry in the navigation, who may open it.
 * Adding a page for a new area is one entry here (and its strings in console/i18n/<lang>/<area>.json):
 *
 *   { key: 'dispatch', paths: ['dispatch'], nav: { label: 'nav.dispatch', order: 35 },
 *     allowed: notEngineer, view: ({ me, route }) => <DispatchBoard me={me} date={route.path[1] ?? null} /> },
 *
 * `paths` are the first segment of the hash (`#/dispatch/2030-05-01` → `dispatch`, the rest is in
 * `route.path`); the first allowed area marked `home` is the start page. A page is responsive by
 * itself (see the phone rules in styles.css: `.list-detail` gives a list → detail → back layout).
 */
import type { VNode } from 'preact';
import type { Route } from './router';
import { isEngineer, isLead, isManager, type Me } from './session';
import { AutomationPage, type AutomationTab } from './components/automation/AutomationPage';
import { CallbacksPage } from './components/callbacks/CallbacksPage';
import { PartsView } from './components/parts/PartsView';
import { Channels } from './components/Channels';
import { KbEditor } from './components/kb/KbEditor';
import { KbList } from './components/kb/KbList';
import { parseKbHash } from './components/kb/kb-types';
import { Dashboard } from './components/Dashboard';
import { Reports } from './components/Reports';
import { SettingsPage } from './components/settings/SettingsPage';
import { TicketSearch } from './components/tickets/TicketSearch';
import { ProductsView } from './components/units/ProductsView';
import { ReturnsView } from './components/units/ReturnsView';
import { mayEditCatalogue, seesReturns } from './components/units/units-common';
import { DispatchBoard } from './components/workorders/DispatchBoard';
import { EngineerView } from './components/workorders/EngineerView';
import { Workspace } from './components/Workspace';

export interface AreaContext {
  me: Me;
  route: Route;
}

export interface Area {
  key: string;
  /** first hash segments that open this area */
  paths: string[];
  /** the navigation entry: an i18n key and a place (lower first); `shown` narrows who sees the entry (default: whoever may open the page) */
  nav?: { label: string; order: number; href?: string; shown?: (me: Me) => boolean };
  /** the start page (for whom it is allowed) */
  home?: boolean;
  allowed(me: Me): boolean;
  view(ctx: AreaContext): VNode;
}

const ticketOf = (route: Route) => (route.path[1] && /^\d+$/.test(route.path[1]) ? Number(route.path[1]) : null);
const segment = (route: Route, pattern: RegExp) => (route.path[1] && pattern.test(route.path[1]) ? route.path[1] : null);
const notEngineer = (me: Me) => !isEngineer(me);

export const AREAS: Area[] = [
  // an engineer starts on today's visits; a ticket link (#/ticket/N) still opens the ticket
  { key: 'visits', paths: ['visits'], nav: { label: 'nav.visits', order: 10 }, home: true, allowed: isEngineer, view: () => <EngineerView /> },
  {
    key: 'queue', paths: ['queue', 'ticket'], nav: { label: 'nav.queue', order: 10, href: '#/', shown: notEngineer }, home: true, allowed: () => true,
    view: ({ me, route }) => (route.path[0] === 'ticket' || !isEngineer(me) ? <Workspace me={me} ticket={route.path[0] === 'ticket' ? ticketOf(route) : null} /> : <EngineerView />),
  },
  { key: 'tickets', paths: ['tickets'], nav: { label: 'nav.tickets', order: 20 }, allowed: notEngineer, view: ({ me, route }) => <TicketSearch me={me} selected={ticketOf(route)} /> },
  { key: 'callbacks', paths: ['callbacks'], nav: { label: 'nav.callbacks', order: 30 }, allowed: notEngineer, view: ({ me }) => <CallbacksPage me={me} /> },
  { key: 'dispatch', paths: ['dispatch'], nav: { label: 'nav.dispatch', order: 35 }, allowed: notEngineer, view: ({ me, route }) => <DispatchBoard me={me} date={segment(route, /^\d{4}-\d{2}-\d{2}$/)} /> },
  { key: 'returns', paths: ['returns'], nav: { label: 'nav.returns', order: 40, shown: seesReturns }, allowed: () => true, view: ({ route }) => <ReturnsView selected={segment(route, /^[0-9a-f]{24}$/)} /> },
  // spare parts and stock (备件): the catalogue and stock, #/parts/old the old parts expected back
  { key: 'parts', paths: ['parts'], nav: { label: 'nav.parts', order: 42 }, allowed: () => true, view: ({ me, route }) => <PartsView me={me} tab={route.path[1] === 'old' ? 'old' : 'catalogue'} /> },
  { key: 'products', paths: ['products'], nav: { label: 'nav.products', order: 45, shown: mayEditCatalogue }, allowed: () => true, view: () => <ProductsView /> },
  { key: 'dashboard', paths: ['dashboard'], nav: { label: 'nav.dashboard', order: 50 }, allowed: isLead, view: ({ me }) => <Dashboard me={me} /> },
  { key: 'reports', paths: ['reports'], nav: { label: 'nav.reports', order: 60 }, allowed: isLead, view: ({ me }) => <Reports me={me} /> },
  // the knowledge base (知识库): the list, the editor (#/kb/<id>, #/kb/new?ticket=N&translationOf=<id>)
  {
    key: 'kb', paths: ['kb'], nav: { label: 'nav.kb', order: 70 }, allowed: () => true,
    view: ({ me }) => {
      const kb = parseKbHash(location.hash);
      return kb?.page === 'edit' ? <KbEditor me={me} id={kb.id} ticket={kb.ticket} translationOf={kb.translationOf} /> : <KbList />;
    },
  },
  // automation rules, macros, custom fields and outgoing webhooks (#/automation/<tab>): leads and managers
  { key: 'automation', paths: ['automation'], nav: { label: 'nav.automation', order: 80 }, allowed: isLead, view: ({ me, route }) => <AutomationPage me={me} tab={(route.path[1] || 'rules') as AutomationTab} /> },
  // the channels' accounts (WeChat, mailboxes, SMS): managers and admins
  { key: 'channels', paths: ['channels'], nav: { label: 'nav.channels', order: 85 }, allowed: isManager, view: ({ me }) => <Channels me={me} /> },
  { key: 'settings', paths: ['settings'], nav: { label: 'nav.settings', order: 90 }, allowed: (me) => isLead(me) || isManager(me), view: ({ me, route }) => <SettingsPage me={me} section={route.path[1] ?? null} /> },
];

/** The area of a route for this agent: the one its first segment names if allowed, else the start page. */
export function areaOf(route: Route, me: Me): Area {
  const first = route.path[0] ?? '';
  const named = AREAS.find((a) => a.paths.includes(first));
  if (named && named.allowed(me)) return named;
  return AREAS.find((a) => a.home && a.allowed(me)) ?? AREAS[0];
}

export function navEntries(me: Me): (Area & { nav: NonNullable<Area['nav']> })[] {
  return AREAS.filter((a): a is Area & { nav: NonNullable<Area['nav']> } => !!a.nav && a.allowed(me) && (a.nav.shown ?? (() => true))(me)).sort((a, b) => a.nav.order - b.nav.order);
}
