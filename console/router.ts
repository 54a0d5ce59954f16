/**
 * The console's address is its hash: `#/<area>/<more>?<query>`, e.g. `#/ticket/12`,
 * `#/tickets/12?status=solved`, `#/settings/calendars`. Pages read it with `useRoute()` and move
 * with `go()`; the browser's back button works because every move is a new hash.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Route {
  /** the path segments after `#/`: `['tickets', '12']`; empty for the start page */
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [p, q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map((s) => decodeURIComponent(s)), query: new URLSearchParams(q) };
}

export function hashOf(path: (string | number)[], query?: URLSearchParams | Record<string, string>): string {
  const qs = query ? new URLSearchParams(query as Record<string, string>).toString() : '';
  return `#/${path.map((s) => encodeURIComponent(String(s))).join('/')}${qs ? `?${qs}` : ''}`;
}

export function go(path: (string | number)[], query?: URLSearchParams | Record<string, string>): void {
  const next = hashOf(path, query);
  if (location.hash !== next) location.hash = next;
}

export const RouteContext = createContext<Route>({ path: [], query: new URLSearchParams() });
export const useRoute = () => useContext(RouteContext);
