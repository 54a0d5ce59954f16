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
/** Managers and admins change the department's rules (policies, calendars, teams, agents, hotline). */
export const isManager = (me: Me) => hasRole(me.role, ROLE_SETS.managers);
export const isAdmin = (me: Me) => hasRole(me.role, ROLE_SETS.admins);
/** See every team (managers, directors, admins). */
export const seesAllTeams = (me: Me) => hasRole(me.role, ROLE_SETS.allTeams);

/** Engineers work from their visits; dispatchers (agents, supervisors, managers) see the board. */
export const isEngineer = (me: Me) => me.role === 'engineer';

