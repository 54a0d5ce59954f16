import { hasRole, ROLE_SETS } from '../src/core/types';
import type { Locale } from './i18n';

/** The signed-in agent, as `/api/auth/me` and the login answer it. */
export interface Me {
  id: string;
  name: string;
  email: string;
  role: string;
  teams: string[];
  locale: Locale;
}

/** Team leads and above see the dashboard and reports and may reassign (the server's ROLE_SETS). */
export const isLead = (me: Me) => hasRole(me.role, ROLE_SETS.leads);

/** Engineers work from their visits; dispatchers (agents, supervisors, managers) see the board. */
export const isEngineer = (me: Me) => me.role === 'engineer';

/** The console's pages (the hash route): the queue and a ticket, the lead's dashboard and reports, returns, the catalogue, dispatch and the engineer's visits. */
export type View = 'queue' | 'dashboard' | 'reports' | 'returns' | 'products' | 'dispatch' | 'visits' | 'channels';
